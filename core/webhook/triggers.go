package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/webhook/condition"
)

// namesItems reports whether an event type is about particular episodes or
// movies: a queue subscribed to it searches just those, and nothing when
// they cannot be told. Other events (Health, ApplicationUpdate, ...) run the
// queue as a schedule would.
func namesItems(t domain.WebhookEventType) bool {
	switch t {
	case domain.HookHealth, domain.HookHealthRestored, domain.HookApplicationUpdate, domain.HookTest:
		return false
	}
	return true
}

// trigger publishes a trigger for each queue subscribed to the event whose
// condition holds, at most one per queue.
func (p *Processor) trigger(ctx context.Context, log *slog.Logger, d domain.WebhookDelivery, ev Event) error {
	subs, err := p.deps.Subscriptions.SubscriptionsFor(ctx, d.InstanceID, ev.Type)
	if err != nil {
		return fmt.Errorf("unable to list subscriptions: %w", err)
	}
	if len(subs) == 0 {
		return nil
	}
	var items []domain.ItemKey
	if namesItems(ev.Type) {
		if items, err = p.itemsOf(ctx, d.InstanceID, ev); err != nil {
			return err
		}
		if len(items) == 0 {
			log.Info("subscribed event names no item to search")
			return nil
		}
	}
	done := map[int64]bool{}
	var over []error
	for _, s := range subs {
		if done[s.QueueID] {
			continue
		}
		if s.Condition != "" {
			ok, err := p.match(ctx, s.Condition, ev.Raw)
			switch {
			case errors.Is(err, condition.ErrBudget):
				// The condition's fault, the same at every try: the other
				// queues still get their trigger, then the delivery is
				// parked with the reason.
				over = append(over, fmt.Errorf("queue %d: %w", s.QueueID, err))
			case ctx.Err() != nil:
				return ctx.Err()
			case err != nil:
				log.Warn("subscription condition failed; treated as false", "queue_id", s.QueueID, "err", err)
			}
			if !ok {
				continue
			}
		}
		done[s.QueueID] = true
		t := domain.TriggerEvent{Kind: domain.TriggerWebhook, QueueID: s.QueueID, InstanceID: d.InstanceID,
			Event: string(ev.Type), Items: items, At: d.ReceivedAt}
		if err := p.deps.Publisher.Publish(ctx, domain.TopicTriggers, domain.EventTrigger, t); err != nil {
			return fmt.Errorf("unable to publish the trigger of queue %d: %w", s.QueueID, err)
		}
		log.Info("webhook triggered a queue", "queue_id", s.QueueID, "items", len(items))
	}
	if len(over) > 0 {
		return &permanentError{errors.Join(over...)}
	}
	return nil
}

// itemsOf names the items of an event; a SeriesAdd names the episodes of
// its series, when a SeriesEpisodes source is wired.
func (p *Processor) itemsOf(ctx context.Context, instanceID int64, ev Event) ([]domain.ItemKey, error) {
	if items := ev.Items(); len(items) > 0 {
		return items, nil
	}
	if ev.Series == nil || ev.Series.ID <= 0 || p.deps.Episodes == nil {
		return nil, nil
	}
	items, err := p.deps.Episodes.SeriesEpisodes(ctx, instanceID, ev.Series.ID)
	if err != nil {
		return nil, fmt.Errorf("unable to list the episodes of series %d: %w", ev.Series.ID, err)
	}
	return items, nil
}

// match evaluates a stored condition; conditions are compiled once. A
// stored condition that no longer compiles (the bounds tightened since it
// was saved) is over its budget.
func (p *Processor) match(ctx context.Context, src string, raw map[string]any) (bool, error) {
	p.mu.Lock()
	c, ok := p.conditions[src]
	p.mu.Unlock()
	if !ok {
		var err error
		if c, err = condition.Compile(src); err != nil {
			return false, fmt.Errorf("%w: %w", condition.ErrBudget, err)
		}
		p.mu.Lock()
		if len(p.conditions) > 1000 {
			clear(p.conditions)
		}
		p.conditions[src] = c
		p.mu.Unlock()
	}
	return c.Match(ctx, raw)
}
