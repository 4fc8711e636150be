package store

import (
	"context"

	"github.com/vibequality/searcharr/core/domain"
)

// RunStats counts the dispatched commands of one run by outcome: still
// pending, sent (sent or completed, with their indexer searches) and failed
// (failed or expired).
func (r *Commands) RunStats(ctx context.Context, runID int64) (domain.RunCommandStats, error) {
	var rows []struct {
		Status string `bun:"status"`
		N      int    `bun:"n"`
		Cost   int    `bun:"cost"`
	}
	err := r.s.db.NewSelect().Table("dispatched_commands").
		ColumnExpr("status, COUNT(*) AS n, COALESCE(SUM(cost), 0) AS cost").
		Where("run_id = ?", runID).
		GroupExpr("status").
		Scan(ctx, &rows)
	if err != nil {
		return domain.RunCommandStats{}, wrap("count the commands of a run", err)
	}
	var st domain.RunCommandStats
	for _, row := range rows {
		switch domain.CommandStatus(row.Status) {
		case domain.CommandPending:
			st.Pending += row.N
		case domain.CommandSent, domain.CommandCompleted:
			st.Sent += row.N
			st.IndexerSearches += row.Cost
		default:
			st.Failed += row.N
		}
	}
	return st, nil
}
