package store

import (
	"context"
	"fmt"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// Outcomes returns what became of the items run searched: for each item
// found since, the first grab that matched a search of it by this run or
// a later run of the same instance. Items not found are absent. One query
// however many items the run searched.
func (r *RunItems) Outcomes(ctx context.Context, run domain.Run) (map[domain.ItemKey]domain.ItemOutcome, error) {
	var rows []struct {
		ItemKey string    `bun:"item_key"`
		RunID   int64     `bun:"run_id"`
		FoundAt time.Time `bun:"found_at"`
	}
	err := r.s.db.NewSelect().TableExpr("outcome_found AS of").
		Join("JOIN runs AS r ON r.id = of.run_id").
		ColumnExpr("of.item_key, of.run_id, of.found_at").
		Where("r.instance_id = ? AND r.id >= ?", run.InstanceID, run.ID).
		Where("of.item_key IN (SELECT ri.item_key FROM run_items AS ri WHERE ri.run_id = ? AND ri.decision = ?)", run.ID, domain.DecisionKept).
		OrderExpr("of.found_at ASC, of.run_id ASC").
		Scan(ctx, &rows)
	if err != nil {
		return nil, wrap(fmt.Sprintf("read outcomes of run %d", run.ID), err)
	}
	out := make(map[domain.ItemKey]domain.ItemOutcome, len(rows))
	for _, row := range rows {
		k, err := domain.ParseItemKey(row.ItemKey)
		if err != nil {
			return nil, fmt.Errorf("store: outcome of run %d: %w", run.ID, err)
		}
		if _, seen := out[k]; !seen {
			out[k] = domain.ItemOutcome{Found: true, FoundAt: row.FoundAt.UTC(), RunID: row.RunID}
		}
	}
	return out, nil
}
