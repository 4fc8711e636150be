package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// RecordPlan writes what a run decided in one transaction: its per-item
// decisions, the commands it queues for the dispatcher, the counts of the
// plan, and the time it was planned. Either all of it is written or none,
// so a run is planned exactly when PlannedAt is set. It fails with
// domain.ErrConflict, writing nothing, when the run has ended or was
// planned already.
func (r *Runs) RecordPlan(ctx context.Context, runID int64, items []domain.RunItem, cmds []domain.DispatchedCommand, counts domain.RunCounts) error {
	return r.s.inTx(ctx, "record the plan of a run", func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewUpdate().Table("runs")
		if !counts.Skipped.IsZero() {
			q = q.Set("skipped = ?", encodeSkipped(counts.Skipped))
		}
		res, err := q.
			Set("items_considered = items_considered + ?", counts.ItemsConsidered).
			Set("items_selected = items_selected + ?", counts.ItemsSelected).
			Set("planned_at = ?", r.s.now()).
			Where("id = ? AND planned_at IS NULL", runID).
			Where("status IN (?)", openRunStatuses).
			Exec(ctx)
		if err := r.checkTransition(ctx, res, err, runID, "record the plan of"); err != nil {
			return err
		}
		if len(items) > 0 {
			if err := insertRunItems(ctx, tx, runID, items); err != nil {
				return err
			}
		}
		for _, c := range cmds {
			if _, _, _, err := r.s.Commands().insertPending(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// sentCounts sets a run's counters of what it sent from its commands that
// reached the arr. The counters never go down: a statement that read an
// older state than one already written leaves the newer counts.
func (r *Runs) sentCounts(q *bun.UpdateQuery) *bun.UpdateQuery {
	greatest := "GREATEST"
	if r.s.dialect == DialectSQLite {
		greatest = "MAX"
	}
	sent := "FROM dispatched_commands AS dc WHERE dc.run_id = runs.id AND dc.sent_at IS NOT NULL"
	return q.
		Set("commands_sent = " + greatest + "(commands_sent, (SELECT COUNT(*) " + sent + "))").
		Set("indexer_searches = " + greatest + "(indexer_searches, (SELECT COALESCE(SUM(dc.cost), 0) " + sent + "))").
		Set("items_searched = " + greatest + "(items_searched, (SELECT COUNT(DISTINCT dci.item_key) FROM dispatched_command_items AS dci " +
			"JOIN dispatched_commands AS dc ON dc.id = dci.command_id WHERE dc.run_id = runs.id AND dc.sent_at IS NOT NULL))")
}

// CountSent brings a run's sent counters (commands sent, indexer
// searches, items searched) up to date with its commands, while the run
// goes on or after it ended, so they show what was actually sent.
func (r *Runs) CountSent(ctx context.Context, id int64) error {
	res, err := r.sentCounts(r.s.db.NewUpdate().Table("runs")).Where("id = ?", id).Exec(ctx)
	return r.s.checkOne(res, err, "count what a run sent", "run", id)
}

// FinishWithCounts ends a run with its sent counters brought up to date
// in the same statement, so no reader ever sees the run ended without its
// final counts. It fails with domain.ErrConflict when the run has already
// ended.
func (r *Runs) FinishWithCounts(ctx context.Context, id int64, status domain.RunStatus, errMsg string) error {
	if !status.Finished() {
		return fmt.Errorf("store: run %d cannot finish as %q: %w", id, status, domain.ErrInvalid)
	}
	now := r.s.now()
	res, err := r.sentCounts(r.s.db.NewUpdate().Table("runs")).
		Set("status = ?", status).Set("error = ?", errMsg).
		Set("started_at = COALESCE(started_at, ?)", now).Set("ended_at = ?", now).
		Where("id = ?", id).
		Where("status IN (?)", openRunStatuses).
		Exec(ctx)
	return r.checkTransition(ctx, res, err, id, "finish")
}

// FinishRunWithCounts is Runs().FinishWithCounts, for the engine.
func (s *Store) FinishRunWithCounts(ctx context.Context, id int64, status domain.RunStatus, errMsg string) error {
	return s.Runs().FinishWithCounts(ctx, id, status, errMsg)
}
