package schedule

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// Store is what the scheduler reads and writes. *store.Store implements it.
type Store interface {
	// ScheduleQueues returns every search queue with its owner.
	ScheduleQueues(ctx context.Context) ([]domain.Queue, error)
	// AdoptSchedules gives every queue without a schedule one.
	AdoptSchedules(ctx context.Context) (int64, error)
	ListSchedules(ctx context.Context) ([]domain.Schedule, error)
	GetSchedule(ctx context.Context, queueID int64) (domain.Schedule, error)
	// SaveSchedule writes s if its version is still s.Version and fails
	// with domain.ErrConflict otherwise.
	SaveSchedule(ctx context.Context, s domain.Schedule) (domain.Schedule, error)
	// ScheduleRunState says whether the queue has an open run and whether
	// a run carries correlationID.
	ScheduleRunState(ctx context.Context, queueID int64, correlationID string) (open, found bool, err error)
	SetQueueNextRun(ctx context.Context, queueID int64, next *time.Time) error
	ReleaseRun(ctx context.Context, queueID, runID int64, res domain.QueueRunResult) error
	// FailOrphanedRuns closes the open runs created before createdBefore
	// that hold no live lease.
	FailOrphanedRuns(ctx context.Context, createdBefore time.Time, errMsg string) (int64, error)
	SchedulerPaused(ctx context.Context) (bool, error)
	SetSchedulerPaused(ctx context.Context, paused bool) error
}

// Publisher publishes events. *bus.Bus implements it.
type Publisher interface {
	Publish(ctx context.Context, topic domain.Topic, kind domain.EventKind, payload any) error
}

// Deps are the scheduler's collaborators.
type Deps struct {
	Store     Store
	Publisher Publisher
	// Clock is the time source; nil means SystemClock.
	Clock  Clock
	Logger *slog.Logger
}

// InterruptedMessage is the error of a run closed because the process
// running it stopped.
const InterruptedMessage = "interrupted: searcharr stopped during the run"

// Config tunes the scheduler.
type Config struct {
	// PollInterval bounds how long the scheduler sleeps, so schedule edits
	// and other replicas' changes are seen; default 30 s.
	PollInterval time.Duration
	// TriggerTimeout is how long a published trigger may go without its
	// run appearing before the queue may be triggered again; default 15 min.
	TriggerTimeout time.Duration
	// OrphanAge is the age past which an open run without a live lease is
	// closed as interrupted by the periodic sweep; default 1 h. The runs a
	// stopped process left are resumed by the engine at start; the sweep
	// closes what no process resumed, such as the expired leases of a
	// replica that never came back.
	OrphanAge time.Duration
}

func (c *Config) setDefaults() {
	if c.PollInterval <= 0 {
		c.PollInterval = 30 * time.Second
	}
	if c.TriggerTimeout <= 0 {
		c.TriggerTimeout = 15 * time.Minute
	}
	if c.OrphanAge <= 0 {
		c.OrphanAge = time.Hour
	}
}

// Scheduler publishes a trigger when a search queue is due.
type Scheduler struct {
	deps Deps
	cfg  Config
	log  *slog.Logger

	wake    chan struct{}
	running atomic.Bool
	jobs    atomic.Int64

	mu        sync.Mutex
	cancel    context.CancelFunc
	done      chan struct{}
	nextDue   *time.Time
	lastSweep time.Time
}

// New returns a scheduler; Start runs it.
func New(deps Deps, cfg Config) (*Scheduler, error) {
	if deps.Store == nil || deps.Publisher == nil {
		return nil, errors.New("schedule: store and publisher are required")
	}
	if deps.Clock == nil {
		deps.Clock = SystemClock{}
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	cfg.setDefaults()
	return &Scheduler{
		deps: deps, cfg: cfg,
		log:  deps.Logger.With("component", "schedule"),
		wake: make(chan struct{}, 1),
	}, nil
}

// Start runs the scheduling loop until ctx ends or Stop is called. The
// runs a previous process left open are the engine's to resume; the
// scheduler's periodic sweep closes only those left unowned past
// Config.OrphanAge.
func (s *Scheduler) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		return errors.New("schedule: already started")
	}
	s.lastSweep = s.deps.Clock.Now()
	loopCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel, s.done = cancel, make(chan struct{})
	s.running.Store(true)
	go func() {
		defer close(s.done)
		defer s.running.Store(false)
		stop := context.AfterFunc(ctx, cancel)
		defer stop()
		s.loop(loopCtx)
	}()
	return nil
}

// Stop ends the loop and waits for it; a trigger being published finishes
// first.
func (s *Scheduler) Stop() {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

// Running reports whether the loop runs.
func (s *Scheduler) Running() bool { return s.running.Load() }

// JobsCount is how many active queues had a run scheduled at the last
// pass.
func (s *Scheduler) JobsCount() int { return int(s.jobs.Load()) }

// Wake makes the loop look at the schedules now.
func (s *Scheduler) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Scheduler) loop(ctx context.Context) {
	for {
		wait := s.cfg.PollInterval
		next, err := s.Tick(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("scheduling pass failed", "error", err)
		}
		if next != nil {
			if until := next.Sub(s.deps.Clock.Now()); until < wait {
				wait = max(until, 0)
			}
		}
		t := s.deps.Clock.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.wake:
			t.Stop()
		case <-t.C():
		}
	}
}

// Tick runs one scheduling pass: it adopts new queues, follows changes to
// them, publishes the triggers of due queues and announces deactivated
// ones. It returns the earliest next run still ahead. Per-queue failures
// are logged and do not stop the pass; the first is returned.
func (s *Scheduler) Tick(ctx context.Context) (*time.Time, error) {
	now := s.deps.Clock.Now()
	st := s.deps.Store
	if now.Sub(s.sweepTime()) >= s.cfg.OrphanAge {
		if err := s.recover(ctx, now, now.Add(-s.cfg.OrphanAge)); err != nil {
			return nil, err
		}
		s.mu.Lock()
		s.lastSweep = now
		s.mu.Unlock()
	}
	paused, err := st.SchedulerPaused(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := st.AdoptSchedules(ctx); err != nil {
		return nil, err
	}
	queues, err := st.ScheduleQueues(ctx)
	if err != nil {
		return nil, err
	}
	list, err := st.ListSchedules(ctx)
	if err != nil {
		return nil, err
	}
	byQueue := make(map[int64]domain.Schedule, len(list))
	for _, sc := range list {
		byQueue[sc.QueueID] = sc
	}

	var (
		first   error
		jobs    int64
		nextDue *time.Time
	)
	for _, q := range queues {
		sc, ok := byQueue[q.ID]
		if !ok {
			continue
		}
		next, err := s.queuePass(ctx, q, sc, now, paused)
		if err != nil {
			if errors.Is(err, domain.ErrConflict) {
				continue // another scheduler wrote it first
			}
			s.log.Warn("queue not scheduled", "queue_id", q.ID, "error", err)
			if first == nil {
				first = err
			}
			continue
		}
		if next == nil {
			continue
		}
		jobs++
		if nextDue == nil || next.Before(*nextDue) {
			n := *next
			nextDue = &n
		}
	}
	s.jobs.Store(jobs)
	s.mu.Lock()
	s.nextDue = nextDue
	s.mu.Unlock()
	if nextDue != nil && !nextDue.After(now) {
		// Due but held back (paused, busy): look again at the next poll.
		return nil, first
	}
	return nextDue, first
}

func (s *Scheduler) sweepTime() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastSweep
}

// queuePass brings one queue's schedule up to date and fires it when due.
// It returns the queue's next run when the queue is active.
func (s *Scheduler) queuePass(ctx context.Context, q domain.Queue, sc domain.Schedule, now time.Time, paused bool) (*time.Time, error) {
	sp, err := compile(q, sc)
	if err != nil {
		return nil, fmt.Errorf("schedule: queue %d: %w", q.ID, err)
	}
	sc, err = s.sync(ctx, q, sc, sp, now)
	if err != nil {
		return nil, err
	}
	if sc, err = s.announce(ctx, q, sc, now); err != nil {
		return nil, err
	}
	if !q.IsActive || sc.NextRun == nil {
		return nil, nil
	}
	if paused || sc.NextRun.After(now) {
		return sc.NextRun, nil
	}
	busy, err := s.busy(ctx, q, sc, now)
	if err != nil || busy {
		return sc.NextRun, err
	}
	sc, err = s.fire(ctx, q, sc, sp, now)
	if err != nil {
		return nil, err
	}
	return sc.NextRun, nil
}

// busy reports whether a trigger for q would overlap a run: one is open
// (a run holding the queue's lease is), or the previous trigger's run has
// not appeared yet. A lease whose run has ended holds nothing.
func (s *Scheduler) busy(ctx context.Context, q domain.Queue, sc domain.Schedule, now time.Time) (bool, error) {
	open, found, err := s.deps.Store.ScheduleRunState(ctx, q.ID, sc.LastCorrelationID)
	if err != nil {
		return false, err
	}
	if open {
		return true, nil
	}
	pending := sc.LastCorrelationID != "" && !found && sc.LastFiredAt != nil &&
		now.Sub(*sc.LastFiredAt) < s.cfg.TriggerTimeout
	return pending, nil
}

// fire decides what a due queue does, claims the slot, and publishes the
// trigger when the queue runs.
func (s *Scheduler) fire(ctx context.Context, q domain.Queue, sc domain.Schedule, sp spec, now time.Time) (domain.Schedule, error) {
	d, err := decide(sp, q, sc, now)
	if err != nil {
		return sc, err
	}
	claim := sc
	claim.NextRun, claim.NextSlot = d.next, d.slot
	correlation := ""
	if d.fire {
		correlation = "schedule-" + newID()
		claim.LastFiredAt, claim.LastCorrelationID = &now, correlation
	}
	claimed, err := s.deps.Store.SaveSchedule(ctx, claim)
	if err != nil {
		return sc, err
	}
	log := s.log.With("queue_id", q.ID, "due", *sc.NextRun, "next_run", d.next)
	if d.fire {
		ev := domain.TriggerEvent{Kind: domain.TriggerSchedule, QueueID: q.ID, InstanceID: q.InstanceID, At: now.UTC()}
		if err := s.deps.Publisher.Publish(domain.WithCorrelationID(ctx, correlation), domain.TopicTriggers, domain.EventTrigger, ev); err != nil {
			// Give the slot back so the next pass tries again.
			back := claimed
			back.NextRun, back.NextSlot = sc.NextRun, sc.NextSlot
			back.LastFiredAt, back.LastCorrelationID = sc.LastFiredAt, sc.LastCorrelationID
			if _, rerr := s.deps.Store.SaveSchedule(context.WithoutCancel(ctx), back); rerr != nil {
				log.Error("unable to give back an unpublished slot", "error", rerr)
			}
			return sc, fmt.Errorf("schedule: unable to publish the trigger of queue %d: %w", q.ID, err)
		}
		log.Info("queue triggered", "correlation_id", correlation, "late", now.Sub(*sc.NextRun).Round(time.Second))
	} else {
		log.Info("queue run skipped", "why", d.why)
	}
	return s.mirror(ctx, q, claimed)
}

// newID returns a random id for a trigger's correlation id.
func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
