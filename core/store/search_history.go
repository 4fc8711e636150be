package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// SearchHistory returns, for each of the given items of an instance, the
// times commands searching it were sent, oldest first. queueID zero counts
// the commands of every queue; otherwise only that queue's. Items never
// searched are absent.
func (s *Store) SearchHistory(ctx context.Context, instanceID, queueID int64, keys []domain.ItemKey) (map[domain.ItemKey][]time.Time, error) {
	keys = uniqueKeys(keys)
	out := make(map[domain.ItemKey][]time.Time)
	for start := 0; start < len(keys); start += batchSize {
		batch := keys[start:min(start+batchSize, len(keys))]
		strs := make([]string, len(batch))
		for i, k := range batch {
			strs[i] = k.String()
		}
		var rows []struct {
			ItemKey string    `bun:"item_key"`
			SentAt  time.Time `bun:"sent_at"`
		}
		q := s.db.NewSelect().
			TableExpr("dispatched_command_items AS dci").
			Join("JOIN dispatched_commands AS dc ON dc.id = dci.command_id").
			ColumnExpr("dci.item_key").ColumnExpr("dc.sent_at").
			Where("dci.instance_id = ?", instanceID).
			Where("dci.item_key IN (?)", bun.List(strs)).
			Where("dc.sent_at IS NOT NULL")
		if queueID != 0 {
			q = q.Where("dc.queue_id = ?", queueID)
		}
		if err := q.OrderExpr("dc.sent_at ASC").Scan(ctx, &rows); err != nil {
			return nil, wrap("read search history", err)
		}
		for _, r := range rows {
			k, err := domain.ParseItemKey(r.ItemKey)
			if err != nil {
				return nil, fmt.Errorf("store: search history of instance %d: %w", instanceID, err)
			}
			out[k] = append(out[k], r.SentAt.UTC())
		}
	}
	return out, nil
}

// PendingItems returns the items that pending commands of an instance will
// search.
func (s *Store) PendingItems(ctx context.Context, instanceID int64) (map[domain.ItemKey]bool, error) {
	var strs []string
	err := s.db.NewSelect().
		TableExpr("dispatched_command_items AS dci").
		Join("JOIN dispatched_commands AS dc ON dc.id = dci.command_id").
		ColumnExpr("dci.item_key").
		Where("dc.instance_id = ?", instanceID).
		Where("dc.status = ?", domain.CommandPending).
		Scan(ctx, &strs)
	if err != nil {
		return nil, wrap("read pending items", err)
	}
	out := make(map[domain.ItemKey]bool, len(strs))
	for _, str := range strs {
		k, err := domain.ParseItemKey(str)
		if err != nil {
			return nil, fmt.Errorf("store: pending items of instance %d: %w", instanceID, err)
		}
		out[k] = true
	}
	return out, nil
}

// RunSearchedItems counts the distinct items covered by the commands of a
// run that reached the arr.
func (s *Store) RunSearchedItems(ctx context.Context, runID int64) (int, error) {
	var n int
	err := s.db.NewSelect().
		TableExpr("dispatched_command_items AS dci").
		Join("JOIN dispatched_commands AS dc ON dc.id = dci.command_id").
		ColumnExpr("COUNT(DISTINCT dci.item_key)").
		Where("dc.run_id = ?", runID).
		Where("dc.sent_at IS NOT NULL").
		Scan(ctx, &n)
	if err != nil {
		return 0, wrap(fmt.Sprintf("count searched items of run %d", runID), err)
	}
	return n, nil
}

// ActiveExclusions returns the exclusions of an instance in force at now.
func (s *Store) ActiveExclusions(ctx context.Context, instanceID int64, now time.Time) ([]domain.Exclusion, error) {
	return s.Exclusions().Active(ctx, instanceID, now)
}

// ListRunItems returns every decision of a run in the order it was taken.
func (s *Store) ListRunItems(ctx context.Context, runID int64) ([]domain.RunItem, error) {
	return s.RunItems().ListByRun(ctx, runID, 0, 0)
}
