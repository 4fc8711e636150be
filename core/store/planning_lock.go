package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// planningLocks holds the in-process planning lock of each store's
// instances.
var planningLocks sync.Map

type planningLockKey struct {
	s          *Store
	instanceID int64
}

// planningLockBase puts the advisory lock keys of planning above every key
// hashtext gives the budget locks (a 32-bit range), so the two never meet.
const planningLockBase = int64(1) << 40

// WithPlanningLock runs fn while no other run of the instance plans, in
// this process or, on PostgreSQL, in any process sharing the database. A
// run's reads (pending commands, search history) and its writes (its
// commands) are then never interleaved with another run's, so two runs
// never keep the same item. Across processes the lock is a
// transaction-scoped advisory lock, released with the transaction (or the
// connection, should the process die). Waiting ends with ctx.
func (s *Store) WithPlanningLock(ctx context.Context, instanceID int64, fn func(ctx context.Context) error) error {
	v, _ := planningLocks.LoadOrStore(planningLockKey{s, instanceID}, make(chan struct{}, 1))
	sem := v.(chan struct{})
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("store: unable to lock the planning of instance %d: %w", instanceID, ctx.Err())
	}
	defer func() { <-sem }()
	if s.dialect != DialectPostgres {
		return fn(ctx)
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{})
	if err != nil {
		return wrap(fmt.Sprintf("lock the planning of instance %d: begin", instanceID), err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.NewRaw("SELECT pg_advisory_xact_lock(?)", planningLockBase+instanceID).Exec(ctx); err != nil {
		return wrap(fmt.Sprintf("lock the planning of instance %d", instanceID), err)
	}
	return fn(ctx)
}
