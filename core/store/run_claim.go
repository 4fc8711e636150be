package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// openRunStatuses are the statuses of a run that has not ended.
var openRunStatuses = bun.List([]domain.RunStatus{domain.RunPending, domain.RunRunning})

// leaseFree is the condition under which any run may take a queue's
// lease: none is held, it expired, or its run has ended (or is gone).
const leaseFree = `(search_queues.running_run_id IS NULL OR search_queues.lease_until IS NULL OR search_queues.lease_until <= ?
	OR NOT EXISTS (SELECT 1 FROM runs WHERE runs.id = search_queues.running_run_id AND runs.status IN (?)))`

// ClaimRun gives run runID the queue's lease for the process c names, in
// one compare-and-set statement, under the rules of domain.RunClaim. It
// fails with domain.ErrBusy when another run, or a live process executing
// the same run, holds the lease.
func (r *Queues) ClaimRun(ctx context.Context, queueID, runID int64, c domain.RunClaim) error {
	same := "(search_queues.running_run_id = ? AND (search_queues.lease_boot = '' OR search_queues.lease_holder = ?))"
	args := []any{runID, c.Holder}
	if c.Exclusive {
		same, args = "search_queues.running_run_id = ?", []any{runID}
	}
	var n int64
	err := r.s.inTx(ctx, "claim search queue", func(ctx context.Context, tx bun.Tx) error {
		if err := r.s.lockQueue(ctx, tx, queueID); err != nil {
			return err
		}
		now := r.s.now()
		res, err := tx.NewUpdate().Table("search_queues").
			Set("running_run_id = ?", runID).
			Set("lease_until = ?", utc(c.Until)).
			Set("lease_holder = ?", c.Holder).
			Set("lease_boot = ?", c.Boot).
			Set("status = CASE WHEN is_active THEN ? ELSE status END", domain.QueueRunning).
			Set("updated_at = ?", now).
			Where("id = ?", queueID).
			Where("("+leaseFree+" OR "+same+")", append([]any{now, openRunStatuses}, args...)...).
			Exec(ctx)
		if err != nil {
			return wrap(fmt.Sprintf("claim search queue %d", queueID), err)
		}
		n, err = res.RowsAffected()
		return wrap("read affected rows", err)
	})
	if err != nil {
		return err
	}
	return r.leaseOutcome(ctx, rowsAffected(n), queueID, domain.ErrBusy, "is already running")
}

// rowsAffected is a statement result that matched n rows.
type rowsAffected int64

func (n rowsAffected) RowsAffected() (int64, error) { return int64(n), nil }

// lockQueue takes the row lock of a queue in tx, on PostgreSQL, so the
// statements that follow see every run committed by whoever changed the
// queue's lease before: a compare-and-set whose condition reads the runs
// table is then never decided on a snapshot older than the lease it
// replaces. A SQLite transaction holds the database's write lock already.
func (s *Store) lockQueue(ctx context.Context, tx bun.Tx, queueID int64) error {
	if s.dialect != DialectPostgres {
		return nil
	}
	if _, err := tx.NewRaw("SELECT id FROM search_queues WHERE id = ? FOR UPDATE", queueID).Exec(ctx); err != nil {
		return wrap(fmt.Sprintf("lock search queue %d", queueID), err)
	}
	return nil
}

// CreateLeased opens a run that holds its queue's lease, reserved for
// whichever engine executes it, until leaseUntil: the run and its lease
// are written together, so a queue never has two runs waiting or running.
// It fails with domain.ErrBusy, writing nothing, while another run holds
// the queue; the returned id is then that run's.
func (r *Runs) CreateLeased(ctx context.Context, run domain.Run, leaseUntil time.Time) (domain.Run, int64, error) {
	if run.QueueID == 0 {
		return domain.Run{}, 0, fmt.Errorf("store: a leased run needs a queue: %w", domain.ErrInvalid)
	}
	var id, holder int64
	err := r.s.inTx(ctx, "create leased run", func(ctx context.Context, tx bun.Tx) error {
		if err := r.s.lockQueue(ctx, tx, run.QueueID); err != nil {
			return err
		}
		m := newRunModel(run, r.s.now())
		if _, err := tx.NewInsert().Model(&m).Returning("id").Exec(ctx); err != nil {
			return wrap("create run", err)
		}
		now := r.s.now()
		res, err := tx.NewUpdate().Table("search_queues").
			Set("running_run_id = ?", m.ID).
			Set("lease_until = ?", utc(leaseUntil)).
			Set("lease_holder = ''").
			Set("lease_boot = ''").
			Set("updated_at = ?", now).
			Where("id = ?", run.QueueID).
			Where(leaseFree, now, openRunStatuses).
			Exec(ctx)
		if err != nil {
			return wrap(fmt.Sprintf("lease search queue %d", run.QueueID), err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return wrap("read affected rows", err)
			}
			var q queueModel
			if err := tx.NewSelect().Model(&q).Column("running_run_id").Where("id = ?", run.QueueID).Scan(ctx); err != nil {
				return wrap(fmt.Sprintf("get search queue %d", run.QueueID), err)
			}
			holder = deref(q.RunningRunID)
			return fmt.Errorf("store: search queue %d is already running: %w", run.QueueID, domain.ErrBusy)
		}
		id = m.ID
		return nil
	})
	if err != nil {
		return domain.Run{}, holder, err
	}
	created, err := r.Get(ctx, id)
	return created, id, err
}

// Open returns the runs that have not ended, dry runs aside, oldest first.
func (r *Runs) Open(ctx context.Context) ([]domain.Run, error) {
	var ms []runModel
	err := r.selectRuns(&ms).
		Where("r.status IN (?)", openRunStatuses).
		Where("r.dry_run = ?", false).
		OrderExpr("r.id ASC").Scan(ctx)
	if err != nil {
		return nil, wrap("list open runs", err)
	}
	out := make([]domain.Run, len(ms))
	for i := range ms {
		out[i] = ms[i].entity()
	}
	return out, nil
}

// FindByCorrelation returns the run of a queue that carries a correlation
// id, the newest when several do.
func (r *Runs) FindByCorrelation(ctx context.Context, queueID int64, correlationID string) (domain.Run, error) {
	var m runModel
	err := r.selectRuns(&m).
		Where("r.queue_id = ? AND r.correlation_id = ?", queueID, correlationID).
		OrderExpr("r.id DESC").Limit(1).Scan(ctx)
	if err != nil {
		return domain.Run{}, wrap(fmt.Sprintf("find the run of queue %d by correlation id", queueID), err)
	}
	return m.entity(), nil
}
