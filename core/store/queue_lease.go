package store

import (
	"context"
	"fmt"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// AcquireRun gives run runID the queue's lease until leaseUntil, in one
// compare-and-set statement: it succeeds when no lease is held, when the
// held lease has expired, or when runID already holds it (renewal). It
// fails with domain.ErrBusy while another run holds a live lease, so a
// queue never runs twice at once, across restarts and replicas. Clocks of
// replicas are assumed to agree to well within a lease.
func (r *Queues) AcquireRun(ctx context.Context, queueID, runID int64, leaseUntil time.Time) error {
	now := r.s.now()
	res, err := r.s.db.NewUpdate().Table("search_queues").
		Set("running_run_id = ?", runID).
		Set("lease_until = ?", utc(leaseUntil)).
		Set("status = CASE WHEN is_active THEN ? ELSE status END", domain.QueueRunning).
		Set("updated_at = ?", now).
		Where("id = ?", queueID).
		Where("(running_run_id IS NULL OR lease_until IS NULL OR lease_until <= ? OR running_run_id = ?)", now, runID).
		Exec(ctx)
	if err != nil {
		return wrap(fmt.Sprintf("acquire search queue %d", queueID), err)
	}
	return r.leaseOutcome(ctx, res, queueID, domain.ErrBusy, "is already running")
}

// ExtendLease moves the end of run runID's lease to leaseUntil. It fails
// with domain.ErrConflict when the run no longer holds the lease.
func (r *Queues) ExtendLease(ctx context.Context, queueID, runID int64, leaseUntil time.Time) error {
	res, err := r.s.db.NewUpdate().Table("search_queues").
		Set("lease_until = ?", utc(leaseUntil)).
		Where("id = ? AND running_run_id = ?", queueID, runID).
		Exec(ctx)
	if err != nil {
		return wrap(fmt.Sprintf("extend search queue %d lease", queueID), err)
	}
	return r.leaseOutcome(ctx, res, queueID, domain.ErrConflict, "lease is not held by this run")
}

// ReleaseRun ends run runID's lease and records how the run went, in one
// statement: last run time, next run, error, consecutive failures (reset on
// success, incremented on failure), and the status. When failures reach
// res.DeactivateAfter the queue is deactivated with a reason. A queue paused
// during the run stays paused. It fails with domain.ErrConflict when the run
// no longer holds the lease, and changes nothing then.
func (r *Queues) ReleaseRun(ctx context.Context, queueID, runID int64, res domain.QueueRunResult) (domain.Queue, error) {
	finished := res.FinishedAt
	if finished.IsZero() {
		finished = r.s.now()
	}
	q := r.s.db.NewUpdate().Table("search_queues").
		Set("running_run_id = NULL").
		Set("lease_until = NULL").
		Set("last_run = ?", utc(finished)).
		Set("next_run = ?", utcPtr(res.NextRun)).
		Set("updated_at = ?", r.s.now()).
		Where("id = ? AND running_run_id = ?", queueID, runID)
	if res.Succeeded {
		q = q.Set("last_error = ''").
			Set("consecutive_failures = 0").
			Set("status = CASE WHEN is_active THEN ? ELSE status END", domain.QueueCompleted)
	} else {
		limit := res.DeactivateAfter
		reached := "(? > 0 AND consecutive_failures + 1 >= ?)"
		reason := fmt.Sprintf("deactivated after %d consecutive failures: %s", limit, res.Error)
		q = q.Set("last_error = ?", res.Error).
			Set("consecutive_failures = consecutive_failures + 1").
			Set("status = CASE WHEN NOT is_active THEN status WHEN "+reached+" THEN ? ELSE ? END",
				limit, limit, domain.QueueDeactivated, domain.QueueFailed).
			Set("status_reason = CASE WHEN is_active AND "+reached+" THEN ? ELSE status_reason END",
				limit, limit, reason).
			Set("is_active = CASE WHEN "+reached+" THEN ? ELSE is_active END", limit, limit, false)
	}
	out, err := q.Exec(ctx)
	if err != nil {
		return domain.Queue{}, wrap(fmt.Sprintf("release search queue %d", queueID), err)
	}
	if err := r.leaseOutcome(ctx, out, queueID, domain.ErrConflict, "lease is not held by this run"); err != nil {
		return domain.Queue{}, err
	}
	return r.Get(ctx, queueID)
}

// leaseOutcome maps a lease statement that matched no row to ErrNotFound
// when the queue is gone, or to failure otherwise.
func (r *Queues) leaseOutcome(ctx context.Context, res interface{ RowsAffected() (int64, error) }, queueID int64, failure error, why string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return wrap("read affected rows", err)
	}
	if n > 0 {
		return nil
	}
	ok, err := exists(ctx, r.s.db, "search_queues", queueID)
	if err != nil {
		return wrap(fmt.Sprintf("check search queue %d", queueID), err)
	}
	if !ok {
		return notFound("search queue", queueID)
	}
	return fmt.Errorf("store: search queue %d %s: %w", queueID, why, failure)
}
