package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// outcomeGrabModel is a row of the outcome_grabs table.
type outcomeGrabModel struct {
	bun.BaseModel `bun:"table:outcome_grabs,alias:og"`

	InstanceID int64     `bun:"instance_id,pk"`
	GrabKey    string    `bun:"grab_key,pk"`
	ItemKey    string    `bun:"item_key,pk"`
	EventType  string    `bun:"event_type"`
	Source     string    `bun:"source"`
	CommandID  *int64    `bun:"command_id"`
	RunID      *int64    `bun:"run_id"`
	GrabbedAt  time.Time `bun:"grabbed_at"`
	CreatedAt  time.Time `bun:"created_at"`
}

// outcomeFoundModel is a row of the outcome_found table.
type outcomeFoundModel struct {
	bun.BaseModel `bun:"table:outcome_found,alias:of"`

	RunID     int64     `bun:"run_id,pk"`
	ItemKey   string    `bun:"item_key,pk"`
	CommandID *int64    `bun:"command_id"`
	FoundAt   time.Time `bun:"found_at"`
}

// outcomePollModel is a row of the outcome_polls table.
type outcomePollModel struct {
	bun.BaseModel `bun:"table:outcome_polls,alias:op"`

	InstanceID  int64     `bun:"instance_id,pk"`
	PolledUntil time.Time `bun:"polled_until"`
	UpdatedAt   time.Time `bun:"updated_at"`
}

// outcomeClockSlack lets a grab match a search sent a little after it by
// the host's clock: the arr's history dates come from the arr's clock.
const outcomeClockSlack = 2 * time.Minute

// RecordOutcome records a grab or import in one transaction, once per item
// and outcome key: each new item is matched to the most recent search of it
// sent within window before o.At (domain.OutcomeMatchWindow when zero),
// that search's run counts the item in items_found once however many
// outcomes follow, and the item's state records the grab (its grab count and
// time, which restarts its adaptive cooldown). Items already recorded under
// o.Key are left out of the result and change nothing, so recording the
// same outcome again is harmless.
func (s *Store) RecordOutcome(ctx context.Context, o domain.Outcome, window time.Duration) (domain.OutcomeResult, error) {
	if o.Key == "" {
		return domain.OutcomeResult{}, fmt.Errorf("store: an outcome needs a key: %w", domain.ErrInvalid)
	}
	if window <= 0 {
		window = domain.OutcomeMatchWindow
	}
	now := s.now()
	at := utc(o.At)
	if o.At.IsZero() {
		at = now
	}
	var out domain.OutcomeResult
	err := s.inTx(ctx, "record outcome", func(ctx context.Context, tx bun.Tx) error {
		out = domain.OutcomeResult{}
		for _, k := range uniqueKeys(o.Items) {
			m, fresh, err := recordOutcomeItem(ctx, tx, o, k, at, window, now)
			if err != nil {
				return err
			}
			if fresh {
				out.Matches = append(out.Matches, m)
			}
		}
		return nil
	})
	if err != nil {
		return domain.OutcomeResult{}, err
	}
	return out, nil
}

// recordOutcomeItem records one item of an outcome in tx; fresh is false
// when the item was already recorded under the outcome's key.
func recordOutcomeItem(ctx context.Context, tx bun.Tx, o domain.Outcome, k domain.ItemKey, at time.Time, window time.Duration, now time.Time) (m domain.OutcomeMatch, fresh bool, err error) {
	m.Item = k
	var cmdID int64
	var runID sql.NullInt64
	err = tx.NewSelect().TableExpr("dispatched_command_items AS dci").
		Join("JOIN dispatched_commands AS dc ON dc.id = dci.command_id").
		ColumnExpr("dc.id").ColumnExpr("dc.run_id").
		Where("dci.instance_id = ? AND dci.item_key = ?", o.InstanceID, k.String()).
		Where("dc.sent_at IS NOT NULL AND dc.sent_at >= ? AND dc.sent_at <= ?", at.Add(-window), at.Add(outcomeClockSlack)).
		OrderExpr("dc.sent_at DESC, dc.id DESC").Limit(1).
		Scan(ctx, &cmdID, &runID)
	switch {
	case err == nil:
		m.CommandID, m.RunID = cmdID, runID.Int64
	case errors.Is(err, sql.ErrNoRows):
	default:
		return m, false, wrap("match outcome to a search", err)
	}
	row := outcomeGrabModel{
		InstanceID: o.InstanceID, GrabKey: o.Key, ItemKey: k.String(), EventType: string(o.EventType),
		Source: o.Source, CommandID: ref(m.CommandID), RunID: ref(m.RunID), GrabbedAt: at, CreatedAt: now,
	}
	var keys []string
	if err := tx.NewInsert().Model(&row).On("CONFLICT DO NOTHING").Returning("item_key").Scan(ctx, &keys); err != nil {
		return m, false, wrap("record outcome", err)
	}
	if len(keys) == 0 {
		return m, false, nil
	}
	state := itemStateModel{InstanceID: o.InstanceID, ItemKey: k.String(), GrabCount: 1, LastGrabAt: &at, UpdatedAt: now}
	_, err = tx.NewInsert().Model(&state).
		On("CONFLICT (instance_id, item_key) DO UPDATE").
		Set("grab_count = iss.grab_count + 1").
		Set("last_grab_at = CASE WHEN iss.last_grab_at IS NULL OR iss.last_grab_at < EXCLUDED.last_grab_at THEN EXCLUDED.last_grab_at ELSE iss.last_grab_at END").
		Set("updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	if err != nil {
		return m, false, wrap(fmt.Sprintf("record the grab of %s on instance %d", k, o.InstanceID), err)
	}
	if m.RunID == 0 {
		return m, true, nil
	}
	found := outcomeFoundModel{RunID: m.RunID, ItemKey: k.String(), CommandID: ref(m.CommandID), FoundAt: at}
	var runs []int64
	if err := tx.NewInsert().Model(&found).On("CONFLICT DO NOTHING").Returning("run_id").Scan(ctx, &runs); err != nil {
		return m, false, wrap("record an item found", err)
	}
	if len(runs) == 0 {
		return m, true, nil
	}
	if _, err := tx.NewUpdate().Table("runs").Set("items_found = items_found + 1").Where("id = ?", m.RunID).Exec(ctx); err != nil {
		return m, false, wrap(fmt.Sprintf("count an item found in run %d", m.RunID), err)
	}
	m.Found = true
	return m, true, nil
}

// OutcomePollMark returns the date of the latest history record read for
// an instance; ok is false before its first poll.
func (s *Store) OutcomePollMark(ctx context.Context, instanceID int64) (mark time.Time, ok bool, err error) {
	var t time.Time
	err = s.db.NewSelect().Table("outcome_polls").Column("polled_until").
		Where("instance_id = ?", instanceID).Scan(ctx, &t)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, wrap("read outcome poll mark", err)
	}
	return t.UTC(), true, nil
}

// SetOutcomePollMark stores the date of the latest history record read for
// an instance; it never moves the mark back.
func (s *Store) SetOutcomePollMark(ctx context.Context, instanceID int64, mark time.Time) error {
	row := outcomePollModel{InstanceID: instanceID, PolledUntil: utc(mark), UpdatedAt: s.now()}
	_, err := s.db.NewInsert().Model(&row).
		On("CONFLICT (instance_id) DO UPDATE").
		Set("polled_until = CASE WHEN op.polled_until < EXCLUDED.polled_until THEN EXCLUDED.polled_until ELSE op.polled_until END").
		Set("updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	if err != nil {
		return wrap(fmt.Sprintf("set outcome poll mark of instance %d", instanceID), err)
	}
	return nil
}

// InstancesWithoutWebhooks lists the instances whose grabs must be polled:
// no Test webhook ever arrived from them and no delivery since quietSince.
func (s *Store) InstancesWithoutWebhooks(ctx context.Context, quietSince time.Time) ([]int64, error) {
	var ids []int64
	err := s.db.NewSelect().Table("instances").Column("id").
		Where("webhook_last_test_at IS NULL").
		Where("NOT EXISTS (SELECT 1 FROM webhook_deliveries AS wd WHERE wd.instance_id = instances.id AND wd.received_at >= ?)", utc(quietSince)).
		OrderExpr("id ASC").Scan(ctx, &ids)
	if err != nil {
		return nil, wrap("list instances without webhooks", err)
	}
	return ids, nil
}

// OutcomesOfRun lists the items counted found in a run, by item key.
func (s *Store) OutcomesOfRun(ctx context.Context, runID int64) ([]domain.ItemKey, error) {
	var keys []string
	if err := s.db.NewSelect().Table("outcome_found").Column("item_key").
		Where("run_id = ?", runID).OrderExpr("item_key").Scan(ctx, &keys); err != nil {
		return nil, wrap(fmt.Sprintf("list outcomes of run %d", runID), err)
	}
	out := make([]domain.ItemKey, 0, len(keys))
	for _, k := range keys {
		key, err := domain.ParseItemKey(k)
		if err != nil {
			return nil, fmt.Errorf("store: outcome of run %d: %w", runID, err)
		}
		out = append(out, key)
	}
	return out, nil
}
