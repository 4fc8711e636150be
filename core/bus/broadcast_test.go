package bus_test

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/vibequality/searcharr/core/bus"
	"github.com/vibequality/searcharr/core/domain"
)

// TestBroadcastReachesEveryReplica: two buses on one database stand for
// two replicas. Each broadcast subscriber receives every message published
// after it subscribed, by either replica, while a consumer-group handler
// still gets each message once; earlier messages are not replayed.
func TestBroadcastReachesEveryReplica(t *testing.T) {
	eachDialect(t, func(t *testing.T, cfg bus.Config) {
		a, err := bus.New(cfg, quiet())
		if err != nil {
			t.Fatal(err)
		}
		replica := a
		if cfg.Dialect == "postgres" {
			if replica, err = bus.New(cfg, quiet()); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { replica.Close() })
		}
		handled := make(chan string, 10)
		a.Handle("test.handler", domain.TopicNotifications, func(_ context.Context, msg *message.Message) error {
			handled <- string(msg.Payload)
			return nil
		})
		start(t, a)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if err := a.Publish(ctx, domain.TopicNotifications, domain.EventWebhookTest, "before"); err != nil {
			t.Fatal(err)
		}
		if got := <-handled; got != `"before"` {
			t.Fatalf("handler got %s", got)
		}
		onA, err := a.Broadcast(ctx, domain.TopicNotifications)
		if err != nil {
			t.Fatal(err)
		}
		onReplica, err := replica.Broadcast(ctx, domain.TopicNotifications)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"one", "two"} {
			if err := replica.Publish(ctx, domain.TopicNotifications, domain.EventWebhookTest, p); err != nil {
				t.Fatal(err)
			}
		}
		for name, ch := range map[string]<-chan *message.Message{"publisher's": onReplica, "other replica's": onA} {
			got := map[string]bool{}
			for range 2 {
				select {
				case msg := <-ch:
					got[string(msg.Payload)] = true
				case <-time.After(10 * time.Second):
					t.Fatalf("%s broadcast received only %v", name, got)
				}
			}
			if !got[`"one"`] || !got[`"two"`] {
				t.Fatalf("%s broadcast received %v", name, got)
			}
		}
		got := map[string]bool{<-handled: true, <-handled: true}
		if !got[`"one"`] || !got[`"two"`] {
			t.Fatalf("handler received %v", got)
		}
		select {
		case got := <-handled:
			t.Fatalf("handler got %s twice", got)
		case <-time.After(300 * time.Millisecond):
		}
	})
}
