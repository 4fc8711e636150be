package engine_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/engine"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
	"github.com/vibequality/searcharr/sdk"
)

type recordingPublisher struct {
	mu      sync.Mutex
	events  []domain.RunNotification
	kinds   []domain.EventKind
	started []domain.RunStartedEvent
}

func (p *recordingPublisher) Publish(_ context.Context, topic domain.Topic, kind domain.EventKind, payload any) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if topic == domain.TopicNotifications && kind == domain.EventRunStarted {
		p.started = append(p.started, payload.(domain.RunStartedEvent))
		return nil
	}
	if topic == domain.TopicNotifications {
		p.kinds = append(p.kinds, kind)
		p.events = append(p.events, payload.(domain.RunNotification))
	}
	return nil
}

// TestRunEndsAreAnnounced: a finished run publishes one notification with
// its counts and status; a dry run publishes none.
func TestRunEndsAreAnnounced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st, domain.Queue{MaxItemsPerRun: 5})
		pub := &recordingPublisher{}
		eng, err := engine.New(engine.Deps{
			Store: st, Planner: f.planner, Libraries: libraries{}, Waker: f.waker, Publisher: pub,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return f.now },
		}, engine.Config{})
		if err != nil {
			t.Fatal(err)
		}
		f.planner.plan = sdk.Plan{}
		if err := eng.HandleTrigger(ctx, domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: f.queue.ID, DryRun: true, At: f.now}); err != nil {
			t.Fatal(err)
		}
		if len(pub.events) != 0 || len(pub.started) != 0 {
			t.Fatalf("a dry run announced %+v %+v", pub.events, pub.started)
		}
		f.planner.err = context.DeadlineExceeded
		if err := eng.HandleTrigger(ctx, domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: f.queue.ID, At: f.now}); err != nil {
			t.Fatal(err)
		}
		if len(pub.events) != 1 || pub.kinds[0] != domain.EventRunFailed || pub.events[0].QueueID != f.queue.ID || pub.events[0].Error == "" {
			t.Fatalf("failed run announced %v %+v", pub.kinds, pub.events)
		}
		f.planner.err = nil
		if err := eng.HandleTrigger(ctx, domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: f.queue.ID, At: f.now}); err != nil {
			t.Fatal(err)
		}
		if len(pub.events) != 2 || pub.kinds[1] != domain.EventRunCompleted || pub.events[1].Status != domain.RunSucceeded {
			t.Fatalf("completed run announced %v %+v", pub.kinds, pub.events)
		}
		if len(pub.started) != 2 || pub.started[1].RunID != pub.events[1].RunID || pub.started[1].QueueID != f.queue.ID ||
			pub.started[1].Trigger != domain.TriggerAPI || pub.started[1].OwnerID != f.queue.OwnerID {
			t.Fatalf("run starts announced %+v", pub.started)
		}
	})
}
