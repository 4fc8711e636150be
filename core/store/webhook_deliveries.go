package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// deliveryModel is a row of the webhook_deliveries table.
type deliveryModel struct {
	bun.BaseModel `bun:"table:webhook_deliveries,alias:wd"`

	ID          int64      `bun:"id,pk,autoincrement"`
	InstanceID  int64      `bun:"instance_id"`
	EventType   string     `bun:"event_type"`
	DedupeKey   string     `bun:"dedupe_key"`
	Payload     string     `bun:"payload"`
	ReceivedAt  time.Time  `bun:"received_at"`
	ProcessedAt *time.Time `bun:"processed_at"`
	Attempts    int        `bun:"attempts"`
	StartedAt   *time.Time `bun:"started_at"`
	ParkedAt    *time.Time `bun:"parked_at"`
	Error       string     `bun:"error"`
}

func (m *deliveryModel) entity() domain.WebhookDelivery {
	return domain.WebhookDelivery{
		ID: m.ID, InstanceID: m.InstanceID, EventType: m.EventType, DedupeKey: m.DedupeKey,
		Payload: []byte(m.Payload), ReceivedAt: m.ReceivedAt.UTC(), ProcessedAt: fromDB(m.ProcessedAt),
		Attempts: m.Attempts, StartedAt: fromDB(m.StartedAt), ParkedAt: fromDB(m.ParkedAt), Error: m.Error,
	}
}

// WebhookDeliveries is the webhook inbox.
type WebhookDeliveries struct{ s *Store }

// WebhookDeliveries returns the webhook inbox repository.
func (s *Store) WebhookDeliveries() *WebhookDeliveries { return &WebhookDeliveries{s: s} }

// Insert stores a delivery before it is answered. When a delivery of the
// same instance with the same DedupeKey arrived within window before it,
// nothing is stored and that delivery is returned with duplicate true.
func (r *WebhookDeliveries) Insert(ctx context.Context, d domain.WebhookDelivery, window time.Duration) (out domain.WebhookDelivery, duplicate bool, err error) {
	received := utc(d.ReceivedAt)
	if d.ReceivedAt.IsZero() {
		received = r.s.now()
	}
	m := deliveryModel{
		InstanceID: d.InstanceID, EventType: d.EventType, DedupeKey: d.DedupeKey,
		Payload: string(d.Payload), ReceivedAt: received,
	}
	err = r.s.inTx(ctx, "store webhook delivery", func(ctx context.Context, tx bun.Tx) error {
		if r.s.dialect == DialectPostgres {
			// Serialises identical deliveries; SQLite transactions already
			// hold the write lock.
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext(?))", fmt.Sprint(d.InstanceID, "/", d.DedupeKey)); err != nil {
				return wrap("lock webhook dedupe key", err)
			}
		}
		if window > 0 && d.DedupeKey != "" {
			var prev deliveryModel
			err := tx.NewSelect().Model(&prev).
				Where("instance_id = ? AND dedupe_key = ? AND received_at >= ?", d.InstanceID, d.DedupeKey, received.Add(-window)).
				OrderExpr("id DESC").Limit(1).Scan(ctx)
			if err == nil {
				m, duplicate = prev, true
				return nil
			}
			if !errors.Is(classify(err), domain.ErrNotFound) {
				return wrap("look up webhook duplicates", err)
			}
		}
		if _, err := tx.NewInsert().Model(&m).Returning("id").Exec(ctx); err != nil {
			return wrap("store webhook delivery", err)
		}
		return nil
	})
	if err != nil {
		return domain.WebhookDelivery{}, false, err
	}
	return m.entity(), duplicate, nil
}

// Get returns one delivery.
func (r *WebhookDeliveries) Get(ctx context.Context, id int64) (domain.WebhookDelivery, error) {
	var m deliveryModel
	if err := r.s.db.NewSelect().Model(&m).Where("id = ?", id).Scan(ctx); err != nil {
		return domain.WebhookDelivery{}, wrap(fmt.Sprintf("get webhook delivery %d", id), err)
	}
	return m.entity(), nil
}

// ListUnprocessed returns up to limit deliveries neither processed nor
// parked, oldest first: what to replay.
func (r *WebhookDeliveries) ListUnprocessed(ctx context.Context, limit int) ([]domain.WebhookDelivery, error) {
	var ms []deliveryModel
	q := r.s.db.NewSelect().Model(&ms).Where("processed_at IS NULL AND parked_at IS NULL").OrderExpr("id ASC")
	if limit > 0 {
		q = q.Limit(int64(limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, wrap("list unprocessed webhook deliveries", err)
	}
	out := make([]domain.WebhookDelivery, len(ms))
	for i := range ms {
		out[i] = ms[i].entity()
	}
	return out, nil
}

// StartAttempt counts a processing attempt of a delivery as it starts, so
// that one that hangs or takes the process down counts too, and returns
// the delivery. It fails with domain.ErrConflict when the delivery was
// processed or parked already.
func (r *WebhookDeliveries) StartAttempt(ctx context.Context, id int64, at time.Time) (domain.WebhookDelivery, error) {
	res, err := r.s.db.NewUpdate().Table("webhook_deliveries").
		Set("attempts = attempts + 1").Set("started_at = ?", utc(at)).
		Where("id = ? AND processed_at IS NULL AND parked_at IS NULL", id).Exec(ctx)
	if err != nil {
		return domain.WebhookDelivery{}, wrap("start webhook delivery attempt", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return domain.WebhookDelivery{}, wrap("start webhook delivery attempt", err)
	} else if n == 0 {
		if _, err := r.Get(ctx, id); err != nil {
			return domain.WebhookDelivery{}, err
		}
		return domain.WebhookDelivery{}, fmt.Errorf("store: webhook delivery %d was processed or parked already: %w", id, domain.ErrConflict)
	}
	return r.Get(ctx, id)
}

// MarkProcessed records that a delivery's effect happened. It fails with
// domain.ErrConflict when it was already processed, so a caller that runs
// the effect in the same transaction-less step can tell a replay.
func (r *WebhookDeliveries) MarkProcessed(ctx context.Context, id int64, at time.Time) error {
	res, err := r.s.db.NewUpdate().Table("webhook_deliveries").
		Set("processed_at = ?", utc(at)).Set("error = ''").
		Where("id = ? AND processed_at IS NULL", id).Exec(ctx)
	if err != nil {
		return wrap("mark webhook delivery processed", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrap("mark webhook delivery processed", err)
	} else if n > 0 {
		return nil
	}
	if ok, err := exists(ctx, r.s.db, "webhook_deliveries", id); err != nil {
		return wrap("mark webhook delivery processed", err)
	} else if !ok {
		return notFound("webhook delivery", id)
	}
	return fmt.Errorf("store: webhook delivery %d was already processed: %w", id, domain.ErrConflict)
}

// MarkFailed records why an attempt failed (StartAttempt counted it) and
// that it is over; the delivery stays in the inbox to be tried again.
func (r *WebhookDeliveries) MarkFailed(ctx context.Context, id int64, errMsg string) error {
	res, err := r.s.db.NewUpdate().Table("webhook_deliveries").
		Set("error = ?", errMsg).Set("started_at = NULL").
		Where("id = ?", id).Exec(ctx)
	return r.s.checkOne(res, err, "mark webhook delivery failed", "webhook delivery", id)
}

// Park gives up on an unprocessed delivery for reason: it stays in the
// inbox, with the reason as its error, and is never tried again. Parking a
// processed delivery changes nothing.
func (r *WebhookDeliveries) Park(ctx context.Context, id int64, at time.Time, reason string) error {
	_, err := r.s.db.NewUpdate().Table("webhook_deliveries").
		Set("parked_at = ?", utc(at)).Set("error = ?", reason).
		Where("id = ? AND processed_at IS NULL", id).Exec(ctx)
	if err != nil {
		return wrap("park webhook delivery", err)
	}
	return nil
}
