package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/vibequality/searcharr/core/bus"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/outbound"
)

// Sinks stores notification sinks. *store.NotificationSinks implements it.
type Sinks interface {
	Create(ctx context.Context, sink domain.NotificationSink, target domain.NotificationTarget) (domain.NotificationSink, error)
	Get(ctx context.Context, id int64) (domain.NotificationSink, error)
	ListByOwner(ctx context.Context, ownerID int64) ([]domain.NotificationSink, error)
	Subscribed(ctx context.Context, ownerID int64, kind domain.EventKind) ([]domain.NotificationSink, error)
	Update(ctx context.Context, sink domain.NotificationSink) (domain.NotificationSink, error)
	SetTarget(ctx context.Context, id int64, target domain.NotificationTarget) error
	Target(ctx context.Context, id int64) (domain.NotificationTarget, error)
	RecordDelivery(ctx context.Context, id int64, d domain.NotificationDelivery) error
	Delete(ctx context.Context, id int64) error
}

// Instances finds the owner of an event's instance. *store.Instances
// implements it.
type Instances interface {
	Get(ctx context.Context, id int64) (domain.Instance, error)
}

// Deps are the notifier's collaborators; Sinks and Instances are required.
type Deps struct {
	Sinks     Sinks
	Instances Instances
	// Metrics, when set, counts every delivery attempt.
	Metrics Metrics
	// Logger nil means slog.Default().
	Logger *slog.Logger
	// Now nil means time.Now.
	Now func() time.Time
	// Outbound makes every connection to a sink and holds the address
	// policy. nil means the dialer outbound.InstallDefault installed, or
	// one with the default policy.
	Outbound *outbound.Dialer
}

// Metrics receives what the notifier counts. *metrics.Metrics implements
// it.
type Metrics interface {
	// NotificationAttempted counts one delivery attempt to a sink of the
	// given kind and its error, if any.
	NotificationAttempted(sink string, err error)
}

// Config tunes delivery. Zero fields take the defaults in setDefaults.
type Config struct {
	// InboxSize bounds the events accepted but not yet routed to sinks;
	// past it events are dropped (and logged), never waited for.
	InboxSize int
	// QueueSize bounds each sink's waiting messages; past it messages are
	// counted into the sink's next summary.
	QueueSize int
	// Attempts is how many times a message is tried (first try included).
	Attempts int
	// Backoff is the wait after the first failed attempt, doubling up to
	// MaxBackoff.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// AttemptTimeout bounds one attempt.
	AttemptTimeout time.Duration
	// RatePerMinute is a sink's limit when it sets none.
	RatePerMinute int
	// RateWindow is the span RatePerMinute counts over: a minute, shorter
	// in tests.
	RateWindow time.Duration
	// IdleTimeout ends a sink's worker after that long without messages.
	IdleTimeout time.Duration
	// TemplateTimeout and TemplateMaxBytes bound a custom payload
	// template's execution and output.
	TemplateTimeout  time.Duration
	TemplateMaxBytes int
}

func (c *Config) setDefaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defd := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.InboxSize, 1024)
	def(&c.QueueSize, 64)
	def(&c.Attempts, 4)
	defd(&c.Backoff, 2*time.Second)
	defd(&c.MaxBackoff, time.Minute)
	defd(&c.AttemptTimeout, 10*time.Second)
	def(&c.RatePerMinute, 10)
	defd(&c.RateWindow, time.Minute)
	defd(&c.IdleTimeout, 5*time.Minute)
	defd(&c.TemplateTimeout, time.Second)
	def(&c.TemplateMaxBytes, 64<<10)
}

// inbound is an event accepted from the bus.
type inbound struct {
	kind    domain.EventKind
	payload []byte
}

// Notifier delivers events to users' notification sinks. The bus handler
// only enqueues: routing to sinks and delivery happen on the notifier's
// own goroutines, one per sink with pending messages, so a slow or failing
// sink delays nothing but itself.
type Notifier struct {
	deps Deps
	cfg  Config
	log  *slog.Logger
	http *http.Client

	inbox chan inbound

	mu      sync.Mutex
	workers map[int64]*worker
	// sending marks the shoutrrr sinks with a send in progress.
	sending map[int64]bool
	started bool
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// New builds a Notifier.
func New(deps Deps, cfg Config) (*Notifier, error) {
	if deps.Sinks == nil || deps.Instances == nil {
		return nil, errors.New("notify: the notifier needs Sinks and Instances")
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	cfg.setDefaults()
	n := &Notifier{deps: deps, cfg: cfg, log: deps.Logger.With("component", "notify"),
		inbox: make(chan inbound, cfg.InboxSize), workers: map[int64]*worker{}, sending: map[int64]bool{}}
	if deps.Outbound == nil {
		deps.Outbound = outbound.Installed()
	}
	if deps.Outbound == nil {
		deps.Outbound = outbound.NewDialer(outbound.Policy{}, nil)
	}
	n.deps.Outbound = deps.Outbound
	n.http = newHTTPClient(deps.Outbound)
	return n, nil
}

// Register subscribes the notifier to domain.TopicNotifications. Call it
// before the bus runs.
func (n *Notifier) Register(b *bus.Bus) {
	b.Handle("notify.events", domain.TopicNotifications, n.handleMessage)
}

func (n *Notifier) handleMessage(_ context.Context, msg *message.Message) error {
	n.Accept(domain.EventKind(msg.Metadata.Get(domain.MetaEventKind)), msg.Payload)
	return nil
}

// Accept enqueues one event without waiting: it reports false when the
// event was dropped because the inbox is full.
func (n *Notifier) Accept(kind domain.EventKind, payload []byte) bool {
	select {
	case n.inbox <- inbound{kind: kind, payload: append([]byte(nil), payload...)}:
		return true
	default:
		n.log.Warn("notification inbox full: event dropped", "kind", kind)
		return false
	}
}

// Start routes accepted events to sinks until Stop.
func (n *Notifier) Start(ctx context.Context) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.started {
		return errors.New("notify: already started")
	}
	n.started = true
	n.ctx, n.cancel = context.WithCancel(context.WithoutCancel(ctx))
	n.wg.Add(1)
	go n.route()
	return nil
}

// Stop ends routing and delivery: attempts in progress are cancelled and
// messages still waiting are dropped. It returns when every goroutine has
// ended or ctx ends.
func (n *Notifier) Stop(ctx context.Context) error {
	n.mu.Lock()
	if !n.started || n.cancel == nil {
		n.mu.Unlock()
		return nil
	}
	n.cancel()
	n.mu.Unlock()
	done := make(chan struct{})
	go func() { n.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("notify: stop: %w", ctx.Err())
	}
}

// route turns inbox events into messages for each subscribed sink.
func (n *Notifier) route() {
	defer n.wg.Done()
	for {
		select {
		case <-n.ctx.Done():
			return
		case in := <-n.inbox:
			n.routeOne(in)
		}
	}
}

func (n *Notifier) routeOne(in inbound) {
	m, err := buildMessage(in.kind, in.payload)
	if errors.Is(err, errUnknownKind) {
		return
	}
	if err != nil {
		n.log.Warn("dropping an undecodable notification event", "kind", in.kind, "err", err)
		return
	}
	ctx, cancel := context.WithTimeout(n.ctx, 10*time.Second)
	defer cancel()
	if m.OwnerID == 0 && m.InstanceID != 0 {
		inst, err := n.deps.Instances.Get(ctx, m.InstanceID)
		if err != nil {
			n.log.Warn("notification for an unknown instance dropped", "kind", m.Kind, "instance_id", m.InstanceID, "err", err)
			return
		}
		m.OwnerID = inst.OwnerID
	}
	if m.OwnerID == 0 {
		return
	}
	if m.At.IsZero() {
		m.At = n.deps.Now().UTC()
	}
	m.ID = watermill.NewUUID()
	sinks, err := n.deps.Sinks.Subscribed(ctx, m.OwnerID, m.Kind)
	if err != nil {
		n.log.Error("unable to list notification sinks", "owner_id", m.OwnerID, "err", err)
		return
	}
	for _, s := range sinks {
		n.enqueue(s.ID, m)
	}
}
