package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// This file holds what the dispatcher reads to choose, count and settle
// commands: the fair order of pending commands, the attempt mark that makes
// a command count against the caps before its POST, the sends counted in a
// rolling window, and the expiry of commands that waited too long.

// FairPending returns up to limit pending commands of an instance in the
// order they should be sent: first those whose POST was attempted (they are
// settled before anything else), then round robin across search queues,
// oldest first within a queue. Queues after afterQueue come first in each
// round, so the rotation carries on from one batch to the next.
func (r *Commands) FairPending(ctx context.Context, instanceID, afterQueue int64, limit int) ([]domain.PendingCommand, error) {
	if limit <= 0 {
		limit = 50
	}
	var order []struct {
		ID          int64      `bun:"id"`
		AttemptedAt *time.Time `bun:"attempted_at"`
	}
	inner := r.s.db.NewSelect().Table("dispatched_commands").
		Column("id", "queue_id", "attempted_at").
		ColumnExpr("ROW_NUMBER() OVER (PARTITION BY COALESCE(queue_id, 0) ORDER BY id) AS rn").
		Where("instance_id = ? AND status = ?", instanceID, domain.CommandPending)
	err := r.s.db.NewSelect().TableExpr("(?) AS p", inner).
		Column("id", "attempted_at").
		OrderExpr("CASE WHEN attempted_at IS NULL THEN 1 ELSE 0 END").
		OrderExpr("rn").
		OrderExpr("CASE WHEN COALESCE(queue_id, 0) > ? THEN 0 ELSE 1 END", afterQueue).
		OrderExpr("COALESCE(queue_id, 0), id").
		Limit(int64(limit)).Scan(ctx, &order)
	if err != nil {
		return nil, wrap("list pending commands in fair order", err)
	}
	if len(order) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(order))
	for i, o := range order {
		ids[i] = o.ID
	}
	var ms []commandModel
	if err := r.s.db.NewSelect().Model(&ms).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, wrap("list pending commands", err)
	}
	items, err := r.items(ctx, r.s.db, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*commandModel, len(ms))
	for i := range ms {
		byID[ms[i].ID] = &ms[i]
	}
	out := make([]domain.PendingCommand, 0, len(order))
	for _, o := range order {
		m, ok := byID[o.ID]
		if !ok {
			continue
		}
		out = append(out, domain.PendingCommand{DispatchedCommand: m.entity(items[m.ID]), AttemptedAt: fromDB(o.AttemptedAt), BatchID: deref(m.BatchID)})
	}
	ptrs := make([]*domain.DispatchedCommand, len(out))
	for i := range out {
		ptrs[i] = &out[i].DispatchedCommand
	}
	if err := r.withRunTrace(ctx, ptrs); err != nil {
		return nil, err
	}
	return out, nil
}

// MarkAttempted records that a POST of pending commands begins at at: one
// command, or several the arr is sent as one command, which are marked as
// one batch (named by the first id). From then on the commands count
// against the caps and are reconciled with the arr's command list before
// they are posted again. It fails with domain.ErrConflict, and changes
// nothing, when one of them is no longer pending.
func (r *Commands) MarkAttempted(ctx context.Context, ids []int64, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	var batch *int64
	if len(ids) > 1 {
		batch = &ids[0]
	}
	var marked int64
	err := r.s.inTx(ctx, "mark commands attempted", func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Table("dispatched_commands").
			Set("attempted_at = ?", utc(at)).
			Set("batch_id = ?", batch).
			Where("id IN (?) AND status = ?", bun.List(ids), domain.CommandPending).Exec(ctx)
		if err != nil {
			return wrap("mark commands attempted", err)
		}
		if marked, err = res.RowsAffected(); err != nil {
			return wrap("mark commands attempted", err)
		}
		if int(marked) != len(ids) {
			// Rolled back: all of them or none.
			return errNotAllPending
		}
		return nil
	})
	if !errors.Is(err, errNotAllPending) {
		return err
	}
	if len(ids) == 1 {
		ok, err := exists(ctx, r.s.db, "dispatched_commands", ids[0])
		if err != nil {
			return wrap("mark command attempted", err)
		}
		if !ok {
			return notFound("dispatched command", ids[0])
		}
	}
	return fmt.Errorf("store: unable to mark commands %v attempted: %d of them are not pending: %w", ids, len(ids)-int(marked), domain.ErrConflict)
}

// errNotAllPending rolls back MarkAttempted.
var errNotAllPending = errors.New("store: not every command is pending")

// CountedSends returns the commands of instances that count against their
// caps from since on, oldest first: commands sent at or after since, and
// pending commands whose POST was attempted (they may have reached the arr;
// one attempted before since counts as if attempted now, since it is not
// settled). The commands in exclude are left out, so commands being retried
// are not counted against themselves.
func (r *Commands) CountedSends(ctx context.Context, instanceIDs []int64, since time.Time, exclude []int64) ([]domain.CountedSend, error) {
	if len(instanceIDs) == 0 {
		return nil, nil
	}
	since = utc(since)
	var rows []struct {
		ID          int64      `bun:"id"`
		Cost        int        `bun:"cost"`
		SentAt      *time.Time `bun:"sent_at"`
		AttemptedAt *time.Time `bun:"attempted_at"`
	}
	err := r.s.db.NewSelect().Table("dispatched_commands").
		Column("id", "cost", "sent_at", "attempted_at").
		Where("instance_id IN (?)", bun.List(instanceIDs)).
		Apply(excludeIDs(exclude)).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("sent_at >= ?", since).
				WhereOr("status = ? AND attempted_at IS NOT NULL", domain.CommandPending)
		}).
		Scan(ctx, &rows)
	if err != nil {
		return nil, wrap("list counted sends", err)
	}
	now := r.s.now()
	out := make([]domain.CountedSend, 0, len(rows))
	for _, row := range rows {
		at := now
		switch {
		case row.SentAt != nil:
			at = row.SentAt.UTC()
		case row.AttemptedAt != nil && !row.AttemptedAt.Before(since):
			at = row.AttemptedAt.UTC()
		}
		if at.Before(since) {
			at = since
		}
		out = append(out, domain.CountedSend{CommandID: row.ID, At: at, Cost: row.Cost})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// ExpirePending ends as expired, with reason, the pending commands of an
// instance written before before, and returns them.
func (r *Commands) ExpirePending(ctx context.Context, instanceID int64, before time.Time, reason string, at time.Time) ([]domain.DispatchedCommand, error) {
	var ms []commandModel
	err := r.s.inTx(ctx, "expire pending commands", func(ctx context.Context, tx bun.Tx) error {
		err := tx.NewSelect().Model(&ms).
			Where("instance_id = ? AND status = ? AND created_at < ?", instanceID, domain.CommandPending, utc(before)).
			OrderExpr("id").Scan(ctx)
		if err != nil || len(ms) == 0 {
			return wrap("list stale pending commands", err)
		}
		ids := make([]int64, len(ms))
		for i := range ms {
			ids[i] = ms[i].ID
		}
		_, err = tx.NewUpdate().Table("dispatched_commands").
			Set("status = ?", domain.CommandExpired).Set("error = ?", reason).Set("ended_at = ?", utc(at)).
			Where("id IN (?) AND status = ?", bun.List(ids), domain.CommandPending).Exec(ctx)
		return wrap("expire pending commands", err)
	})
	if err != nil {
		return nil, err
	}
	out := make([]domain.DispatchedCommand, len(ms))
	for i := range ms {
		ms[i].Status, ms[i].Error = string(domain.CommandExpired), reason
		out[i] = ms[i].entity(nil)
	}
	return out, nil
}

// CountPending counts an instance's pending commands.
func (r *Commands) CountPending(ctx context.Context, instanceID int64) (int, error) {
	n, err := r.s.db.NewSelect().Table("dispatched_commands").
		Where("instance_id = ? AND status = ?", instanceID, domain.CommandPending).Count(ctx)
	if err != nil {
		return 0, wrap(fmt.Sprintf("count pending commands of instance %d", instanceID), err)
	}
	return int(n), nil
}

// BudgetGroup returns the instances that share a budget with instance id,
// itself included, by id.
func (s *Store) BudgetGroup(ctx context.Context, id int64) ([]domain.Instance, error) {
	ids, err := s.Instances().BudgetGroupMembers(ctx, id)
	if err != nil {
		return nil, err
	}
	var ms []instanceModel
	if err := s.db.NewSelect().Model(&ms).Where("id IN (?)", bun.List(ids)).OrderExpr("id").Scan(ctx); err != nil {
		return nil, wrap("list budget group", err)
	}
	out := make([]domain.Instance, len(ms))
	for i := range ms {
		out[i] = ms[i].entity()
	}
	return out, nil
}

// NoteError records on a pending command the error its last attempt met;
// the command stays pending.
func (r *Commands) NoteError(ctx context.Context, id int64, msg string) error {
	_, err := r.s.db.NewUpdate().Table("dispatched_commands").
		Set("error = ?", truncate(msg, 2000)).
		Where("id = ? AND status = ?", id, domain.CommandPending).Exec(ctx)
	return wrap("note command error", err)
}

// CountedCost sums the cost of what CountedSends would list: the indexer
// searches counted against the caps from since on, without exclude.
func (r *Commands) CountedCost(ctx context.Context, instanceIDs []int64, since time.Time, exclude []int64) (int, error) {
	if len(instanceIDs) == 0 {
		return 0, nil
	}
	var total int
	err := r.s.db.NewSelect().Table("dispatched_commands").
		ColumnExpr("COALESCE(SUM(cost), 0)").
		Where("instance_id IN (?)", bun.List(instanceIDs)).
		Apply(excludeIDs(exclude)).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("sent_at > ?", utc(since)).
				WhereOr("status = ? AND attempted_at IS NOT NULL", domain.CommandPending)
		}).
		Scan(ctx, &total)
	if err != nil {
		return 0, wrap("sum counted sends", err)
	}
	return total, nil
}

// excludeIDs leaves the commands ids out of a query.
func excludeIDs(ids []int64) func(q *bun.SelectQuery) *bun.SelectQuery {
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		if len(ids) == 0 {
			return q
		}
		return q.Where("id NOT IN (?)", bun.List(ids))
	}
}
