package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// This file holds what lets several dispatcher processes share one
// database: the per-instance lease that says which process sends for an
// instance, and the lock that makes a budget group's cap check and the
// attempt mark one step across processes.

// AcquireDispatchLease gives holder the lease of an instance's sending
// until until, in one conditional upsert: it is taken when no lease
// exists, when the lease expired before now, or when holder already holds
// it (renewal). It reports whether holder holds the lease afterwards.
// Clocks of replicas are assumed to agree to well within a lease.
func (s *Store) AcquireDispatchLease(ctx context.Context, instanceID int64, holder string, now, until time.Time) (bool, error) {
	res, err := s.db.NewRaw(
		`INSERT INTO dispatch_leases (instance_id, holder, lease_until) VALUES (?, ?, ?)
		ON CONFLICT (instance_id) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
		WHERE dispatch_leases.holder = excluded.holder OR dispatch_leases.lease_until <= ?`,
		instanceID, holder, utc(until), utc(now)).Exec(ctx)
	if err != nil {
		return false, wrap(fmt.Sprintf("acquire the dispatch lease of instance %d", instanceID), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, wrap(fmt.Sprintf("acquire the dispatch lease of instance %d", instanceID), err)
	}
	return n > 0, nil
}

// ReleaseDispatchLease gives up holder's lease of an instance; a lease
// another holder took meanwhile is left alone.
func (s *Store) ReleaseDispatchLease(ctx context.Context, instanceID int64, holder string) error {
	_, err := s.db.NewDelete().Table("dispatch_leases").
		Where("instance_id = ? AND holder = ?", instanceID, holder).Exec(ctx)
	if err != nil {
		return wrap(fmt.Sprintf("release the dispatch lease of instance %d", instanceID), err)
	}
	return nil
}

// PendingDispatchLeases returns the lease of each instance that has
// pending commands: who holds it and until when, or an empty holder when
// no process does. A dispatcher reads it to notice work it may take over
// from a replica that died.
func (s *Store) PendingDispatchLeases(ctx context.Context) ([]domain.DispatchLease, error) {
	var rows []struct {
		InstanceID int64          `bun:"instance_id"`
		Holder     sql.NullString `bun:"holder"`
		LeaseUntil bun.NullTime   `bun:"lease_until"`
	}
	err := s.db.NewRaw(
		`SELECT p.instance_id, l.holder, l.lease_until
		FROM (SELECT DISTINCT instance_id FROM dispatched_commands WHERE status = ?) p
		LEFT JOIN dispatch_leases l ON l.instance_id = p.instance_id
		ORDER BY p.instance_id`, domain.CommandPending).Scan(ctx, &rows)
	if err != nil {
		return nil, wrap("list the dispatch leases of pending commands", err)
	}
	out := make([]domain.DispatchLease, len(rows))
	for i, r := range rows {
		out[i] = domain.DispatchLease{InstanceID: r.InstanceID, Holder: r.Holder.String}
		if r.Holder.Valid {
			out[i].Until = r.LeaseUntil.Time.UTC()
		}
	}
	return out, nil
}

// budgetLockConcurrency bounds the budget locks one store holds at once; with
// a statement of fn each it stays well under the PostgreSQL pool of 20.
const budgetLockConcurrency = 4

// budgetLockSlots holds each store's semaphore of budget locks.
var budgetLockSlots sync.Map

// budgetMutexes holds the in-process lock of each store's budgets.
var budgetMutexes sync.Map

type budgetMutexKey struct {
	s   *Store
	key string
}

// WithBudgetLock runs fn while holding the lock named key, so dispatchers
// sharing this store, and processes sharing a PostgreSQL database, check
// and take a budget one at a time. Across processes it is a
// transaction-scoped advisory lock, held until fn returns and released
// with the transaction (or the connection, should the process die); a
// SQLite database is one process's. fn's own statements run outside the
// lock's transaction and commit as they go, so what fn marks is seen by
// the next holder of the lock.
func (s *Store) WithBudgetLock(ctx context.Context, key string, fn func(ctx context.Context) error) error {
	// Dispatchers sharing this store take turns here: SQLite runs the
	// check and the mark as separate statements, which it does not
	// serialise together.
	mu, _ := budgetMutexes.LoadOrStore(budgetMutexKey{s, key}, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	if s.dialect != DialectPostgres {
		return fn(ctx)
	}
	// The lock's transaction holds a connection while fn needs another:
	// bounding how many such transactions one process opens at once
	// keeps the pool from running dry with every connection waiting.
	slots, _ := budgetLockSlots.LoadOrStore(s, make(chan struct{}, budgetLockConcurrency))
	sem := slots.(chan struct{})
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return wrap("lock the budget "+key, ctx.Err())
	}
	defer func() { <-sem }()
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{})
	if err != nil {
		return wrap("lock the budget "+key+": begin", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.NewRaw("SELECT pg_advisory_xact_lock(hashtext(?))", key).Exec(ctx); err != nil {
		return wrap("lock the budget "+key, err)
	}
	return fn(ctx)
}
