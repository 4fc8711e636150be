package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func TestQueueSubscriptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "subs")
		other := newSeed(t, s, "other")
		qs := s.Queues()
		if got, err := qs.Subscriptions(ctx, sd.queue.ID); err != nil || len(got) != 0 {
			t.Fatalf("subscriptions of a new queue = %v, %v", got, err)
		}
		want := []domain.QueueSubscription{
			{EventType: domain.HookEpisodeFileDelete, Condition: `event.deleteReason == "missingFromDisk"`},
			{EventType: domain.HookSeriesAdd},
		}
		got, err := qs.SetSubscriptions(ctx, sd.queue.ID, want)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Condition != want[0].Condition || got[1].EventType != domain.HookSeriesAdd || got[0].QueueID != sd.queue.ID {
			t.Fatalf("saved %+v", got)
		}
		if _, err := qs.SetSubscriptions(ctx, other.queue.ID, []domain.QueueSubscription{{EventType: domain.HookEpisodeFileDelete}}); err != nil {
			t.Fatal(err)
		}
		for_, err := qs.SubscriptionsFor(ctx, sd.instance.ID, domain.HookEpisodeFileDelete)
		if err != nil || len(for_) != 1 || for_[0].QueueID != sd.queue.ID {
			t.Fatalf("subscriptions for the instance = %+v, %v", for_, err)
		}
		// A paused queue hears nothing.
		if _, err := qs.Pause(ctx, sd.queue.ID); err != nil {
			t.Fatal(err)
		}
		if for_, err := qs.SubscriptionsFor(ctx, sd.instance.ID, domain.HookEpisodeFileDelete); err != nil || len(for_) != 0 {
			t.Fatalf("subscriptions of a paused queue = %+v, %v", for_, err)
		}
		// Replacing clears.
		if got, err := qs.SetSubscriptions(ctx, sd.queue.ID, nil); err != nil || len(got) != 0 {
			t.Fatalf("cleared = %v, %v", got, err)
		}
		if _, err := qs.SetSubscriptions(ctx, 99999, want); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown queue: %v", err)
		}
		if _, err := qs.Subscriptions(ctx, 99999); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown queue: %v", err)
		}
	})
}
