package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// batchSize bounds the rows of one multi-row statement.
const batchSize = 500

// runItemModel is a row of the run_items table.
type runItemModel struct {
	bun.BaseModel `bun:"table:run_items,alias:ri"`

	ID       int64   `bun:"id,pk,autoincrement"`
	RunID    int64   `bun:"run_id"`
	ItemKey  string  `bun:"item_key"`
	Title    string  `bun:"title"`
	Decision string  `bun:"decision"`
	Reason   string  `bun:"reason"`
	Code     string  `bun:"reason_code"`
	Score    float64 `bun:"score"`
	Command  string  `bun:"command"`
}

// RunItems stores the per-item decisions of runs.
type RunItems struct{ s *Store }

// RunItems returns the run item repository.
func (s *Store) RunItems() *RunItems { return &RunItems{s: s} }

// Insert stores the decisions of one run in one transaction; the RunID of
// each item is set to runID.
func (r *RunItems) Insert(ctx context.Context, runID int64, items []domain.RunItem) error {
	if len(items) == 0 {
		return nil
	}
	return r.s.inTx(ctx, "insert run items", func(ctx context.Context, tx bun.Tx) error {
		return insertRunItems(ctx, tx, runID, items)
	})
}

func insertRunItems(ctx context.Context, tx bun.IDB, runID int64, items []domain.RunItem) error {
	ms := make([]runItemModel, len(items))
	for i, it := range items {
		ms[i] = runItemModel{
			RunID:    runID,
			ItemKey:  it.Key.String(),
			Title:    it.Title,
			Decision: string(it.Decision),
			Reason:   it.Reason,
			Code:     string(it.ReasonCode),
			Score:    it.Score,
			Command:  string(it.Command),
		}
	}
	for start := 0; start < len(ms); start += batchSize {
		batch := ms[start:min(start+batchSize, len(ms))]
		if _, err := tx.NewInsert().Model(&batch).Exec(ctx); err != nil {
			return wrap(fmt.Sprintf("insert items of run %d", runID), err)
		}
	}
	return nil
}

// ListByRun returns a run's decisions in the order they were recorded, at
// most limit of them (all when zero) from offset.
func (r *RunItems) ListByRun(ctx context.Context, runID int64, limit, offset int) ([]domain.RunItem, error) {
	var ms []runItemModel
	q := r.s.db.NewSelect().Model(&ms).Where("run_id = ?", runID).OrderExpr("id ASC")
	if limit > 0 {
		q = q.Limit(int64(limit))
	}
	if offset > 0 {
		q = q.Offset(int64(offset))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, wrap(fmt.Sprintf("list items of run %d", runID), err)
	}
	out := make([]domain.RunItem, 0, len(ms))
	for _, m := range ms {
		key, err := domain.ParseItemKey(m.ItemKey)
		if err != nil {
			return nil, fmt.Errorf("store: run item %d: %w", m.ID, err)
		}
		out = append(out, domain.RunItem{
			ID:         m.ID,
			RunID:      m.RunID,
			Key:        key,
			Title:      m.Title,
			Decision:   domain.Decision(m.Decision),
			Reason:     m.Reason,
			ReasonCode: domain.ReasonCode(m.Code),
			Score:      m.Score,
			Command:    domain.CommandName(m.Command),
		})
	}
	return out, nil
}
