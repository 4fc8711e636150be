package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	StartRun(ctx context.Context, id int64) error
	// AddRunCounts adds delta to a run's counters.
	AddRunCounts(ctx context.Context, id int64, delta domain.RunCounts) error
	FinishRun(ctx context.Context, id int64, status domain.RunStatus, errMsg string) error
	// FinishRunWithCounts ends a run and adds delta to its counters in one
	// step; it fails with domain.ErrConflict when the run already ended.
	FinishRunWithCounts(ctx context.Context, id int64, status domain.RunStatus, errMsg string, delta domain.RunCounts) error
	AddRunItems(ctx context.Context, runID int64, items []domain.RunItem) error

	AcquireRun(ctx context.Context, queueID, runID int64, leaseUntil time.Time) error
	ReleaseRun(ctx context.Context, queueID, runID int64, res domain.QueueRunResult) error

	InsertPendingCommand(ctx context.Context, cmd domain.DispatchedCommand) (domain.DispatchedCommand, error)
	// RunCommandStats counts a run's commands: still pending, sent, failed,
	// and the indexer searches of those sent.
	RunCommandStats(ctx context.Context, runID int64) (domain.RunCommandStats, error)
	GetItemStates(ctx context.Context, instanceID int64, keys []domain.ItemKey) (map[domain.ItemKey]domain.ItemState, error)
	// SearchHistory returns when commands searching each item were sent,
	// by any queue of the instance (queueID zero) or by one queue.
	SearchHistory(ctx context.Context, instanceID, queueID int64, keys []domain.ItemKey) (map[domain.ItemKey][]time.Time, error)
	// PendingItems returns the items of commands still waiting to be sent.
	PendingItems(ctx context.Context, instanceID int64) (map[domain.ItemKey]bool, error)
	// RunSearchedItems counts the distinct items of a run's sent commands.
	RunSearchedItems(ctx context.Context, runID int64) (int, error)
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
	// Lease is how long a run owns its queue before another may take it
	// over (a crashed process leaves its lease to expire).
	Lease time.Duration
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
		c.Lease = 6 * time.Hour
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
	return &Engine{deps: deps, cfg: cfg, log: deps.Logger.With("component", "engine")}, nil
}

// Register subscribes the engine to the triggers topic.
func (e *Engine) Register(b *bus.Bus) {
	b.Handle("engine.triggers", domain.TopicTriggers, e.handleMessage)
}

func (e *Engine) handleMessage(ctx context.Context, msg *message.Message) error {
	ev, err := bus.Decode[domain.TriggerEvent](msg)
	if err != nil {
		// A payload that cannot be decoded never will be: do not retry it.
		e.log.ErrorContext(ctx, "trigger dropped", "error", err)
		return nil
	}
	return e.HandleTrigger(ctx, ev)
}

// HandleTrigger runs every queue the trigger concerns. Errors returned are
// infrastructure errors worth retrying; a run that fails is recorded and
// does not return an error.
func (e *Engine) HandleTrigger(ctx context.Context, ev domain.TriggerEvent) error {
	queues, err := e.queuesFor(ctx, ev)
	if err != nil {
		return err
	}
	for _, q := range queues {
		if err := e.runQueue(ctx, ev, q); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) queuesFor(ctx context.Context, ev domain.TriggerEvent) ([]domain.Queue, error) {
	if ev.QueueID != 0 {
		q, err := e.deps.Store.GetQueue(ctx, ev.QueueID)
		if errors.Is(err, domain.ErrNotFound) {
			e.log.WarnContext(ctx, "trigger for a queue that no longer exists", "queue_id", ev.QueueID)
			if ev.RunID != 0 {
				return nil, e.finishRun(ctx, ev.RunID, domain.RunFailed, "queue no longer exists")
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

func (e *Engine) finishRun(ctx context.Context, runID int64, status domain.RunStatus, msg string) error {
	if err := e.deps.Store.FinishRun(ctx, runID, status, msg); err != nil {
		return fmt.Errorf("engine: unable to finish run %d: %w", runID, err)
	}
	return nil
}
