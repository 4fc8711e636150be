package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

var _ Store = (*store.Store)(nil)

// fakeClock is a settable clock with timers that fire when it advances.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }
func (t *fakeTimer) Stop() bool          { return true }

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{now: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.ch <- c.now
		return t
	}
	c.timers = append(c.timers, t)
	return t
}

// Advance moves the clock and fires the timers due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.timers[:0]
	for _, t := range c.timers {
		if t.at.After(c.now) {
			kept = append(kept, t)
			continue
		}
		t.ch <- c.now
	}
	c.timers = kept
}

// published is one event a recorder received.
type published struct {
	topic       domain.Topic
	kind        domain.EventKind
	payload     any
	correlation string
}

// recorder is a Publisher that keeps what it gets.
type recorder struct {
	mu   sync.Mutex
	got  []published
	fail error
}

func (r *recorder) Publish(ctx context.Context, topic domain.Topic, kind domain.EventKind, payload any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, published{topic, kind, payload, domain.CorrelationID(ctx)})
	return nil
}

// triggers returns the trigger events received so far.
func (r *recorder) triggers() []published {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []published
	for _, p := range r.got {
		if p.topic == domain.TopicTriggers {
			out = append(out, p)
		}
	}
	return out
}

func (r *recorder) notifications() []published {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []published
	for _, p := range r.got {
		if p.topic == domain.TopicNotifications {
			out = append(out, p)
		}
	}
	return out
}

// t0 is a Monday noon, far from any clock change.
var t0 = time.Date(2025, 6, 2, 12, 0, 0, 0, time.UTC)

// eachStore runs fn on SQLite and PostgreSQL with a store whose clock is
// the fake clock fn gets.
func eachStore(t *testing.T, fn func(t *testing.T, st *store.Store, clock *fakeClock)) {
	t.Helper()
	var clock *fakeClock
	storetest.EachWith(t, func(o *store.Options) {
		clock = newFakeClock(t0)
		o.Now = clock.Now
	}, func(t *testing.T, st *store.Store) { fn(t, st, clock) })
}

// newQueue creates a user, an instance and a queue, as the API does: active,
// pending, due now.
func newQueue(t *testing.T, st *store.Store, clock *fakeClock, name string, mod func(*domain.Queue)) domain.Queue {
	t.Helper()
	ctx := context.Background()
	u, err := st.Users().Create(ctx, domain.User{Username: name, PasswordHash: "hash"})
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	in, err := st.Instances().Create(ctx, domain.Instance{
		OwnerID: u.ID, Name: name, Kind: domain.KindSonarr, URL: "http://sonarr:8989",
		VerifyTLS: true, TimeoutSeconds: 30, RatePerSecond: 1, Burst: 1, HourlyCap: 10,
	}, domain.Secret("key-"+name))
	if err != nil {
		t.Fatalf("create instance: %v", err)
	}
	now := clock.Now()
	q := domain.Queue{
		InstanceID: in.ID, Name: name, Strategy: "missing", IsActive: true, Status: domain.QueuePending,
		Recurring: true, IntervalMinutes: 60, MaxItemsPerRun: 10, CooldownHours: 24, NextRun: &now,
	}
	if mod != nil {
		mod(&q)
	}
	q, err = st.Queues().Create(ctx, q)
	if err != nil {
		t.Fatalf("create queue: %v", err)
	}
	return q
}

func newScheduler(t *testing.T, st *store.Store, clock *fakeClock, pub *recorder, cfg Config) *Scheduler {
	t.Helper()
	s, err := New(Deps{Store: st, Publisher: pub, Clock: clock, Logger: slog.New(slog.DiscardHandler)}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func tick(t *testing.T, s *Scheduler) {
	t.Helper()
	if _, err := s.Tick(context.Background()); err != nil {
		t.Fatalf("tick: %v", err)
	}
}

// engine plays the engine's part for the triggers a recorder received: it
// opens a run with the trigger's correlation id, leases the queue, and
// (when finish is set) ends the run and releases the queue as the engine
// does, writing the engine's own next run.
type engine struct {
	st      *store.Store
	clock   *fakeClock
	handled int
}

func (e *engine) handle(t *testing.T, pub *recorder, finish bool, fail bool) []domain.Run {
	t.Helper()
	ctx := context.Background()
	var runs []domain.Run
	trs := pub.triggers()
	for ; e.handled < len(trs); e.handled++ {
		p := trs[e.handled]
		ev := p.payload.(domain.TriggerEvent)
		q, err := e.st.Queues().Get(ctx, ev.QueueID)
		if err != nil {
			t.Fatal(err)
		}
		now := e.clock.Now()
		run, err := e.st.Runs().Create(ctx, domain.Run{
			QueueID: q.ID, QueueName: q.Name, InstanceID: q.InstanceID, Strategy: q.Strategy,
			Trigger: ev.Kind, CorrelationID: p.correlation, Status: domain.RunPending, CreatedAt: now,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.st.Queues().AcquireRun(ctx, q.ID, run.ID, now.Add(6*time.Hour)); err != nil {
			t.Fatalf("acquire: %v", err)
		}
		if err := e.st.Runs().Start(ctx, run.ID); err != nil {
			t.Fatal(err)
		}
		if finish {
			e.finish(t, q, run.ID, fail)
		}
		runs = append(runs, run)
	}
	return runs
}

func (e *engine) finish(t *testing.T, q domain.Queue, runID int64, fail bool) {
	t.Helper()
	ctx := context.Background()
	status, msg := domain.RunSucceeded, ""
	if fail {
		status, msg = domain.RunFailed, "indexer exploded"
	}
	if err := e.st.Runs().Finish(ctx, runID, status, msg); err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	res := domain.QueueRunResult{Succeeded: !fail, Error: msg, FinishedAt: now, DeactivateAfter: 5}
	if q.Recurring && q.IntervalMinutes > 0 {
		next := now.Add(time.Duration(q.IntervalMinutes) * time.Minute)
		res.NextRun = &next
	}
	if _, err := e.st.Queues().ReleaseRun(ctx, q.ID, runID, res); err != nil {
		t.Fatalf("release: %v", err)
	}
}

func getQueue(t *testing.T, st *store.Store, id int64) domain.Queue {
	t.Helper()
	q, err := st.Queues().Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func getSchedule(t *testing.T, st *store.Store, id int64) domain.Schedule {
	t.Helper()
	s, err := st.Schedules().Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func wantTriggers(t *testing.T, pub *recorder, n int, why string) {
	t.Helper()
	if got := len(pub.triggers()); got != n {
		t.Fatalf("%s: %d triggers published, want %d", why, got, n)
	}
}

func wantTime(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil || !got.Equal(want) {
		t.Fatalf("%s = %v, want %s", what, got, want)
	}
}

var errBusFull = errors.New("bus: full")

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func name(i int) string { return fmt.Sprintf("q%d", i) }
