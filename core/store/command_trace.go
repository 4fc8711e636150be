package store

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// withRunTrace fills the CorrelationID and Strategy of commands from their
// runs, in one query.
func (r *Commands) withRunTrace(ctx context.Context, cmds []*domain.DispatchedCommand) error {
	seen := map[int64]bool{}
	var runIDs []int64
	for _, c := range cmds {
		if c.RunID != 0 && !seen[c.RunID] {
			seen[c.RunID] = true
			runIDs = append(runIDs, c.RunID)
		}
	}
	if len(runIDs) == 0 {
		return nil
	}
	var rows []struct {
		ID            int64  `bun:"id"`
		CorrelationID string `bun:"correlation_id"`
		Strategy      string `bun:"strategy"`
	}
	if err := r.s.db.NewSelect().Table("runs").Column("id", "correlation_id", "strategy").
		Where("id IN (?)", bun.List(runIDs)).Scan(ctx, &rows); err != nil {
		return wrap("read the runs of commands", err)
	}
	byRun := make(map[int64]int, len(rows))
	for i, row := range rows {
		byRun[row.ID] = i
	}
	for _, c := range cmds {
		if i, ok := byRun[c.RunID]; ok {
			c.CorrelationID, c.Strategy = rows[i].CorrelationID, rows[i].Strategy
		}
	}
	return nil
}
