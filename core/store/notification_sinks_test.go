package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func TestNotificationSinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice, bob := newSeed(t, s, "alice"), newSeed(t, s, "bob")
		r := s.NotificationSinks()
		const url = "discord://SINKTOKEN0123456789@12345"
		sink, err := r.Create(ctx, domain.NotificationSink{
			OwnerID: alice.user.ID, Name: "Discord", Kind: domain.SinkShoutrrr, Service: "discord",
			Events: []domain.EventKind{domain.EventGrabFound, domain.EventRunFailed}, Enabled: true, RatePerMinute: 5,
		}, domain.NotificationTarget{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		if sink.ID == 0 || sink.HasSecret || sink.Service != "discord" || sink.RatePerMinute != 5 || !sink.Wants(domain.EventGrabFound) || sink.Wants(domain.EventRunCompleted) {
			t.Fatalf("created sink = %+v", sink)
		}
		if _, err := r.Create(ctx, domain.NotificationSink{OwnerID: alice.user.ID, Name: "Discord", Kind: domain.SinkWebhook},
			domain.NotificationTarget{URL: "https://x"}); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("duplicate name: %v, want ErrConflict", err)
		}
		hook, err := r.Create(ctx, domain.NotificationSink{OwnerID: bob.user.ID, Name: "Hook", Kind: domain.SinkWebhook, Service: "webhook",
			Template: `{"t":"{{.Title}}"}`, Events: []domain.EventKind{domain.EventGrabFound}, Enabled: true},
			domain.NotificationTarget{URL: "https://hooks.example/x", Secret: "SINKSECRET0123456789"})
		if err != nil || !hook.HasSecret || hook.Template != `{"t":"{{.Title}}"}` {
			t.Fatalf("webhook sink = %+v, %v", hook, err)
		}

		// Sealed at rest: neither the URL nor the secret is stored in clear.
		rows, err := s.DB().QueryContext(ctx, "SELECT url, secret FROM notification_sinks")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var u, sec []byte
			if err := rows.Scan(&u, &sec); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(u, []byte("SINKTOKEN")) || bytes.Contains(u, []byte("hooks.example")) || bytes.Contains(sec, []byte("SINKSECRET")) {
				t.Fatal("sink target stored in clear")
			}
		}
		_ = rows.Close()
		tg, err := r.Target(ctx, hook.ID)
		if err != nil || tg.URL.Reveal() != "https://hooks.example/x" || tg.Secret.Reveal() != "SINKSECRET0123456789" {
			t.Fatalf("Target = %v, %v", tg.URL.Reveal(), err)
		}

		subs, err := r.Subscribed(ctx, alice.user.ID, domain.EventGrabFound)
		if err != nil || len(subs) != 1 || subs[0].ID != sink.ID {
			t.Fatalf("Subscribed = %+v, %v", subs, err)
		}
		sink.Enabled = false
		sink.Name = "Renamed"
		if sink, err = r.Update(ctx, sink); err != nil || sink.Name != "Renamed" || sink.Enabled {
			t.Fatalf("update = %+v, %v", sink, err)
		}
		if subs, _ = r.Subscribed(ctx, alice.user.ID, domain.EventGrabFound); len(subs) != 0 {
			t.Fatalf("disabled sink still subscribed: %+v", subs)
		}

		if err := r.SetTarget(ctx, hook.ID, domain.NotificationTarget{URL: "https://hooks.example/y"}); err != nil {
			t.Fatal(err)
		}
		if tg, _ = r.Target(ctx, hook.ID); tg.URL.Reveal() != "https://hooks.example/y" || !tg.Secret.IsZero() {
			t.Fatalf("SetTarget not stored")
		}

		at := time.Date(2025, 8, 20, 10, 0, 0, 0, time.UTC)
		if err := r.RecordDelivery(ctx, hook.ID, domain.NotificationDelivery{At: at, Error: "HTTP 500"}); err != nil {
			t.Fatal(err)
		}
		got, _ := r.Get(ctx, hook.ID)
		if got.LastStatus != domain.DeliveryFailed || got.LastError != "HTTP 500" || got.LastSentAt != nil || !got.LastAttemptAt.Equal(at) {
			t.Fatalf("failed delivery = %+v", got)
		}
		if err := r.RecordDelivery(ctx, hook.ID, domain.NotificationDelivery{At: at.Add(time.Minute), OK: true}); err != nil {
			t.Fatal(err)
		}
		got, _ = r.Get(ctx, hook.ID)
		if got.LastStatus != domain.DeliveryOK || got.LastError != "" || !got.LastSentAt.Equal(at.Add(time.Minute)) {
			t.Fatalf("successful delivery = %+v", got)
		}

		if err := r.Delete(ctx, hook.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Get(ctx, hook.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("deleted sink: %v", err)
		}
		if err := r.RecordDelivery(ctx, hook.ID, domain.NotificationDelivery{At: at, OK: true}); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("record on a deleted sink: %v", err)
		}
	})
}
