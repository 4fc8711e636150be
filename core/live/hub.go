// Package live turns the bus's events into per-user live events for the
// web UI's event stream (GET /api/events): runs starting, moving and
// ending, searches sent, grabs found, instances paused and resumed,
// webhook tests and exhausted budgets.
//
// The hub listens with bus.Broadcast, so every replica sees every event
// whichever replica caused it, and fans each event out in-process to the
// subscribers of the user who owns the instance it concerns. Events are
// not stored: a client that reconnects gets the events from then on.
package live

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/vibequality/searcharr/core/domain"
)

// The kinds of live events.
const (
	KindRunStarted      = "run_started"
	KindRunProgress     = "run_progress"
	KindRunEnded        = "run_ended"
	KindSearchSent      = "search_sent"
	KindGrabFound       = "grab_found"
	KindInstancePaused  = "instance_paused"
	KindInstanceResumed = "instance_resumed"
	KindWebhookTest     = "webhook_test"
	KindBudgetExhausted = "budget_exhausted"
)

// Source delivers every message of a topic to this process. *bus.Bus
// implements it.
type Source interface {
	Broadcast(ctx context.Context, topic domain.Topic) (<-chan *message.Message, error)
}

// Store reads what an event needs: the owner of an instance and a run's
// counts. *store.Store implements it.
type Store interface {
	GetInstance(ctx context.Context, id int64) (domain.Instance, error)
	GetRun(ctx context.Context, id int64) (domain.Run, error)
}

// RunItems reads the titles of a run's items. *store.RunItems implements
// it.
type RunItems interface {
	ListByRun(ctx context.Context, runID int64, limit, offset int) ([]domain.RunItem, error)
}

// Deps are the hub's collaborators.
type Deps struct {
	Source   Source
	Store    Store
	RunItems RunItems
	Logger   *slog.Logger
}

// Config tunes the hub.
type Config struct {
	// Buffer is how many events wait for a slow subscriber before newer
	// ones are dropped for it (default 64).
	Buffer int
}

// Hub fans live events out to subscribers.
type Hub struct {
	deps   Deps
	cfg    Config
	log    *slog.Logger
	seq    atomic.Uint64
	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed bool
}

type subscriber struct {
	owner int64
	ch    chan domain.LiveEvent
}

// New builds a hub; Start begins listening.
func New(deps Deps, cfg Config) (*Hub, error) {
	if deps.Source == nil || deps.Store == nil || deps.RunItems == nil {
		return nil, errors.New("live: Source, Store and RunItems are required")
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if cfg.Buffer <= 0 {
		cfg.Buffer = 64
	}
	return &Hub{deps: deps, cfg: cfg, log: deps.Logger.With("component", "live"), subs: map[*subscriber]struct{}{}}, nil
}

// Start listens to the dispatched and notifications topics until Close.
func (h *Hub) Start(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	h.cancel = cancel
	for _, topic := range []domain.Topic{domain.TopicDispatched, domain.TopicNotifications} {
		msgs, err := h.deps.Source.Broadcast(ctx, topic)
		if err != nil {
			cancel()
			return err
		}
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			for msg := range msgs {
				h.handle(ctx, topic, msg)
			}
		}()
	}
	return nil
}

// Close stops listening and ends every subscription.
func (h *Hub) Close() {
	if h.cancel != nil {
		h.cancel()
	}
	h.wg.Wait()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		close(s.ch)
		delete(h.subs, s)
	}
}

// Subscribe returns the events of ownerID's instances, queues and runs,
// and the function that ends the subscription. The channel closes when the
// hub does.
func (h *Hub) Subscribe(ownerID int64) (<-chan domain.LiveEvent, func()) {
	s := &subscriber{owner: ownerID, ch: make(chan domain.LiveEvent, h.cfg.Buffer)}
	h.mu.Lock()
	if h.closed {
		close(s.ch)
	} else {
		h.subs[s] = struct{}{}
	}
	h.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			if _, ok := h.subs[s]; ok {
				delete(h.subs, s)
				close(s.ch)
			}
		})
	}
}

// Publish sends an event to ownerID's subscribers; a subscriber whose
// buffer is full misses it.
func (h *Hub) Publish(ownerID int64, kind string, data any) {
	body, err := json.Marshal(data)
	if err != nil {
		h.log.Error("live event not encodable", "kind", kind, "error", err)
		return
	}
	ev := domain.LiveEvent{ID: h.seq.Add(1), Kind: kind, OwnerID: ownerID, Data: body}
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if s.owner != ownerID {
			continue
		}
		select {
		case s.ch <- ev:
		default:
			h.log.Debug("live event dropped for a slow subscriber", "kind", kind)
		}
	}
}

// wanted reports whether anyone listens to ownerID, so events nobody
// would see cost no reads.
func (h *Hub) wanted(ownerID int64) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if ownerID == 0 || s.owner == ownerID {
			return true
		}
	}
	return false
}

func (h *Hub) handle(ctx context.Context, topic domain.Topic, msg *message.Message) {
	if !h.wanted(0) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	kind := domain.EventKind(msg.Metadata.Get(domain.MetaEventKind))
	var err error
	switch {
	case topic == domain.TopicDispatched:
		err = h.dispatched(ctx, msg.Payload)
	case kind == domain.EventRunStarted:
		err = h.runStarted(ctx, msg.Payload)
	case kind == domain.EventRunCompleted || kind == domain.EventRunFailed:
		err = h.runEnded(ctx, msg.Payload)
	case kind == domain.EventGrabFound:
		err = h.instanceEvent(ctx, KindGrabFound, msg.Payload)
	case kind == domain.EventInstanceUnhealthy:
		err = h.instanceEvent(ctx, KindInstancePaused, msg.Payload)
	case kind == domain.EventInstanceRecovered:
		err = h.instanceEvent(ctx, KindInstanceResumed, msg.Payload)
	case kind == domain.EventWebhookTest:
		err = h.instanceEvent(ctx, KindWebhookTest, msg.Payload)
	case kind == domain.EventBudgetExhausted:
		err = h.budgetExhausted(ctx, msg.Payload)
	}
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		h.log.Warn("live event not built", "topic", topic, "kind", kind, "error", err)
	}
}

// ownerOf returns the owner of an instance.
func (h *Hub) ownerOf(ctx context.Context, instanceID int64) (int64, error) {
	inst, err := h.deps.Store.GetInstance(ctx, instanceID)
	if err != nil {
		return 0, err
	}
	return inst.OwnerID, nil
}
