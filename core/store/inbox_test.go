package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func TestWebhookInbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		at := fixedTime()
		d := domain.WebhookDelivery{InstanceID: sd.instance.ID, EventType: "Grab", DedupeKey: "sha:1", Payload: []byte(`{"eventType":"Grab"}`), ReceivedAt: at}

		var wg sync.WaitGroup
		dup := make([]bool, 5)
		ids := make([]int64, 5)
		for i := range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, isDup, err := s.WebhookDeliveries().Insert(ctx, d, time.Minute)
				if err != nil {
					t.Error(err)
				}
				ids[i], dup[i] = got.ID, isDup
			}()
		}
		wg.Wait()
		fresh := 0
		for i := range dup {
			if !dup[i] {
				fresh++
			}
			if ids[i] != ids[0] {
				t.Fatalf("deliveries %v, want one id", ids)
			}
		}
		if fresh != 1 {
			t.Fatalf("%d deliveries stored, want 1 (the rest folded)", fresh)
		}
		later := d
		later.ReceivedAt = at.Add(2 * time.Minute)
		if _, isDup, err := s.WebhookDeliveries().Insert(ctx, later, time.Minute); err != nil || isDup {
			t.Fatalf("after the window: dup=%v err=%v", isDup, err)
		}

		pending, err := s.WebhookDeliveries().ListUnprocessed(ctx, 0)
		if err != nil || len(pending) != 2 || string(pending[0].Payload) != `{"eventType":"Grab"}` {
			t.Fatalf("unprocessed = %+v, %v", pending, err)
		}
		// Attempts are counted as they start.
		for range 2 {
			if _, err := s.WebhookDeliveries().StartAttempt(ctx, pending[0].ID, at); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := s.WebhookDeliveries().Get(ctx, pending[0].ID); got.Attempts != 2 || got.StartedAt == nil || !got.StartedAt.Equal(at) {
			t.Fatalf("delivery under way = %+v", got)
		}
		if err := s.WebhookDeliveries().MarkFailed(ctx, pending[0].ID, "boom"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.WebhookDeliveries().Get(ctx, pending[0].ID); got.Attempts != 2 || got.Error != "boom" || got.StartedAt != nil {
			t.Fatalf("failed delivery = %+v", got)
		}
		if err := s.WebhookDeliveries().MarkProcessed(ctx, pending[0].ID, at); err != nil {
			t.Fatal(err)
		}
		if err := s.WebhookDeliveries().MarkProcessed(ctx, pending[0].ID, at); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("processed twice: err = %v, want ErrConflict", err)
		}
		got, _ := s.WebhookDeliveries().Get(ctx, pending[0].ID)
		if got.Attempts != 2 || got.ProcessedAt == nil || got.Error != "" {
			t.Fatalf("processed delivery = %+v", got)
		}
		if _, err := s.WebhookDeliveries().StartAttempt(ctx, pending[0].ID, at); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("attempt on a processed delivery: err = %v, want ErrConflict", err)
		}
		pending, _ = s.WebhookDeliveries().ListUnprocessed(ctx, 10)
		if len(pending) != 1 {
			t.Fatalf("unprocessed after processing = %d, want 1", len(pending))
		}

		// A parked delivery keeps its reason, leaves the replay list and
		// takes no more attempts.
		if err := s.WebhookDeliveries().Park(ctx, pending[0].ID, at, "gave up"); err != nil {
			t.Fatal(err)
		}
		got, _ = s.WebhookDeliveries().Get(ctx, pending[0].ID)
		if got.ParkedAt == nil || !got.ParkedAt.Equal(at) || got.Error != "gave up" || got.ProcessedAt != nil {
			t.Fatalf("parked delivery = %+v", got)
		}
		if left, _ := s.WebhookDeliveries().ListUnprocessed(ctx, 10); len(left) != 0 {
			t.Fatalf("parked delivery still listed: %+v", left)
		}
		if _, err := s.WebhookDeliveries().StartAttempt(ctx, pending[0].ID, at); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("attempt on a parked delivery: err = %v, want ErrConflict", err)
		}
		if _, err := s.WebhookDeliveries().StartAttempt(ctx, 99999, at); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("attempt on a missing delivery: err = %v, want ErrNotFound", err)
		}
	})
}

func TestExclusions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		now := fixedTime()
		mk := func(kind domain.ExclusionKind, target int64, expires *time.Time) domain.Exclusion {
			e, err := s.Exclusions().Create(ctx, domain.Exclusion{OwnerID: sd.user.ID, InstanceID: sd.instance.ID, Kind: kind, TargetID: target, ExpiresAt: expires})
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		forever := mk(domain.ExcludeSeries, 7, nil)
		mk(domain.ExcludeEpisode, 8, ptr(now.Add(-time.Hour)))
		soon := mk(domain.ExcludeEpisode, 9, ptr(now.Add(time.Hour)))
		if _, err := s.Exclusions().Create(ctx, domain.Exclusion{OwnerID: sd.user.ID, InstanceID: sd.instance.ID, Kind: domain.ExcludeSeries, TargetID: 7}); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("duplicate: err = %v, want ErrConflict", err)
		}
		active, err := s.Exclusions().Active(ctx, sd.instance.ID, now)
		if err != nil || len(active) != 2 || active[0].ID != forever.ID || active[1].ID != soon.ID {
			t.Fatalf("active = %+v, %v", active, err)
		}
		all, _ := s.Exclusions().ListByOwner(ctx, sd.user.ID)
		if len(all) != 3 {
			t.Fatalf("all = %d, want 3", len(all))
		}
		if err := s.Exclusions().Delete(ctx, forever.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Exclusions().Get(ctx, forever.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
	})
}
