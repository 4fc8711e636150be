package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// commandModel is a row of the dispatched_commands table.
type commandModel struct {
	bun.BaseModel `bun:"table:dispatched_commands,alias:dc"`

	ID             int64      `bun:"id,pk,autoincrement"`
	IdempotencyKey string     `bun:"idempotency_key"`
	RunID          *int64     `bun:"run_id"`
	QueueID        *int64     `bun:"queue_id"`
	InstanceID     int64      `bun:"instance_id"`
	CommandName    string     `bun:"command_name"`
	Body           string     `bun:"body"`
	Cost           int        `bun:"cost"`
	ArrCommandID   *int64     `bun:"arr_command_id"`
	Status         string     `bun:"status"`
	Error          string     `bun:"error"`
	CreatedAt      time.Time  `bun:"created_at"`
	SentAt         *time.Time `bun:"sent_at"`
	EndedAt        *time.Time `bun:"ended_at"`
	BatchID        *int64     `bun:"batch_id"`
}

// commandItemModel is a row of the dispatched_command_items table: one item
// a command searches.
type commandItemModel struct {
	bun.BaseModel `bun:"table:dispatched_command_items,alias:dci"`

	CommandID  int64  `bun:"command_id,pk"`
	InstanceID int64  `bun:"instance_id"`
	ItemKey    string `bun:"item_key,pk"`
}

func (m *commandModel) entity(items []domain.ItemKey) domain.DispatchedCommand {
	return domain.DispatchedCommand{
		ID:             m.ID,
		IdempotencyKey: m.IdempotencyKey,
		RunID:          deref(m.RunID),
		QueueID:        deref(m.QueueID),
		InstanceID:     m.InstanceID,
		Name:           domain.CommandName(m.CommandName),
		Body:           json.RawMessage(m.Body),
		Cost:           m.Cost,
		Items:          items,
		ArrCommandID:   deref(m.ArrCommandID),
		Status:         domain.CommandStatus(m.Status),
		Error:          m.Error,
		CreatedAt:      m.CreatedAt.UTC(),
		SentAt:         fromDB(m.SentAt),
		EndedAt:        fromDB(m.EndedAt),
	}
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func ref(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

// Commands stores dispatched commands: written pending before the POST to
// the arr, marked sent after, ended when the arr reports them done.
type Commands struct{ s *Store }

// Commands returns the dispatched command repository.
func (s *Store) Commands() *Commands { return &Commands{s: s} }

// InsertPending records a command about to be sent, with its items. The
// idempotency key makes it safe to repeat: when a command with the same key
// exists, that command is returned unchanged and created is false.
func (r *Commands) InsertPending(ctx context.Context, c domain.DispatchedCommand) (cmd domain.DispatchedCommand, created bool, err error) {
	var m commandModel
	var items []domain.ItemKey
	err = r.s.inTx(ctx, "insert pending command", func(ctx context.Context, tx bun.Tx) error {
		m, items, created, err = r.insertPending(ctx, tx, c)
		return err
	})
	if err != nil {
		return domain.DispatchedCommand{}, false, err
	}
	if !created {
		cmd, err := r.GetByKey(ctx, c.IdempotencyKey)
		return cmd, false, err
	}
	return m.entity(items), true, nil
}

// insertPending writes a pending command and its items in tx; created is
// false when a command with the same idempotency key exists.
func (r *Commands) insertPending(ctx context.Context, tx bun.IDB, c domain.DispatchedCommand) (m commandModel, items []domain.ItemKey, created bool, err error) {
	if c.IdempotencyKey == "" {
		return m, nil, false, fmt.Errorf("store: a dispatched command needs an idempotency key: %w", domain.ErrInvalid)
	}
	body := string(c.Body)
	if len(c.Body) == 0 {
		body = "{}"
	}
	m = commandModel{
		IdempotencyKey: c.IdempotencyKey,
		RunID:          ref(c.RunID),
		QueueID:        ref(c.QueueID),
		InstanceID:     c.InstanceID,
		CommandName:    string(c.Name),
		Body:           body,
		Cost:           c.Cost,
		Status:         string(domain.CommandPending),
		CreatedAt:      r.s.now(),
	}
	items = uniqueKeys(c.Items)
	var ids []int64
	err = tx.NewInsert().Model(&m).
		On("CONFLICT (idempotency_key) DO NOTHING").
		Returning("id").Scan(ctx, &ids)
	if err != nil {
		return m, nil, false, wrap("insert pending command", err)
	}
	if len(ids) == 0 {
		return m, items, false, nil
	}
	m.ID = ids[0]
	if len(items) == 0 {
		return m, items, true, nil
	}
	rows := make([]commandItemModel, len(items))
	for i, k := range items {
		rows[i] = commandItemModel{CommandID: m.ID, InstanceID: m.InstanceID, ItemKey: k.String()}
	}
	for start := 0; start < len(rows); start += batchSize {
		batch := rows[start:min(start+batchSize, len(rows))]
		if _, err := tx.NewInsert().Model(&batch).Exec(ctx); err != nil {
			return m, nil, false, wrap("insert command items", err)
		}
	}
	return m, items, true, nil
}

// Get returns one command with its items.
func (r *Commands) Get(ctx context.Context, id int64) (domain.DispatchedCommand, error) {
	return r.getWhere(ctx, fmt.Sprintf("get command %d", id), "id = ?", id)
}

// GetByKey returns the command with an idempotency key.
func (r *Commands) GetByKey(ctx context.Context, key string) (domain.DispatchedCommand, error) {
	return r.getWhere(ctx, "get command by idempotency key", "idempotency_key = ?", key)
}

func (r *Commands) getWhere(ctx context.Context, action, where string, arg any) (domain.DispatchedCommand, error) {
	var m commandModel
	if err := r.s.db.NewSelect().Model(&m).Where(where, arg).Scan(ctx); err != nil {
		return domain.DispatchedCommand{}, wrap(action, err)
	}
	items, err := r.items(ctx, r.s.db, []int64{m.ID})
	if err != nil {
		return domain.DispatchedCommand{}, err
	}
	return m.entity(items[m.ID]), nil
}

// items loads the item keys of commands.
func (r *Commands) items(ctx context.Context, db bun.IDB, ids []int64) (map[int64][]domain.ItemKey, error) {
	out := make(map[int64][]domain.ItemKey, len(ids))
	for start := 0; start < len(ids); start += batchSize {
		var rows []commandItemModel
		err := db.NewSelect().Model(&rows).
			Where("command_id IN (?)", bun.List(ids[start:min(start+batchSize, len(ids))])).
			OrderExpr("command_id, item_key").Scan(ctx)
		if err != nil {
			return nil, wrap("list command items", err)
		}
		for _, row := range rows {
			k, err := domain.ParseItemKey(row.ItemKey)
			if err != nil {
				return nil, fmt.Errorf("store: item of command %d: %w", row.CommandID, err)
			}
			out[row.CommandID] = append(out[row.CommandID], k)
		}
	}
	return out, nil
}

// MarkEnded records a command's final state (completed, failed or expired)
// and error. It fails with domain.ErrConflict when the command has already
// ended.
func (r *Commands) MarkEnded(ctx context.Context, id int64, status domain.CommandStatus, errMsg string, at time.Time) error {
	if !status.Finished() {
		return fmt.Errorf("store: command %d cannot end as %q: %w", id, status, domain.ErrInvalid)
	}
	res, err := r.s.db.NewUpdate().Table("dispatched_commands").
		Set("status = ?", status).Set("error = ?", errMsg).Set("ended_at = ?", utc(at)).
		Where("id = ?", id).
		Where("status IN (?)", bun.List([]domain.CommandStatus{domain.CommandPending, domain.CommandSent})).
		Exec(ctx)
	return r.transition(ctx, res, err, id, "mark command ended")
}

func (r *Commands) transition(ctx context.Context, res interface{ RowsAffected() (int64, error) }, err error, id int64, action string) error {
	if err != nil {
		return wrap(action, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(action, err)
	}
	if n > 0 {
		return nil
	}
	ok, err := exists(ctx, r.s.db, "dispatched_commands", id)
	if err != nil {
		return wrap(action, err)
	}
	if !ok {
		return notFound("dispatched command", id)
	}
	return fmt.Errorf("store: unable to %s %d: its status does not allow it: %w", action, id, domain.ErrConflict)
}

// ListPending returns the commands written but not known to be sent, oldest
// first, for one instance (or every instance when instanceID is zero): what
// reconciliation must settle at start.
func (r *Commands) ListPending(ctx context.Context, instanceID int64) ([]domain.DispatchedCommand, error) {
	return r.ListByStatus(ctx, instanceID, domain.CommandPending)
}

// PendingInstances returns, in id order, the instances that have pending
// commands.
func (r *Commands) PendingInstances(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := r.s.db.NewSelect().Table("dispatched_commands").
		ColumnExpr("DISTINCT instance_id").
		Where("status = ?", domain.CommandPending).
		OrderExpr("instance_id").Scan(ctx, &ids)
	if err != nil {
		return nil, wrap("list instances with pending commands", err)
	}
	return ids, nil
}

// ListByStatus returns the commands in any of statuses, oldest first, for
// one instance (or every instance when instanceID is zero).
func (r *Commands) ListByStatus(ctx context.Context, instanceID int64, statuses ...domain.CommandStatus) ([]domain.DispatchedCommand, error) {
	var ms []commandModel
	q := r.s.db.NewSelect().Model(&ms).Where("status IN (?)", bun.List(statuses)).OrderExpr("id ASC")
	if instanceID != 0 {
		q = q.Where("instance_id = ?", instanceID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, wrap("list commands", err)
	}
	ids := make([]int64, len(ms))
	for i := range ms {
		ids[i] = ms[i].ID
	}
	items, err := r.items(ctx, r.s.db, ids)
	if err != nil {
		return nil, err
	}
	out := make([]domain.DispatchedCommand, len(ms))
	ptrs := make([]*domain.DispatchedCommand, len(ms))
	for i := range ms {
		out[i] = ms[i].entity(items[ms[i].ID])
		ptrs[i] = &out[i]
	}
	if err := r.withRunTrace(ctx, ptrs); err != nil {
		return nil, err
	}
	return out, nil
}

// uniqueKeys returns keys without duplicates, in their first order.
func uniqueKeys(keys []domain.ItemKey) []domain.ItemKey {
	seen := make(map[domain.ItemKey]bool, len(keys))
	out := make([]domain.ItemKey, 0, len(keys))
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
