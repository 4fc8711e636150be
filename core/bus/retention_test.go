package bus_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/vibequality/searcharr/core/bus"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func postgresConfig(t *testing.T) bus.Config {
	t.Helper()
	db, err := sql.Open("pgx", storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return bus.Config{Dialect: "postgres", DB: db, PollInterval: 20 * time.Millisecond}
}

func countRows(t *testing.T, db *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// publishers is how many goroutines publishMany publishes from.
const publishers = 8

// publishMany publishes n messages on topic from a few goroutines.
func publishMany(t *testing.T, b *bus.Bus, topic domain.Topic, kind domain.EventKind, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, publishers)
	for w := 0; w < publishers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += publishers {
				if err := b.Publish(context.Background(), topic, kind, map[string]int{"i": i}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func waitUntil(t *testing.T, what string, timeout time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestMessageTablesStayAtTheirRetentionBound: 10,000 triggers of searches,
// 10,000 webhook deliveries and 10,000 dispatched events go through the
// bus on PostgreSQL, each handled by a real subscriber. The work topics'
// tables are empty once their messages are handled; the log topics' tables
// hold what is younger than the retention, and nothing once Prune runs
// past it, except what the deployment's group has not handled yet.
func TestMessageTablesStayAtTheirRetentionBound(t *testing.T) {
	cfg := postgresConfig(t)
	b, err := bus.New(cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	const n = 10_000
	var triggers, hooks, notes atomic.Int64
	b.Handle("triggers", domain.TopicTriggers, func(context.Context, *message.Message) error { triggers.Add(1); return nil })
	b.Handle("webhooks", domain.TopicWebhooks, func(context.Context, *message.Message) error { hooks.Add(1); return nil })
	b.Handle("notifications", domain.TopicNotifications, func(context.Context, *message.Message) error { notes.Add(1); return nil })
	start(t, b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	live, err := b.Broadcast(ctx, domain.TopicDispatched)
	if err != nil {
		t.Fatal(err)
	}
	var seen atomic.Int64
	go func() {
		for range live {
			seen.Add(1)
		}
	}()

	var wg sync.WaitGroup
	for _, p := range []struct {
		topic domain.Topic
		kind  domain.EventKind
	}{
		{domain.TopicTriggers, domain.EventTrigger},
		{domain.TopicWebhooks, domain.EventWebhookDelivery},
		{domain.TopicDispatched, domain.EventDispatched},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			publishMany(t, b, p.topic, p.kind, n)
		}()
	}
	began := time.Now()
	wg.Wait()
	t.Logf("published in %s; handled %d %d %d", time.Since(began), triggers.Load(), hooks.Load(), seen.Load())
	publishMany(t, b, domain.TopicNotifications, domain.EventWebhookTest, 100)
	waitUntil(t, "every message handled", 5*time.Minute, func() bool {
		return triggers.Load() >= n && hooks.Load() >= n && seen.Load() >= n && notes.Load() >= 100
	})

	if got := triggers.Load(); got != n {
		t.Errorf("%d triggers handled, want %d", got, n)
	}
	if got := hooks.Load(); got != n {
		t.Errorf("%d webhook deliveries handled, want %d", got, n)
	}
	// Handled work is deleted with its acknowledgement.
	waitUntil(t, "the work tables to empty", 30*time.Second, func() bool {
		return countRows(t, cfg.DB, `"watermill_queue_triggers"`) == 0 && countRows(t, cfg.DB, `"watermill_queue_webhooks"`) == 0
	})
	// Within the retention the log topics keep their messages.
	if _, err := b.Prune(context.Background(), time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := countRows(t, cfg.DB, `"watermill_dispatched"`); got != n {
		t.Fatalf("dispatched holds %d messages within the retention, want %d", got, n)
	}

	// A notification the deployment's group has not handled yet outlives
	// the retention: stop handling, publish one, prune.
	b.Close()
	other, err := bus.New(cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Publish(context.Background(), domain.TopicNotifications, domain.EventWebhookTest, "unhandled"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond) // the cut-off is strictly in the past
	deleted, err := other.Prune(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if deleted < n+100 {
		t.Errorf("Prune deleted %d messages, want at least %d", deleted, n+100)
	}
	for table, want := range map[string]int{
		`"watermill_dispatched"`:     0,
		`"watermill_notifications"`:  1,
		`"watermill_queue_triggers"`: 0,
		`"watermill_queue_webhooks"`: 0,
	} {
		if got := countRows(t, cfg.DB, table); got != want {
			t.Errorf("%s holds %d messages after pruning, want %d", table, got, want)
		}
	}
}

// TestWorkTopicsMigrateFromTheDefaultSchema: a database written by the
// earlier layout, where the work topics used watermill-sql's default
// schema, keeps the messages its group had not handled: they are handled
// after the upgrade, the handled ones are not handled again, and the old
// tables are gone.
func TestWorkTopicsMigrateFromTheDefaultSchema(t *testing.T) {
	cfg := postgresConfig(t)
	wlog := watermill.NopLogger{}
	db := wsql.BeginnerFromStdSQL(cfg.DB)
	pub, err := wsql.NewPublisher(db, wsql.PublisherConfig{SchemaAdapter: wsql.DefaultPostgreSQLSchema{}, AutoInitializeSchema: true}, wlog)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := wsql.NewSubscriber(db, wsql.SubscriberConfig{
		ConsumerGroup: "searcharr", SchemaAdapter: wsql.DefaultPostgreSQLSchema{},
		OffsetsAdapter: wsql.DefaultPostgreSQLOffsetsAdapter{}, InitializeSchema: true, PollInterval: 20 * time.Millisecond,
	}, wlog)
	if err != nil {
		t.Fatal(err)
	}
	topic := string(domain.TopicWebhooks)
	for i := 0; i < 3; i++ {
		if err := pub.Publish(topic, message.NewMessage(watermill.NewUUID(), []byte(fmt.Sprintf(`"old-%d"`, i)))); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	msgs, err := sub.Subscribe(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		select {
		case m := <-msgs:
			m.Ack()
		case <-time.After(30 * time.Second):
			t.Fatal("old message not delivered")
		}
	}
	waitUntil(t, "the acks to be stored", 30*time.Second, func() bool {
		var acked sql.NullInt64
		_ = cfg.DB.QueryRow(`SELECT MAX(offset_acked) FROM "watermill_offsets_webhooks" WHERE consumer_group = 'searcharr'`).Scan(&acked)
		return acked.Int64 >= 3
	})
	cancel()
	sub.Close()
	for i := 0; i < 2; i++ {
		if err := pub.Publish(topic, message.NewMessage(watermill.NewUUID(), []byte(fmt.Sprintf(`"new-%d"`, i)))); err != nil {
			t.Fatal(err)
		}
	}
	pub.Close()

	b, err := bus.New(cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 10)
	b.Handle("webhooks", domain.TopicWebhooks, func(_ context.Context, m *message.Message) error {
		got <- string(m.Payload)
		return nil
	})
	start(t, b)
	// A message is deleted in the transaction that hands it over, so once
	// the table is empty everything it held has been handled.
	waitUntil(t, "the queue table to empty", 30*time.Second, func() bool {
		return countRows(t, cfg.DB, `"watermill_queue_webhooks"`) == 0 && len(got) >= 2
	})
	close(got)
	var handled []string
	for p := range got {
		handled = append(handled, p)
	}
	if fmt.Sprint(handled) != `["new-0" "new-1"]` {
		t.Fatalf("after the upgrade the handler got %v, want the two unhandled messages in order", handled)
	}
	var legacy, offsets bool
	if err := cfg.DB.QueryRow(`SELECT to_regclass('"watermill_webhooks"') IS NOT NULL, to_regclass('"watermill_offsets_webhooks"') IS NOT NULL`).Scan(&legacy, &offsets); err != nil {
		t.Fatal(err)
	}
	if legacy || offsets {
		t.Errorf("old tables left: messages %v, offsets %v", legacy, offsets)
	}
}

// TestWorkTopicsCannotBeBroadcast: a work queue's message goes to one
// consumer, so a broadcast of it is refused rather than starved.
func TestWorkTopicsCannotBeBroadcast(t *testing.T) {
	b, err := bus.New(postgresConfig(t), quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Broadcast(context.Background(), domain.TopicTriggers); err == nil {
		t.Fatal("broadcast of the triggers queue accepted")
	}
}
