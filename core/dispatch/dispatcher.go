package dispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/vibequality/searcharr/core/domain"
)

// Store is what the dispatcher reads and records.
type Store interface {
	GetInstance(ctx context.Context, id int64) (domain.Instance, error)
	// PendingCommands returns an instance's pending commands, oldest first.
	PendingCommands(ctx context.Context, instanceID int64, limit int) ([]domain.DispatchedCommand, error)
	// InstancesWithPendingCommands lists instances that have pending work.
	InstancesWithPendingCommands(ctx context.Context) ([]int64, error)
	// RecordDispatch marks a command sent and updates its items' search
	// state and cooldown in one transaction.
	RecordDispatch(ctx context.Context, rec domain.DispatchRecord) error
	// FailCommand ends a command that could not be sent.
	FailCommand(ctx context.Context, id int64, reason string) error
	// CooldownFor returns how long the items of a queue's commands rest
	// after a search.
	CooldownFor(ctx context.Context, queueID int64) (time.Duration, error)
}

// Sender posts commands to one instance.
type Sender interface {
	SendCommand(ctx context.Context, c domain.Command) (arrCommandID int64, err error)
}

// Connector opens a Sender for an instance, with its stored credentials.
type Connector interface {
	Connect(ctx context.Context, instanceID int64) (Sender, error)
}

// Publisher publishes events.
type Publisher interface {
	Publish(ctx context.Context, topic domain.Topic, kind domain.EventKind, payload any) error
}

// RunTracker is told when a run's command has been handled, so the run can
// finish once its last command is.
type RunTracker interface {
	CommandHandled(ctx context.Context, runID int64) error
}

// Deps are the dispatcher's collaborators.
type Deps struct {
	Store     Store
	Connector Connector
	Publisher Publisher
	Runs      RunTracker
	Logger    *slog.Logger
	Now       func() time.Time
}

// Config tunes the dispatcher.
type Config struct {
	// DefaultRate and DefaultBurst apply to instances that set none.
	DefaultRate  float64
	DefaultBurst int
	// DefaultCooldown applies when a queue sets none.
	DefaultCooldown time.Duration
	// BatchSize is how many pending commands a worker reads at once.
	BatchSize int
	// RetryDelay is how long a worker waits after an error that may pass
	// (the instance unreachable) before it tries again.
	RetryDelay time.Duration
}

func (c *Config) setDefaults() {
	if c.DefaultRate <= 0 {
		c.DefaultRate = 0.5
	}
	if c.DefaultBurst <= 0 {
		c.DefaultBurst = 1
	}
	if c.DefaultCooldown <= 0 {
		c.DefaultCooldown = 24 * time.Hour
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 50
	}
	if c.RetryDelay <= 0 {
		c.RetryDelay = 5 * time.Second
	}
}

// Dispatcher sends pending commands, one worker per instance.
type Dispatcher struct {
	deps Deps
	cfg  Config
	log  *slog.Logger

	mu       sync.Mutex
	ctx      context.Context
	cancel   context.CancelFunc
	workers  map[int64]*worker
	limiters map[int64]*rate.Limiter
	wg       sync.WaitGroup
}

// New returns a dispatcher; call Start to begin sending.
func New(deps Deps, cfg Config) (*Dispatcher, error) {
	if deps.Store == nil || deps.Connector == nil {
		return nil, errors.New("dispatch: a store and a connector are required")
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	cfg.setDefaults()
	return &Dispatcher{
		deps:     deps,
		cfg:      cfg,
		log:      deps.Logger.With("component", "dispatch"),
		workers:  map[int64]*worker{},
		limiters: map[int64]*rate.Limiter{},
	}, nil
}

// Start begins dispatching and sends whatever was left pending by an
// earlier process. Workers stop when ctx ends; Wait waits for them.
func (d *Dispatcher) Start(ctx context.Context) error {
	d.mu.Lock()
	d.ctx, d.cancel = context.WithCancel(ctx)
	d.mu.Unlock()
	ids, err := d.deps.Store.InstancesWithPendingCommands(ctx)
	if err != nil {
		return fmt.Errorf("dispatch: unable to find pending commands: %w", err)
	}
	for _, id := range ids {
		d.Wake(id)
	}
	return nil
}

// Wake tells the dispatcher that an instance has pending commands.
func (d *Dispatcher) Wake(instanceID int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx == nil || d.ctx.Err() != nil {
		return
	}
	if w, ok := d.workers[instanceID]; ok {
		w.poke()
		return
	}
	w := &worker{d: d, instanceID: instanceID, wake: make(chan struct{}, 1)}
	d.workers[instanceID] = w
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		w.run(d.ctx)
	}()
}

// Stop stops taking commands: each worker finishes the command it is
// sending, records it, and stops; what is still pending stays pending for
// the next start. Stop waits for the workers until ctx ends.
func (d *Dispatcher) Stop(ctx context.Context) error {
	d.mu.Lock()
	if d.cancel != nil {
		d.cancel()
	}
	d.mu.Unlock()
	done := make(chan struct{})
	go func() {
		d.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("dispatch: workers still busy at shutdown: %w", ctx.Err())
	}
}

// limiter returns the instance's token bucket, kept across workers so an
// idle worker restarting does not get a fresh burst it had already spent.
func (d *Dispatcher) limiter(inst domain.Instance) *rate.Limiter {
	r, burst := inst.RatePerSecond, inst.Burst
	if r <= 0 {
		r = d.cfg.DefaultRate
	}
	if burst <= 0 {
		burst = d.cfg.DefaultBurst
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	l, ok := d.limiters[inst.ID]
	if !ok {
		l = rate.NewLimiter(rate.Limit(r), burst)
		d.limiters[inst.ID] = l
		return l
	}
	if l.Limit() != rate.Limit(r) {
		l.SetLimit(rate.Limit(r))
	}
	if l.Burst() != burst {
		l.SetBurst(burst)
	}
	return l
}

// retire removes a worker that found nothing to do, unless it was woken in
// the meantime.
func (d *Dispatcher) retire(w *worker) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	select {
	case <-w.wake:
		return false
	default:
	}
	delete(d.workers, w.instanceID)
	return true
}
