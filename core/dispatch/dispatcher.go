package dispatch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// Store is what the dispatcher reads and records.
type Store interface {
	GetInstance(ctx context.Context, id int64) (domain.Instance, error)
	// BudgetGroup returns the instances sharing a budget with an instance,
	// itself included.
	BudgetGroup(ctx context.Context, id int64) ([]domain.Instance, error)
	// InstancesWithPendingCommands lists instances that have pending work.
	InstancesWithPendingCommands(ctx context.Context) ([]int64, error)
	// FairPendingCommands returns pending commands in sending order:
	// attempted ones first, then round robin across queues.
	FairPendingCommands(ctx context.Context, instanceID, afterQueue int64, limit int) ([]domain.PendingCommand, error)
	CountPendingCommands(ctx context.Context, instanceID int64) (int, error)
	// MarkCommandsAttempted records that a POST of commands (several
	// when sent as one arr command) begins.
	MarkCommandsAttempted(ctx context.Context, ids []int64, at time.Time) error
	// CountedCost sums what counts against the caps after since.
	CountedCost(ctx context.Context, instanceIDs []int64, since time.Time, exclude []int64) (int, error)
	// CountedSends returns what counts against the caps from since on.
	CountedSends(ctx context.Context, instanceIDs []int64, since time.Time, exclude []int64) ([]domain.CountedSend, error)
	// RecordDispatch marks commands sent and updates their items' search
	// state and cooldown in one transaction.
	RecordDispatch(ctx context.Context, recs ...domain.DispatchRecord) error
	// SentCommands returns the commands sent and not yet ended (every
	// instance's when instanceID is zero).
	SentCommands(ctx context.Context, instanceID int64) ([]domain.DispatchedCommand, error)
	// NoteCommandError records on a pending command the error its last
	// attempt met.
	NoteCommandError(ctx context.Context, id int64, msg string) error
	// EndCommand records a command's final state.
	EndCommand(ctx context.Context, id int64, status domain.CommandStatus, reason string, at time.Time) error
	// ExpirePendingCommands ends pending commands written before before.
	ExpirePendingCommands(ctx context.Context, instanceID int64, before time.Time, reason string, at time.Time) ([]domain.DispatchedCommand, error)
	// CooldownFor returns how long the items of a queue's commands rest
	// after a search.
	CooldownFor(ctx context.Context, queueID int64) (time.Duration, error)

	// AcquireDispatchLease takes or renews holder's lease of an
	// instance's sending until until, when no other holder has one live
	// at now, and reports whether holder holds it.
	AcquireDispatchLease(ctx context.Context, instanceID int64, holder string, now, until time.Time) (bool, error)
	// ReleaseDispatchLease gives up holder's lease of an instance.
	ReleaseDispatchLease(ctx context.Context, instanceID int64, holder string) error
	// PendingDispatchLeases returns the lease of each instance that has
	// pending commands (an empty holder when nobody holds it).
	PendingDispatchLeases(ctx context.Context) ([]domain.DispatchLease, error)
	// WithBudgetLock runs fn holding the lock named key across every
	// process sharing the database.
	WithBudgetLock(ctx context.Context, key string, fn func(ctx context.Context) error) error
	// SetDispatchPause and ClearDispatchPause store and lift a pause;
	// DispatchPauses returns the stored ones by instance id (one
	// instance's when instanceID is not zero).
	SetDispatchPause(ctx context.Context, instanceID int64, reason string, at time.Time) error
	ClearDispatchPause(ctx context.Context, instanceID int64) error
	DispatchPauses(ctx context.Context, instanceID int64) (map[int64]string, error)
}

// Sender talks to one instance.
type Sender interface {
	// SendCommand posts a command and returns the arr's command id.
	SendCommand(ctx context.Context, c domain.Command) (arrCommandID int64, err error)
	// CommandStatus reads one command; an *arr.Error of kind not found
	// means the arr forgot it.
	CommandStatus(ctx context.Context, arrCommandID int64) (ArrCommand, error)
	// RecentCommands lists the commands the arr holds: queued, running and
	// recently ended, with their bodies.
	RecentCommands(ctx context.Context) ([]ArrCommand, error)
	// QueueSize returns the number of records in the download queue.
	QueueSize(ctx context.Context) (int, error)
}

// ArrCommand is a command as the arr reports it.
type ArrCommand struct {
	ID int64
	// Command holds the name and ids of the command's body.
	Command domain.Command
	// Status is queued, started, completed, failed, aborted, cancelled or
	// orphaned; Result is unknown, successful or unsuccessful.
	Status  string
	Result  string
	Message string
	Queued  time.Time
}

// Done reports whether the command has stopped.
func (c ArrCommand) Done() bool {
	switch c.Status {
	case "completed", "failed", "aborted", "cancelled", "orphaned":
		return true
	}
	return false
}

// Succeeded reports whether the command completed successfully.
func (c ArrCommand) Succeeded() bool { return c.Status == "completed" && c.Result != "unsuccessful" }

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

// Metrics receives what the dispatcher measures. *metrics.Metrics
// implements it.
type Metrics interface {
	// CommandSent counts a command the arr accepted and its cost in
	// indexer searches.
	CommandSent(instanceID int64, strategy, command string, cost int)
	// RateLimitWaited records a command's wait for a token.
	RateLimitWaited(instanceID int64, d time.Duration)
}

// Deps are the dispatcher's collaborators.
type Deps struct {
	Store     Store
	Connector Connector
	Publisher Publisher
	Runs      RunTracker
	// Metrics, when set, is told of every command sent.
	Metrics Metrics
	Logger  *slog.Logger
	// Now is the clock of the rolling windows, expiries and recorded
	// times; nil means time.Now. The token bucket runs on the wall clock.
	Now func() time.Time
}

// Config tunes the dispatcher. Zero fields take the defaults below.
type Config struct {
	// DefaultRate (0.5/s) and DefaultBurst (1) apply to instances that
	// set none.
	DefaultRate  float64
	DefaultBurst int
	// DefaultMaxInFlight (3) applies to instances that set no
	// max_in_flight.
	DefaultMaxInFlight int
	// DefaultCooldown (24h) applies when a queue sets none.
	DefaultCooldown time.Duration
	// BatchSize (50) is how many pending commands a worker reads at once.
	BatchSize int
	// RetryDelay (5s) is the first wait after an error that may pass;
	// each further error doubles it up to MaxRetryDelay (5m). A 429's
	// Retry-After wins when longer.
	RetryDelay    time.Duration
	MaxRetryDelay time.Duration
	// InFlightTimeout (30m) is how long a sent command is followed before
	// it is recorded as expired.
	InFlightTimeout time.Duration
	// FastPollInterval (250ms) is how soon commands in flight are read
	// after a send; while none ends the wait doubles up to PollInterval
	// (5s). Each read is one request for the arr's command list, whatever
	// the number of commands in flight.
	FastPollInterval time.Duration
	PollInterval     time.Duration
	// QueueCheckInterval (15s) is how often the download queue is read,
	// while dispatching and while gated.
	QueueCheckInterval time.Duration
	// PendingExpiry (24h): pending commands older than this are recorded
	// as expired with the reason they waited.
	PendingExpiry time.Duration
	// HoldCheckInterval (1m) bounds any wait (a cap, a pause) before the
	// worker looks again, so a changed setting or clock is noticed.
	HoldCheckInterval time.Duration
	// BreakerFailures (5) consecutive connection failures, timeouts or 5xx
	// open an instance's circuit breaker for BreakerOpenFor (1m); then one
	// probe is let through, and its success closes the breaker.
	BreakerFailures uint32
	BreakerOpenFor  time.Duration
	// ReconcileWindow (15m): an attempted command is matched with arr
	// commands queued from this long before its attempt on.
	ReconcileWindow time.Duration
	// LeaseDuration (30s) is how long a dispatcher's lease of an
	// instance lasts in the database; only the holder sends for the
	// instance, so replicas sharing a database never both do. The holder
	// renews it every LeaseRenewInterval (10s, below LeaseDuration), and
	// counts it as held until one renew interval before it ends. A
	// replica that stops releases its leases; one that dies leaves them
	// to expire.
	LeaseDuration      time.Duration
	LeaseRenewInterval time.Duration
	// Holder names this dispatcher in the leases; empty means host,
	// process id and a random part. A name that stays the same across
	// restarts (and differs between replicas) lets a process that died
	// take its leases back at once instead of after they expire.
	Holder string
}

func (c *Config) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.DefaultRate <= 0 {
		c.DefaultRate = 0.5
	}
	if c.DefaultBurst <= 0 {
		c.DefaultBurst = 1
	}
	if c.DefaultMaxInFlight <= 0 {
		c.DefaultMaxInFlight = 3
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 50
	}
	if c.BreakerFailures == 0 {
		c.BreakerFailures = 5
	}
	def(&c.DefaultCooldown, 24*time.Hour)
	def(&c.RetryDelay, 5*time.Second)
	def(&c.MaxRetryDelay, 5*time.Minute)
	def(&c.InFlightTimeout, 30*time.Minute)
	def(&c.PollInterval, 5*time.Second)
	def(&c.FastPollInterval, 250*time.Millisecond)
	if c.FastPollInterval > c.PollInterval {
		c.FastPollInterval = c.PollInterval
	}
	def(&c.QueueCheckInterval, 15*time.Second)
	def(&c.PendingExpiry, 24*time.Hour)
	def(&c.HoldCheckInterval, time.Minute)
	def(&c.BreakerOpenFor, time.Minute)
	def(&c.ReconcileWindow, 15*time.Minute)
	def(&c.LeaseDuration, 30*time.Second)
	def(&c.LeaseRenewInterval, 10*time.Second)
	if c.LeaseRenewInterval >= c.LeaseDuration {
		c.LeaseRenewInterval = c.LeaseDuration / 3
	}
	if c.MaxRetryDelay < c.RetryDelay {
		c.MaxRetryDelay = c.RetryDelay
	}
}

// Dispatcher sends pending commands, one worker per instance.
type Dispatcher struct {
	deps Deps
	cfg  Config
	log  *slog.Logger
	// holder names this dispatcher in the leases of the database.
	holder string

	mu        sync.Mutex
	ctx       context.Context
	cancel    context.CancelFunc
	instances map[int64]*instance
	groups    map[string]*sync.Mutex
	wg        sync.WaitGroup
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
		deps:      deps,
		cfg:       cfg,
		holder:    cmp.Or(cfg.Holder, newHolder()),
		log:       deps.Logger.With("component", "dispatch"),
		instances: map[int64]*instance{},
		groups:    map[string]*sync.Mutex{},
	}, nil
}

func (d *Dispatcher) now() time.Time { return d.deps.Now().UTC() }

// Start begins dispatching: it restores the stored pauses, follows the
// commands an earlier process sent and did not see end, and sends (after
// reconciling those whose POST may have happened) whatever was left
// pending. Workers stop when ctx ends or Stop is called.
func (d *Dispatcher) Start(ctx context.Context) error {
	d.mu.Lock()
	d.ctx, d.cancel = context.WithCancel(ctx)
	d.mu.Unlock()
	pauses, err := d.deps.Store.DispatchPauses(ctx, 0)
	if err != nil {
		return fmt.Errorf("dispatch: unable to read the paused instances: %w", err)
	}
	for id, reason := range pauses {
		in := d.instance(id)
		in.mu.Lock()
		in.paused, in.pauseReason = true, reason
		in.mu.Unlock()
	}
	sent, err := d.deps.Store.SentCommands(ctx, 0)
	if err != nil {
		return fmt.Errorf("dispatch: unable to find commands in flight: %w", err)
	}
	for _, c := range sent {
		d.instance(c.InstanceID).adopt(c)
	}
	ids, err := d.deps.Store.InstancesWithPendingCommands(ctx)
	if err != nil {
		return fmt.Errorf("dispatch: unable to find pending commands: %w", err)
	}
	for _, id := range ids {
		d.Wake(id)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, in := range d.instances {
		in.startTrackerLocked()
	}
	d.goLocked(d.watchTakeover)
	return nil
}

// Wake tells the dispatcher that an instance has pending commands.
func (d *Dispatcher) Wake(instanceID int64) {
	in := d.instance(instanceID)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx == nil || d.ctx.Err() != nil {
		return
	}
	if in.working {
		in.poke()
		return
	}
	in.working = true
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		in.run(d.ctx)
	}()
}

// Pause holds back every send to an instance until Resume, with a reason
// shown in its budget status (for example the failing indexers a Health
// webhook reported). The pause is stored, so it outlives a restart and
// holds on every replica sharing the database. Commands keep waiting;
// those that wait longer than the pending expiry are recorded as expired
// with the reason.
func (d *Dispatcher) Pause(instanceID int64, reason string) {
	in := d.instance(instanceID)
	// Stored first, so a worker reading the stored pause meanwhile never
	// lifts it.
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	defer cancel()
	if err := d.deps.Store.SetDispatchPause(ctx, instanceID, reason, d.now()); err != nil {
		d.log.Error("dispatch pause not stored: it lasts until this process stops", "instance_id", instanceID, "error", err)
	}
	in.mu.Lock()
	in.paused, in.pauseReason = true, reason
	in.mu.Unlock()
	d.log.Info("dispatch paused", "instance_id", instanceID, "reason", reason)
}

// Resume lifts a Pause and wakes the instance's worker.
func (d *Dispatcher) Resume(instanceID int64) {
	in := d.instance(instanceID)
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	defer cancel()
	if err := d.deps.Store.ClearDispatchPause(ctx, instanceID); err != nil {
		d.log.Error("dispatch pause not lifted in the database", "instance_id", instanceID, "error", err)
	}
	in.mu.Lock()
	was := in.paused
	in.paused, in.pauseReason = false, ""
	in.mu.Unlock()
	if was {
		d.log.Info("dispatch resumed", "instance_id", instanceID)
	}
	in.poke()
	d.Wake(instanceID)
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

// instance returns the state of an instance, kept across workers so an
// idle worker restarting does not get a fresh burst it had already spent,
// nor forget its commands in flight.
func (d *Dispatcher) instance(id int64) *instance {
	d.mu.Lock()
	defer d.mu.Unlock()
	in, ok := d.instances[id]
	if !ok {
		in = newInstance(d, id)
		d.instances[id] = in
	}
	return in
}

// groupLock returns the lock that serialises cap checks of a budget group,
// so two workers never both take the last search of a shared budget.
func (d *Dispatcher) groupLock(inst domain.Instance) (*sync.Mutex, string) {
	key := budgetKey(inst)
	d.mu.Lock()
	defer d.mu.Unlock()
	l, ok := d.groups[key]
	if !ok {
		l = &sync.Mutex{}
		d.groups[key] = l
	}
	return l, key
}

// budgetKey names the budget an instance draws on: its group's, or its
// own.
func budgetKey(inst domain.Instance) string {
	if inst.BudgetGroup != "" {
		return fmt.Sprintf("budget g%d/%s", inst.OwnerID, inst.BudgetGroup)
	}
	return fmt.Sprintf("budget i%d", inst.ID)
}

// retire ends a worker that found nothing to do, unless it was woken in
// the meantime.
func (d *Dispatcher) retire(in *instance) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	select {
	case <-in.wake:
		return false
	default:
	}
	in.working = false
	return true
}

// goTrack runs fn as a tracked goroutine unless the dispatcher stopped.
// The caller holds d.mu.
func (d *Dispatcher) goLocked(fn func(ctx context.Context)) bool {
	if d.ctx == nil || d.ctx.Err() != nil {
		return false
	}
	ctx := d.ctx
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		fn(ctx)
	}()
	return true
}
