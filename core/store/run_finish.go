package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// FinishWithCounts ends a run and adds delta to its counters in one
// statement, so no reader ever sees the run ended without its final
// counts, and only the caller that ends the run adds them. It fails with
// domain.ErrConflict when the run has already ended.
func (r *Runs) FinishWithCounts(ctx context.Context, id int64, status domain.RunStatus, errMsg string, delta domain.RunCounts) error {
	if !status.Finished() {
		return fmt.Errorf("store: run %d cannot finish as %q: %w", id, status, domain.ErrInvalid)
	}
	now := r.s.now()
	res, err := r.s.db.NewUpdate().Table("runs").
		Set("status = ?", status).Set("error = ?", errMsg).
		Set("started_at = COALESCE(started_at, ?)", now).Set("ended_at = ?", now).
		Set("items_searched = items_searched + ?", delta.ItemsSearched).
		Set("commands_sent = commands_sent + ?", delta.CommandsSent).
		Set("indexer_searches = indexer_searches + ?", delta.IndexerSearches).
		Set("items_found = items_found + ?", delta.ItemsFound).
		Where("id = ?", id).
		Where("status IN (?)", bun.List([]domain.RunStatus{domain.RunPending, domain.RunRunning})).
		Exec(ctx)
	return r.checkTransition(ctx, res, err, id, "finish")
}

// FinishRunWithCounts is Runs().FinishWithCounts, for the engine.
func (s *Store) FinishRunWithCounts(ctx context.Context, id int64, status domain.RunStatus, errMsg string, delta domain.RunCounts) error {
	return s.Runs().FinishWithCounts(ctx, id, status, errMsg, delta)
}
