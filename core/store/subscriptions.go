package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// subscriptionModel is a row of the queue_subscriptions table.
type subscriptionModel struct {
	bun.BaseModel `bun:"table:queue_subscriptions,alias:qs"`

	ID        int64     `bun:"id,pk,autoincrement"`
	QueueID   int64     `bun:"queue_id"`
	Position  int       `bun:"position"`
	EventType string    `bun:"event_type"`
	Condition string    `bun:"condition_expr"`
	CreatedAt time.Time `bun:"created_at"`
}

func (m *subscriptionModel) entity() domain.QueueSubscription {
	return domain.QueueSubscription{QueueID: m.QueueID, EventType: domain.WebhookEventType(m.EventType), Condition: m.Condition}
}

func subscriptionEntities(ms []subscriptionModel) []domain.QueueSubscription {
	out := make([]domain.QueueSubscription, len(ms))
	for i := range ms {
		out[i] = ms[i].entity()
	}
	return out
}

// Subscriptions returns the webhook event subscriptions of a queue, in
// their saved order. A queue that does not exist is domain.ErrNotFound.
func (r *Queues) Subscriptions(ctx context.Context, queueID int64) ([]domain.QueueSubscription, error) {
	if ok, err := exists(ctx, r.s.db, "search_queues", queueID); err != nil {
		return nil, wrap("list queue subscriptions", err)
	} else if !ok {
		return nil, notFound("search queue", queueID)
	}
	var ms []subscriptionModel
	if err := r.s.db.NewSelect().Model(&ms).Where("queue_id = ?", queueID).OrderExpr("position ASC, id ASC").Scan(ctx); err != nil {
		return nil, wrap(fmt.Sprintf("list subscriptions of queue %d", queueID), err)
	}
	return subscriptionEntities(ms), nil
}

// SetSubscriptions replaces the webhook event subscriptions of a queue with
// subs, in their order, and returns them. A queue that does not exist is
// domain.ErrNotFound.
func (r *Queues) SetSubscriptions(ctx context.Context, queueID int64, subs []domain.QueueSubscription) ([]domain.QueueSubscription, error) {
	now := r.s.now()
	err := r.s.inTx(ctx, "set queue subscriptions", func(ctx context.Context, tx bun.Tx) error {
		if ok, err := exists(ctx, tx, "search_queues", queueID); err != nil {
			return wrap("set queue subscriptions", err)
		} else if !ok {
			return notFound("search queue", queueID)
		}
		if _, err := tx.NewDelete().Table("queue_subscriptions").Where("queue_id = ?", queueID).Exec(ctx); err != nil {
			return wrap(fmt.Sprintf("clear subscriptions of queue %d", queueID), err)
		}
		if len(subs) == 0 {
			return nil
		}
		rows := make([]subscriptionModel, len(subs))
		for i, s := range subs {
			rows[i] = subscriptionModel{QueueID: queueID, Position: i, EventType: string(s.EventType), Condition: s.Condition, CreatedAt: now}
		}
		if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
			return wrap(fmt.Sprintf("store subscriptions of queue %d", queueID), err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r.Subscriptions(ctx, queueID)
}

// SubscriptionsFor returns the subscriptions to eventType of the active
// queues of an instance, by queue then saved order.
func (r *Queues) SubscriptionsFor(ctx context.Context, instanceID int64, eventType domain.WebhookEventType) ([]domain.QueueSubscription, error) {
	var ms []subscriptionModel
	err := r.s.db.NewSelect().Model(&ms).
		Join("JOIN search_queues AS sq ON sq.id = qs.queue_id").
		Where("sq.instance_id = ? AND sq.is_active = ?", instanceID, true).
		Where("qs.event_type = ?", string(eventType)).
		OrderExpr("qs.queue_id ASC, qs.position ASC").Scan(ctx)
	if err != nil {
		return nil, wrap(fmt.Sprintf("list subscriptions to %s of instance %d", eventType, instanceID), err)
	}
	return subscriptionEntities(ms), nil
}
