package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/vibequality/searcharr/core/bus"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/sdk"
)

// Store is what the engine reads and records.
type Store interface {
	GetQueue(ctx context.Context, id int64) (domain.Queue, error)
	ListQueuesByInstance(ctx context.Context, instanceID int64) ([]domain.Queue, error)
	GetInstance(ctx context.Context, id int64) (domain.Instance, error)

	CreateRun(ctx context.Context, run domain.Run) (domain.Run, error)
	GetRun(ctx context.Context, id int64) (domain.Run, error)
	// FindRunByCorrelation returns the run of a queue carrying a
	// correlation id, domain.ErrNotFound when none does.
	FindRunByCorrelation(ctx context.Context, queueID int64, correlationID string) (domain.Run, error)
	// OpenRuns returns the runs that have not ended, dry runs aside.
	OpenRuns(ctx context.Context) ([]domain.Run, error)
	StartRun(ctx context.Context, id int64) error
	// AddRunCounts adds delta to a run's counters.
	AddRunCounts(ctx context.Context, id int64, delta domain.RunCounts) error
	FinishRun(ctx context.Context, id int64, status domain.RunStatus, errMsg string) error
	// FinishRunWithCounts ends a run with its sent counters up to date,
	// in one step; it fails with domain.ErrConflict when the run already
	// ended.
	FinishRunWithCounts(ctx context.Context, id int64, status domain.RunStatus, errMsg string) error
	// CountRunSent brings a run's sent counters up to date.
	CountRunSent(ctx context.Context, id int64) error
	AddRunItems(ctx context.Context, runID int64, items []domain.RunItem) error
	// RecordPlan writes a run's decisions, commands and counts in one
	// transaction and marks it planned.
	RecordPlan(ctx context.Context, runID int64, items []domain.RunItem, cmds []domain.DispatchedCommand, counts domain.RunCounts) error

	// ClaimRun gives a run its queue's lease for this process; it fails
	// with domain.ErrBusy while another run or a live process holds it.
	ClaimRun(ctx context.Context, queueID, runID int64, c domain.RunClaim) error
	ReleaseRun(ctx context.Context, queueID, runID int64, res domain.QueueRunResult) error
	// WithPlanningLock runs fn while no other run of the instance plans.
	WithPlanningLock(ctx context.Context, instanceID int64, fn func(ctx context.Context) error) error

	// RunCommandStats counts a run's commands: still pending, sent, failed,
	// and the indexer searches of those sent.
	RunCommandStats(ctx context.Context, runID int64) (domain.RunCommandStats, error)
	GetItemStates(ctx context.Context, instanceID int64, keys []domain.ItemKey) (map[domain.ItemKey]domain.ItemState, error)
	// SearchHistory returns when commands searching each item were sent,
	// by any queue of the instance (queueID zero) or by one queue.
	SearchHistory(ctx context.Context, instanceID, queueID int64, keys []domain.ItemKey) (map[domain.ItemKey][]time.Time, error)
	// PendingItems returns the items of commands still waiting to be sent.
	PendingItems(ctx context.Context, instanceID int64) (map[domain.ItemKey]bool, error)
	ActiveExclusions(ctx context.Context, instanceID int64, now time.Time) ([]domain.Exclusion, error)
	ListRunItems(ctx context.Context, runID int64) ([]domain.RunItem, error)
}

// Planner runs strategy plugins.
type Planner interface {
	Plan(ctx context.Context, strategy string, req sdk.PlanRequest) (sdk.Plan, error)
}

// Libraries opens the read-only Library of an instance for one run.
type Libraries interface {
	Library(ctx context.Context, inst domain.Instance) (sdk.Library, error)
}

// Waker wakes the dispatcher of an instance.
type Waker interface {
	Wake(instanceID int64)
}

// Deps are the engine's collaborators.
type Deps struct {
	Store     Store
	Planner   Planner
	Libraries Libraries
	Waker     Waker
	// Publisher, when set, receives a notification when a run ends.
	Publisher Publisher
	// Metrics, when set, is told of every run that ends.
	Metrics Metrics
	Logger  *slog.Logger
	Now     func() time.Time
}

// Metrics receives what the engine measures. *metrics.Metrics implements
// it.
type Metrics interface {
	// RunEnded records a run that ended with status d after it started.
	RunEnded(strategy, status string, d time.Duration)
}

// Publisher publishes events on the bus.
type Publisher interface {
	Publish(ctx context.Context, topic domain.Topic, kind domain.EventKind, payload any) error
}

// Config tunes the engine.
type Config struct {
	// Lease is how long a run owns its queue before any process may take
	// it over (a crashed replica leaves its lease to expire).
	Lease time.Duration
	// Holder names this installation to the queue leases, stable across
	// restarts: a process restarted under the same name takes back at
	// once the runs its earlier start left.
	Holder string
	// Exclusive says this process is the only one using the database
	// (SQLite): the runs of any earlier process are taken back at start.
	Exclusive bool
	// RecoverInterval is how often open runs no process executes are
	// looked for (and this process's leases renewed); default 1 min.
	RecoverInterval time.Duration
	// BookkeepingTimeout bounds the writes that end a run after a
	// failure, which get a context of their own; default 30 s.
	BookkeepingTimeout time.Duration
	// DefaultBudget is the items (and indexer searches) a run may send
	// when its queue sets no MaxItemsPerRun.
	DefaultBudget int
	// DefaultCooldown applies when a queue sets no CooldownHours.
	DefaultCooldown time.Duration
	// DeactivateAfter deactivates a queue after this many consecutive
	// failed runs; zero never does.
	DeactivateAfter int
}

func (c *Config) setDefaults() {
	if c.Lease <= 0 {
		c.Lease = domain.DefaultRunLease
	}
	if c.Holder == "" {
		c.Holder = "searcharr"
	}
	if c.RecoverInterval <= 0 {
		c.RecoverInterval = time.Minute
	}
	if c.BookkeepingTimeout <= 0 {
		c.BookkeepingTimeout = 30 * time.Second
	}
	if c.DefaultBudget <= 0 {
		c.DefaultBudget = 20
	}
	if c.DefaultCooldown <= 0 {
		c.DefaultCooldown = 24 * time.Hour
	}
	if c.DeactivateAfter == 0 {
		c.DeactivateAfter = 5
	}
}

// Engine handles triggers.
type Engine struct {
	deps Deps
	cfg  Config
	log  *slog.Logger

	// boot names this process start in the leases it takes.
	boot string
	// base is the context of runs executed in the background; Stop
	// cancels it.
	base context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu sync.Mutex
	// active holds the runs this process executes now: one owner each.
	active map[int64]bool
}

// New returns an engine.
func New(deps Deps, cfg Config) (*Engine, error) {
	if deps.Store == nil || deps.Planner == nil || deps.Libraries == nil || deps.Waker == nil {
		return nil, errors.New("engine: store, planner, libraries and waker are required")
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	cfg.setDefaults()
	base, stop := context.WithCancel(context.Background())
	return &Engine{
		deps: deps, cfg: cfg, log: deps.Logger.With("component", "engine"),
		boot: newBoot(), base: base, stop: stop, active: map[int64]bool{},
	}, nil
}

// Register subscribes the engine to the triggers topic.
func (e *Engine) Register(b *bus.Bus) {
	b.Handle("engine.triggers", domain.TopicTriggers, e.handleMessage)
}

// handleMessage takes a trigger off the bus: the runs it concerns are
// found or opened in the database, and executed in the background, so the
// message is acknowledged at once and a long plan is governed by its own
// timeout, not by the bus's. What survives a crash from then on is in the
// database: Recover picks it up.
func (e *Engine) handleMessage(ctx context.Context, msg *message.Message) error {
	ev, err := bus.Decode[domain.TriggerEvent](msg)
	if err != nil {
		// A payload that cannot be decoded never will be: do not retry it.
		e.log.ErrorContext(ctx, "trigger dropped", "error", err)
		return nil
	}
	return e.accept(ctx, ev, true)
}

// HandleTrigger runs every queue the trigger concerns and returns once
// their plans are written (or the runs ended). Errors returned are
// infrastructure errors worth retrying; a run that fails is recorded and
// does not return an error.
func (e *Engine) HandleTrigger(ctx context.Context, ev domain.TriggerEvent) error {
	return e.accept(ctx, ev, false)
}

func (e *Engine) accept(ctx context.Context, ev domain.TriggerEvent, background bool) error {
	queues, err := e.queuesFor(ctx, ev)
	if err != nil {
		return err
	}
	for _, q := range queues {
		run, err := e.runFor(ctx, ev, q)
		if err != nil {
			return err
		}
		if run.Status.Finished() {
			e.log.InfoContext(ctx, "trigger for a run that already ended", "queue_id", q.ID, "run_id", run.ID)
			continue
		}
		if background {
			e.launch(domain.CorrelationID(ctx), run, q, ev)
			continue
		}
		if err := e.execute(ctx, run, q, ev); err != nil {
			return err
		}
	}
	return nil
}

// runFor returns the run a trigger stands for: the one its source opened,
// the one an earlier delivery of the same trigger opened, or a new one.
func (e *Engine) runFor(ctx context.Context, ev domain.TriggerEvent, q domain.Queue) (domain.Run, error) {
	st := e.deps.Store
	if ev.RunID != 0 && ev.QueueID != 0 {
		run, err := st.GetRun(ctx, ev.RunID)
		if err != nil {
			return domain.Run{}, fmt.Errorf("engine: unable to load run %d: %w", ev.RunID, err)
		}
		return run, nil
	}
	cid := domain.CorrelationID(ctx)
	if cid != "" && !ev.DryRun {
		run, err := st.FindRunByCorrelation(ctx, q.ID, cid)
		if err == nil {
			return run, nil
		}
		if !errors.Is(err, domain.ErrNotFound) {
			return domain.Run{}, fmt.Errorf("engine: unable to look up the run of queue %d: %w", q.ID, err)
		}
	}
	origin := ev
	origin.RunID = 0
	run, err := st.CreateRun(ctx, domain.Run{
		QueueID: q.ID, QueueName: q.Name, InstanceID: q.InstanceID, Strategy: q.Strategy,
		Trigger: ev.Kind, CorrelationID: cid, DryRun: ev.DryRun, Origin: &origin,
		Status: domain.RunPending, CreatedAt: e.deps.Now().UTC(),
	})
	if err != nil {
		return domain.Run{}, fmt.Errorf("engine: unable to open a run for queue %d: %w", q.ID, err)
	}
	return run, nil
}

func (e *Engine) queuesFor(ctx context.Context, ev domain.TriggerEvent) ([]domain.Queue, error) {
	if ev.QueueID != 0 {
		q, err := e.deps.Store.GetQueue(ctx, ev.QueueID)
		if errors.Is(err, domain.ErrNotFound) {
			e.log.WarnContext(ctx, "trigger for a queue that no longer exists", "queue_id", ev.QueueID)
			if ev.RunID != 0 {
				return nil, e.abandon(ctx, ev.RunID, "queue no longer exists")
			}
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("engine: unable to load queue %d: %w", ev.QueueID, err)
		}
		return []domain.Queue{q}, nil
	}
	if ev.InstanceID == 0 {
		return nil, nil
	}
	all, err := e.deps.Store.ListQueuesByInstance(ctx, ev.InstanceID)
	if err != nil {
		return nil, fmt.Errorf("engine: unable to list queues of instance %d: %w", ev.InstanceID, err)
	}
	var active []domain.Queue
	for _, q := range all {
		if q.IsActive {
			active = append(active, q)
		}
	}
	return active, nil
}

// abandon ends a run that never held its queue.
func (e *Engine) abandon(ctx context.Context, runID int64, msg string) error {
	err := e.deps.Store.FinishRunWithCounts(ctx, runID, domain.RunFailed, msg)
	if err != nil && !errors.Is(err, domain.ErrConflict) {
		return fmt.Errorf("engine: unable to finish run %d: %w", runID, err)
	}
	return nil
}
