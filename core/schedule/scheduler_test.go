package schedule

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
)

func TestIntervalQueueRunsEverySlot(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		pub := &recorder{}
		q := newQueue(t, st, clock, "interval", nil)
		s := newScheduler(t, st, clock, pub, Config{})
		eng := &engine{st: st, clock: clock}

		tick(t, s)
		wantTriggers(t, pub, 1, "a new queue runs at once")
		tr := pub.triggers()[0]
		ev := tr.payload.(domain.TriggerEvent)
		if ev.Kind != domain.TriggerSchedule || ev.QueueID != q.ID || ev.InstanceID != q.InstanceID || !strings.HasPrefix(tr.correlation, "schedule-") {
			t.Fatalf("trigger = %+v, correlation %q", ev, tr.correlation)
		}
		wantTime(t, "mirrored next run", getQueue(t, st, q.ID).NextRun, t0.Add(time.Hour))

		clock.Advance(2 * time.Minute)
		eng.handle(t, pub, true, false)
		tick(t, s)
		wantTriggers(t, pub, 1, "before the next slot")
		// The engine wrote finish+interval; the scheduler's slot stands.
		wantTime(t, "next run after the release", getQueue(t, st, q.ID).NextRun, t0.Add(time.Hour))
		if got := s.JobsCount(); got != 1 {
			t.Fatalf("jobs = %d", got)
		}

		clock.Advance(58 * time.Minute)
		tick(t, s)
		wantTriggers(t, pub, 2, "at the next slot")
		wantTime(t, "next run", getQueue(t, st, q.ID).NextRun, t0.Add(2*time.Hour))
	})
}

func TestOneTimeQueueRunsOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		pub := &recorder{}
		q := newQueue(t, st, clock, "once", func(q *domain.Queue) { q.Recurring, q.IntervalMinutes = false, 0 })
		s := newScheduler(t, st, clock, pub, Config{})
		eng := &engine{st: st, clock: clock}
		// Hours late (the process was down): a one-time queue still runs.
		clock.Advance(3 * time.Hour)
		tick(t, s)
		wantTriggers(t, pub, 1, "a late one-time queue")
		eng.handle(t, pub, true, false)
		for range 3 {
			clock.Advance(time.Hour)
			tick(t, s)
		}
		wantTriggers(t, pub, 1, "after its run")
		if q := getQueue(t, st, q.ID); q.NextRun != nil {
			t.Fatalf("next run = %v, want none", q.NextRun)
		}
	})
}

func TestOneTimeQueueStartedByHandRunsOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		ctx := context.Background()
		pub := &recorder{}
		q := newQueue(t, st, clock, "once", func(q *domain.Queue) { q.Recurring, q.IntervalMinutes = false, 0 })
		s := newScheduler(t, st, clock, pub, Config{})
		// Created, then started by hand before the scheduler looked at it:
		// the hand's run is its one run.
		run, _, err := st.Runs().CreateLeased(ctx, domain.Run{QueueID: q.ID, InstanceID: q.InstanceID,
			Strategy: q.Strategy, Trigger: domain.TriggerAPI, Status: domain.RunRunning}, clock.Now().Add(time.Hour))
		must(t, err)
		tick(t, s)
		wantTriggers(t, pub, 0, "while the started run is open")
		clock.Advance(time.Minute)
		(&engine{st: st, clock: clock}).finish(t, q, run.ID, false)
		for range 3 {
			clock.Advance(time.Minute)
			tick(t, s)
		}
		wantTriggers(t, pub, 0, "after the started run ended")
		if got := getQueue(t, st, q.ID); got.NextRun != nil {
			t.Fatalf("next run = %v, want none", got.NextRun)
		}
	})
}

func TestMisfireGrace(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		pub := &recorder{}
		inside := newQueue(t, st, clock, "inside", nil)
		outside := newQueue(t, st, clock, "outside", nil)
		s := newScheduler(t, st, clock, pub, Config{})
		eng := &engine{st: st, clock: clock}
		tick(t, s)
		eng.handle(t, pub, true, false)
		wantTriggers(t, pub, 2, "first runs")
		// The next slots are at t0+1h; tick the queues separately by
		// pausing one of them while the other is looked at.
		clock.Advance(time.Hour + 4*time.Minute)
		ctx := context.Background()
		_, err := st.Queues().Pause(ctx, outside.ID)
		must(t, err)
		tick(t, s)
		wantTriggers(t, pub, 3, "4 minutes late, inside the grace")
		if got := pub.triggers()[2].payload.(domain.TriggerEvent).QueueID; got != inside.ID {
			t.Fatalf("triggered queue %d", got)
		}
		eng.handle(t, pub, true, false)
		clock.Advance(2 * time.Minute)
		_, err = st.Queues().Resume(ctx, outside.ID, nil)
		must(t, err)
		tick(t, s)
		wantTriggers(t, pub, 3, "6 minutes late, past the grace")
		wantTime(t, "skipped queue's next run", getQueue(t, st, outside.ID).NextRun, t0.Add(2*time.Hour))
	})
}

func TestMissedSlotsCoalesce(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		pub := &recorder{}
		q := newQueue(t, st, clock, "coalesce", nil)
		s := newScheduler(t, st, clock, pub, Config{})
		eng := &engine{st: st, clock: clock}
		tick(t, s)
		eng.handle(t, pub, true, false)
		// Ten intervals pass without a pass (the host slept); the latest
		// slot is a minute old.
		clock.Advance(10*time.Hour + time.Minute)
		tick(t, s)
		tick(t, s)
		wantTriggers(t, pub, 2, "ten missed slots")
		wantTime(t, "next run", getQueue(t, st, q.ID).NextRun, t0.Add(11*time.Hour))
	})
}

func TestNoTriggerWhileARunIsOpen(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		pub := &recorder{}
		q := newQueue(t, st, clock, "overlap", func(q *domain.Queue) { q.IntervalMinutes = 10 })
		s := newScheduler(t, st, clock, pub, Config{TriggerTimeout: 15 * time.Minute})
		eng := &engine{st: st, clock: clock}
		tick(t, s)
		wantTriggers(t, pub, 1, "first run")

		// The trigger has not reached the engine yet: its next slot comes
		// and goes without a second trigger.
		clock.Advance(10 * time.Minute)
		tick(t, s)
		wantTriggers(t, pub, 1, "trigger not yet picked up")

		// The run is open and holds the lease for an hour.
		runs := eng.handle(t, pub, false, false)
		for range 6 {
			clock.Advance(10 * time.Minute)
			tick(t, s)
		}
		wantTriggers(t, pub, 1, "run still open")

		eng.finish(t, getQueue(t, st, q.ID), runs[0].ID, false)
		// The due slot is the one claimed an hour ago, long past the
		// grace: the queue moves on and runs at its next slot.
		tick(t, s)
		clock.Advance(10 * time.Minute)
		tick(t, s)
		wantTriggers(t, pub, 2, "after the run ended")
	})
}

func TestLostTriggerIsRetriedAfterTheTimeout(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		pub := &recorder{}
		newQueue(t, st, clock, "lost", func(q *domain.Queue) { q.IntervalMinutes = 10 })
		s := newScheduler(t, st, clock, pub, Config{TriggerTimeout: 15 * time.Minute})
		tick(t, s)
		for range 3 {
			clock.Advance(5 * time.Minute)
			tick(t, s)
		}
		wantTriggers(t, pub, 2, "a trigger that never produced a run")
	})
}

func TestPublishFailureGivesTheSlotBack(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		pub := &recorder{fail: errBusFull}
		q := newQueue(t, st, clock, "retry", nil)
		s := newScheduler(t, st, clock, pub, Config{})
		if _, err := s.Tick(context.Background()); err == nil {
			t.Fatal("tick hid the publish failure")
		}
		wantTime(t, "next run after a failed publish", getSchedule(t, st, q.ID).NextRun, t0)
		pub.fail = nil
		tick(t, s)
		wantTriggers(t, pub, 1, "once the bus accepts")
	})
}

func TestRestartLeavesOpenRunsToTheEngine(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		ctx := context.Background()
		pub := &recorder{}
		q := newQueue(t, st, clock, "crash", nil)
		first := newScheduler(t, st, clock, pub, Config{})
		eng := &engine{st: st, clock: clock}
		tick(t, first)
		runs := eng.handle(t, pub, false, false) // running, lease for 6 h
		// The process dies here. A minute later it starts again: the run
		// is the engine's to resume, so the scheduler neither closes it
		// nor triggers the queue again.
		clock.Advance(time.Minute)
		second := newScheduler(t, st, clock, pub, Config{})
		must(t, second.Start(ctx))
		defer second.Stop()
		tick(t, second)

		run, err := st.Runs().Get(ctx, runs[0].ID)
		must(t, err)
		if run.Status != domain.RunRunning {
			t.Fatalf("run = %s %q, want still running", run.Status, run.Error)
		}
		if got := getQueue(t, st, q.ID); got.RunningRunID == nil || *got.RunningRunID != run.ID {
			t.Fatalf("queue lease = %v, want run %d", got.RunningRunID, run.ID)
		}
		wantTriggers(t, pub, 1, "after the restart")
	})
}

func TestRecoveryLeavesLiveLeasesOfOtherReplicas(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		ctx := context.Background()
		pub := &recorder{}
		q := newQueue(t, st, clock, "replica", nil)
		s := newScheduler(t, st, clock, pub, Config{OrphanAge: time.Hour})
		eng := &engine{st: st, clock: clock}
		tick(t, s)
		runs := eng.handle(t, pub, false, false)
		clock.Advance(time.Minute)
		must(t, newScheduler(t, st, clock, pub, Config{}).Start(ctx))
		if run, _ := st.Runs().Get(ctx, runs[0].ID); run.Status != domain.RunRunning {
			t.Fatalf("a live run of another replica was closed: %s", run.Status)
		}
		// Once its lease has expired and no engine took it over within
		// the orphan age, the periodic sweep closes it.
		clock.Advance(7 * time.Hour)
		tick(t, s)
		if run, _ := st.Runs().Get(ctx, runs[0].ID); run.Status != domain.RunFailed {
			t.Fatalf("expired run = %s, want failed", run.Status)
		}
		if got := getQueue(t, st, q.ID); got.RunningRunID != nil {
			t.Fatalf("lease still held by run %d", *got.RunningRunID)
		}
	})
}

func TestPauseIsPersisted(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		ctx := context.Background()
		pub := &recorder{}
		newQueue(t, st, clock, "paused", nil)
		s := newScheduler(t, st, clock, pub, Config{})
		must(t, s.Pause(ctx))

		again := newScheduler(t, st, clock, pub, Config{})
		status, err := again.Status(ctx)
		must(t, err)
		if !status.Paused {
			t.Fatal("pause lost across a restart")
		}
		tick(t, again)
		wantTriggers(t, pub, 0, "while paused")
		if again.JobsCount() != 1 {
			t.Fatalf("jobs = %d", again.JobsCount())
		}
		clock.Advance(time.Minute)
		must(t, again.Resume(ctx))
		tick(t, again)
		wantTriggers(t, pub, 1, "after resume, within the grace")
		status, err = again.Status(ctx)
		must(t, err)
		if status.Paused || status.JobsCount != 1 || status.NextDue == nil || !status.NextDue.Equal(t0.Add(time.Hour)) {
			t.Fatalf("status = %+v", status)
		}
	})
}

func TestDeactivationIsAnnouncedOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		pub := &recorder{}
		q := newQueue(t, st, clock, "failing", func(q *domain.Queue) { q.IntervalMinutes = 10 })
		s := newScheduler(t, st, clock, pub, Config{})
		eng := &engine{st: st, clock: clock}
		for range 5 {
			tick(t, s)
			eng.handle(t, pub, true, true)
			clock.Advance(10 * time.Minute)
		}
		tick(t, s)
		tick(t, s)
		wantTriggers(t, pub, 5, "runs before deactivation")
		notes := pub.notifications()
		if len(notes) != 1 || notes[0].kind != domain.EventQueueDeactivated {
			t.Fatalf("notifications = %+v", notes)
		}
		ev := notes[0].payload.(domain.QueueDeactivatedEvent)
		if ev.QueueID != q.ID || ev.ConsecutiveFailures != 5 || !strings.Contains(ev.Reason, "indexer exploded") {
			t.Fatalf("event = %+v", ev)
		}
		// Resumed and deactivated again: announced again.
		_, err := st.Queues().Resume(context.Background(), q.ID, nil)
		must(t, err)
		tick(t, s)
		if sc := getSchedule(t, st, q.ID); sc.DeactivationAnnounced {
			t.Fatal("announcement not reset on resume")
		}
	})
}

func TestSetScheduleDailyInATimeZone(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		ctx := context.Background()
		pub := &recorder{}
		q := newQueue(t, st, clock, "daily", nil)
		s := newScheduler(t, st, clock, pub, Config{})
		tick(t, s)
		wantTriggers(t, pub, 1, "first run")
		q = getQueue(t, st, q.ID)
		sc, err := s.SetSchedule(ctx, q, domain.Schedule{Kind: domain.ScheduleDaily, At: "02:30", TimeZone: "Europe/Berlin"})
		must(t, err)
		// t0 is 12:00 UTC, 14:00 in Berlin: next is 02:30 CEST tomorrow.
		want := time.Date(2025, 6, 3, 0, 30, 0, 0, time.UTC)
		wantTime(t, "schedule next run", sc.NextRun, want)
		wantTime(t, "queue next run", getQueue(t, st, q.ID).NextRun, want)
		if sc.Kind != domain.ScheduleDaily {
			t.Fatalf("kind = %s", sc.Kind)
		}
		if _, err := s.SetSchedule(ctx, q, domain.Schedule{Kind: domain.ScheduleCron, Cron: "bad"}); err == nil {
			t.Fatal("a bad cron expression was stored")
		}
		if got := getSchedule(t, st, q.ID); got.Kind != domain.ScheduleDaily {
			t.Fatalf("a refused schedule changed the stored one: %s", got.Kind)
		}
		clock.Advance(12*time.Hour + 30*time.Minute)
		tick(t, s)
		tick(t, s)
		wantTriggers(t, pub, 2, "at 02:30 Berlin")
	})
}

func TestWindowHoldsRunsUntilItOpens(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		ctx := context.Background()
		pub := &recorder{}
		q := newQueue(t, st, clock, "window", nil)
		s := newScheduler(t, st, clock, pub, Config{})
		_, err := s.SetSchedule(ctx, q, domain.Schedule{Windows: []domain.TimeWindow{{Start: "22:00", End: "06:00"}}})
		must(t, err)
		wantTime(t, "next run", getQueue(t, st, q.ID).NextRun, time.Date(2025, 6, 2, 22, 0, 0, 0, time.UTC))
		// The owner asks for a run at noon (as a resume does): held back
		// to the window.
		now := clock.Now()
		must(t, st.Queues().SetNextRun(ctx, q.ID, &now))
		tick(t, s)
		wantTriggers(t, pub, 0, "outside the window")
		clock.Advance(10 * time.Hour)
		tick(t, s)
		wantTriggers(t, pub, 1, "when the window opens")
	})
}

func TestTwoSchedulersPublishEachSlotOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		pub := &recorder{}
		const queues = 6
		for i := range queues {
			newQueue(t, st, clock, name(i), func(q *domain.Queue) { q.IntervalMinutes = 5 })
		}
		a := newScheduler(t, st, clock, pub, Config{})
		b := newScheduler(t, st, clock, pub, Config{})
		eng := &engine{st: st, clock: clock}
		const slots = 4
		for range slots {
			var wg sync.WaitGroup
			for _, s := range []*Scheduler{a, b} {
				wg.Go(func() {
					for range 3 {
						_, _ = s.Tick(context.Background())
					}
				})
			}
			wg.Wait()
			eng.handle(t, pub, true, false)
			clock.Advance(5 * time.Minute)
		}
		trs := pub.triggers()
		perQueue := map[int64]int{}
		for _, p := range trs {
			perQueue[p.payload.(domain.TriggerEvent).QueueID]++
		}
		if len(trs) != queues*slots {
			t.Fatalf("%d triggers for %d queues × %d slots: %v", len(trs), queues, slots, perQueue)
		}
		for id, n := range perQueue {
			if n != slots {
				t.Errorf("queue %d triggered %d times, want %d", id, n, slots)
			}
		}
	})
}

func TestLoopSleepsUntilTheNextSlot(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		pub := &recorder{}
		newQueue(t, st, clock, "loop", nil)
		s := newScheduler(t, st, clock, pub, Config{PollInterval: time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		must(t, s.Start(ctx))
		waitFor(t, func() bool { return len(pub.triggers()) == 1 }, "first trigger")
		if !s.Running() {
			t.Fatal("not running")
		}
		eng := &engine{st: st, clock: clock}
		eng.handle(t, pub, true, false)
		clock.Advance(time.Hour)
		waitFor(t, func() bool { return len(pub.triggers()) == 2 }, "trigger at the next slot")
		s.Stop()
		if s.Running() {
			t.Fatal("still running after Stop")
		}
	})
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A run the API opened (pending, no lease yet) holds scheduled triggers
// back just as a leased run does.
func TestNoTriggerWhileAnAPIRunIsPending(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		ctx := context.Background()
		pub := &recorder{}
		q := newQueue(t, st, clock, "api", nil)
		run, err := st.Runs().Create(ctx, domain.Run{
			QueueID: q.ID, QueueName: q.Name, InstanceID: q.InstanceID, Strategy: q.Strategy,
			Trigger: domain.TriggerAPI, CorrelationID: "api-1", Status: domain.RunPending, CreatedAt: clock.Now(),
		})
		must(t, err)
		s := newScheduler(t, st, clock, pub, Config{})
		tick(t, s)
		wantTriggers(t, pub, 0, "while the API's run is pending")
		must(t, st.Runs().Finish(ctx, run.ID, domain.RunSucceeded, ""))
		tick(t, s)
		wantTriggers(t, pub, 1, "once it ended")
	})
}
