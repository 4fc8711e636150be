package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// RecordDispatch records, in one transaction, that the arr accepted
// pending commands (several when they were sent as one arr command): each
// becomes sent with the arr's command id, and every item it searched gets
// its last search time, one more search and its new cooldown. Either all
// of it is stored or none, so a crash can never leave a sent command whose
// items may be searched again at once. It fails with domain.ErrConflict
// when a command is no longer pending, and changes nothing then.
func (r *Commands) RecordDispatch(ctx context.Context, recs ...domain.DispatchRecord) error {
	return r.s.inTx(ctx, "record dispatch", func(ctx context.Context, tx bun.Tx) error {
		for _, rec := range recs {
			if err := r.recordDispatch(ctx, tx, rec); err != nil {
				return err
			}
		}
		return nil
	})
}

func (r *Commands) recordDispatch(ctx context.Context, tx bun.Tx, rec domain.DispatchRecord) error {
	now := r.s.now()
	sentAt := utc(rec.SentAt)
	if rec.SentAt.IsZero() {
		sentAt = now
	}
	cooldown := utc(rec.CooldownUntil)
	var m commandModel
	res, err := tx.NewUpdate().Model(&m).
		Set("status = ?", domain.CommandSent).
		Set("arr_command_id = ?", ref(rec.ArrCommandID)).
		Set("sent_at = ?", sentAt).
		Where("id = ? AND status = ?", rec.CommandID, domain.CommandPending).
		Returning("id, instance_id").
		Exec(ctx)
	if err != nil {
		return wrap(fmt.Sprintf("mark command %d sent", rec.CommandID), err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrap("record dispatch", err)
	} else if n == 0 {
		ok, err := exists(ctx, tx, "dispatched_commands", rec.CommandID)
		if err != nil {
			return wrap("record dispatch", err)
		}
		if !ok {
			return notFound("dispatched command", rec.CommandID)
		}
		return fmt.Errorf("store: unable to record dispatch of command %d: it is not pending: %w", rec.CommandID, domain.ErrConflict)
	}

	keys := rec.Items
	if keys == nil {
		items, err := r.items(ctx, tx, []int64{rec.CommandID})
		if err != nil {
			return err
		}
		keys = items[rec.CommandID]
	}
	return upsertSearched(ctx, tx, m.InstanceID, rec.CommandID, uniqueKeys(keys), sentAt, cooldown, now)
}
