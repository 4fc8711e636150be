package bus_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/vibequality/searcharr/core/bus"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// eachDialect runs fn on the in-process bus and, when
// SEARCHARR_TEST_DATABASE_URL is set, on watermill-sql in a fresh schema.
func eachDialect(t *testing.T, fn func(t *testing.T, cfg bus.Config)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, bus.Config{Dialect: "sqlite"}) })
	t.Run("postgres", func(t *testing.T) {
		db, err := sql.Open("pgx", storetest.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		fn(t, bus.Config{Dialect: "postgres", DB: db, PollInterval: 20 * time.Millisecond})
	})
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func start(t *testing.T, b *bus.Bus) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		b.Close()
		<-done
	})
	select {
	case <-b.Running():
	case <-time.After(10 * time.Second):
		t.Fatal("router did not start")
	}
}

func TestPublishCarriesPayloadAndCorrelationID(t *testing.T) {
	eachDialect(t, func(t *testing.T, cfg bus.Config) {
		b, err := bus.New(cfg, quiet())
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan struct {
			ev  domain.TriggerEvent
			cid string
		}, 1)
		b.Handle("test", domain.TopicTriggers, func(ctx context.Context, msg *message.Message) error {
			ev, err := bus.Decode[domain.TriggerEvent](msg)
			if err != nil {
				return err
			}
			got <- struct {
				ev  domain.TriggerEvent
				cid string
			}{ev, domain.CorrelationID(ctx)}
			return nil
		})
		start(t, b)

		ctx := domain.WithCorrelationID(context.Background(), "cid-42")
		want := domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: 7, Items: []domain.ItemKey{{Type: domain.ItemEpisode, ID: 3}}}
		if err := b.Publish(ctx, domain.TopicTriggers, domain.EventTrigger, want); err != nil {
			t.Fatal(err)
		}
		select {
		case g := <-got:
			if g.cid != "cid-42" {
				t.Errorf("correlation id = %q, want cid-42", g.cid)
			}
			if g.ev.QueueID != 7 || g.ev.Kind != domain.TriggerAPI || len(g.ev.Items) != 1 || g.ev.Items[0].ID != 3 {
				t.Errorf("payload = %+v", g.ev)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("message not delivered")
		}
	})
}

func TestFailingHandlerIsRetriedThenPoisoned(t *testing.T) {
	eachDialect(t, func(t *testing.T, cfg bus.Config) {
		cfg.MaxRetries = 2
		cfg.RetryInterval = time.Millisecond
		b, err := bus.New(cfg, quiet())
		if err != nil {
			t.Fatal(err)
		}
		var calls atomic.Int32
		b.Handle("fails", domain.TopicTriggers, func(ctx context.Context, msg *message.Message) error {
			if calls.Add(1) == 1 {
				panic("boom")
			}
			return errors.New("still failing")
		})
		poisoned := make(chan string, 1)
		b.Handle("poison", domain.TopicPoison, func(ctx context.Context, msg *message.Message) error {
			poisoned <- domain.CorrelationID(ctx)
			return nil
		})
		start(t, b)
		ctx := domain.WithCorrelationID(context.Background(), "cid-poison")
		if err := b.Publish(ctx, domain.TopicTriggers, domain.EventTrigger, domain.TriggerEvent{Kind: domain.TriggerAPI}); err != nil {
			t.Fatal(err)
		}
		select {
		case cid := <-poisoned:
			if cid != "cid-poison" {
				t.Errorf("poisoned message lost its correlation id: %q", cid)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("message never reached the poison topic")
		}
		if n := calls.Load(); n != 3 {
			t.Errorf("handler called %d times, want 3 (1 + 2 retries)", n)
		}
	})
}

func TestConfigValidate(t *testing.T) {
	if _, err := bus.New(bus.Config{Dialect: "mysql"}, quiet()); err == nil {
		t.Error("unknown dialect accepted")
	}
	if _, err := bus.New(bus.Config{Dialect: "postgres"}, quiet()); err == nil {
		t.Error("postgres without a database accepted")
	}
}
