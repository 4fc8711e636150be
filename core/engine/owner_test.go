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

// restarted returns a second engine on f's store, as a process started
// again under holder would have.
func (f *fixture) restarted(t *testing.T, holder string, exclusive bool) *engine.Engine {
	t.Helper()
	eng, err := engine.New(engine.Deps{
		Store: f.st, Planner: f.planner, Libraries: libraries{}, Waker: f.waker,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return f.now },
	}, engine.Config{Holder: holder, Exclusive: exclusive})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// interrupted leaves run started by holder's dead boot, with the queue's
// lease, and nothing planned: what a kill during planning leaves.
func (f *fixture) interrupted(t *testing.T, holder string) domain.Run {
	t.Helper()
	ctx := context.Background()
	ev := domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: f.queue.ID, InstanceID: f.queue.InstanceID, At: f.now}
	run, _, err := f.st.Runs().CreateLeased(ctx, domain.Run{
		QueueID: f.queue.ID, QueueName: f.queue.Name, InstanceID: f.queue.InstanceID, Strategy: f.queue.Strategy,
		Trigger: domain.TriggerAPI, Status: domain.RunPending, Origin: &ev,
	}, f.now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	claim := domain.RunClaim{Holder: holder, Boot: "dead", Until: f.now.Add(6 * time.Hour)}
	if err := f.st.Queues().ClaimRun(ctx, f.queue.ID, run.ID, claim); err != nil {
		t.Fatal(err)
	}
	if err := f.st.Runs().Start(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	return run
}

func TestRedeliveredTriggerResumesTheRunOfADeadBoot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st, domain.Queue{MaxItemsPerRun: 5})
		run := f.interrupted(t, "host-a")
		f.planner.plan = sdk.Plan{}
		// The same installation restarts; the bus delivers the trigger again.
		eng := f.restarted(t, "host-a", false)
		ev := domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: f.queue.ID, InstanceID: f.queue.InstanceID, RunID: run.ID, At: f.now}
		if err := eng.HandleTrigger(ctx, ev); err != nil {
			t.Fatal(err)
		}
		got, _ := st.Runs().Get(ctx, run.ID)
		if got.Status != domain.RunSucceeded {
			t.Fatalf("run = %s %q, want succeeded", got.Status, got.Error)
		}
		if q, _ := st.Queues().Get(ctx, f.queue.ID); q.RunningRunID != nil {
			t.Fatalf("queue still held by run %d", *q.RunningRunID)
		}
	})
}

func TestRunOfALiveReplicaIsLeftToIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st, domain.Queue{MaxItemsPerRun: 5})
		run := f.interrupted(t, "host-b")
		eng := f.restarted(t, "host-a", false)
		if _, err := eng.Recover(ctx); err != nil {
			t.Fatal(err)
		}
		eng.Wait()
		ev := domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: f.queue.ID, RunID: run.ID, At: f.now}
		if err := eng.HandleTrigger(ctx, ev); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Runs().Get(ctx, run.ID); got.Status != domain.RunRunning {
			t.Fatalf("run of another replica = %s %q, want left running", got.Status, got.Error)
		}
		if len(f.planner.reqs) != 0 {
			t.Fatalf("planned %d times a run another replica owns", len(f.planner.reqs))
		}
	})
}

func TestRecoverPlansAgainARunInterruptedBeforeItsPlan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st, domain.Queue{MaxItemsPerRun: 5})
		run := f.interrupted(t, "whatever")
		f.planner.plan = sdk.Plan{Intents: []sdk.Intent{intent(1, 1), intent(1, 2)}}
		// Alone on its database, a restarted process takes back every run.
		eng := f.restarted(t, "host-a", true)
		if _, err := eng.Recover(ctx); err != nil {
			t.Fatal(err)
		}
		eng.Wait()
		got, _ := st.Runs().Get(ctx, run.ID)
		if got.Status != domain.RunRunning || got.PlannedAt == nil || got.Counts.ItemsSelected != 2 {
			t.Fatalf("run = %+v, want planned again with 2 selected", got)
		}
		pending, _ := st.Commands().ListPending(ctx, f.queue.InstanceID)
		if len(pending) != 2 {
			t.Fatalf("%d commands pending, want 2", len(pending))
		}

		// Killed again after its plan: the next start plans nothing more
		// and the run ends with its commands, counting what they sent.
		again := f.restarted(t, "host-a", true)
		if _, err := again.Recover(ctx); err != nil {
			t.Fatal(err)
		}
		again.Wait()
		if n := len(f.planner.reqs); n != 1 {
			t.Fatalf("planned %d times, want once", n)
		}
		if err := st.RecordDispatch(ctx, domain.DispatchRecord{CommandID: pending[0].ID, ArrCommandID: 1, SentAt: f.now, CooldownUntil: f.now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := again.CommandHandled(ctx, run.ID); err != nil {
			t.Fatal(err)
		}
		// The counts move while the run sends.
		if got, _ := st.Runs().Get(ctx, run.ID); got.Status != domain.RunRunning || got.Counts.CommandsSent != 1 || got.Counts.ItemsSearched != 1 {
			t.Fatalf("run while sending = %s %+v, want running with 1 command sent", got.Status, got.Counts)
		}
		if err := st.EndCommand(ctx, pending[1].ID, domain.CommandFailed, "arr unreachable", f.now); err != nil {
			t.Fatal(err)
		}
		if err := again.CommandHandled(ctx, run.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = st.Runs().Get(ctx, run.ID)
		if got.Status != domain.RunSucceeded || got.Counts.CommandsSent != 1 || got.Counts.IndexerSearches != 1 {
			t.Fatalf("run = %s %+v, want succeeded with the 1 command it sent", got.Status, got.Counts)
		}
		if q, _ := st.Queues().Get(ctx, f.queue.ID); q.RunningRunID != nil {
			t.Fatalf("queue still held by run %d", *q.RunningRunID)
		}
	})
}

// cancelling is a planner whose Plan fails once its context ends, as a
// plugin call does.
type cancelling struct{ started chan struct{} }

func (c cancelling) Plan(ctx context.Context, strategy string, req sdk.PlanRequest) (sdk.Plan, error) {
	close(c.started)
	<-ctx.Done()
	return sdk.Plan{}, ctx.Err()
}

func TestAFailureWithAnExpiredContextIsRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := setup(t, st, domain.Queue{})
		p := cancelling{started: make(chan struct{})}
		eng, err := engine.New(engine.Deps{
			Store: st, Planner: p, Libraries: libraries{}, Waker: f.waker,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		}, engine.Config{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-p.started; cancel() }()
		if err := eng.HandleTrigger(ctx, domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: f.queue.ID, At: f.now}); err != nil {
			t.Fatal(err)
		}
		run := lastRun(t, st)
		if run.Status != domain.RunFailed || run.Error != context.Canceled.Error() {
			t.Fatalf("run = %s %q, want failed with the error", run.Status, run.Error)
		}
		if q, _ := st.Queues().Get(context.Background(), f.queue.ID); q.RunningRunID != nil {
			t.Fatalf("queue still held by run %d", *q.RunningRunID)
		}
	})
}

// slowPlanner answers every Plan after a pause, with the same items,
// as two queues of one strategy would.
type slowPlanner struct {
	mu      sync.Mutex
	running int
	overlap bool
}

func (p *slowPlanner) Plan(ctx context.Context, strategy string, req sdk.PlanRequest) (sdk.Plan, error) {
	p.mu.Lock()
	p.running++
	p.overlap = p.overlap || p.running > 1
	p.mu.Unlock()
	time.Sleep(50 * time.Millisecond)
	p.mu.Lock()
	p.running--
	p.mu.Unlock()
	return sdk.Plan{Intents: []sdk.Intent{intent(3, 1), intent(2, 2), intent(1, 3)}}, nil
}

func TestQueuesOfOneInstancePlanOneAtATime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st, domain.Queue{MaxItemsPerRun: 3})
		second, err := st.Queues().Create(ctx, domain.Queue{
			InstanceID: f.queue.InstanceID, Name: "second", Strategy: "missing", IsActive: true,
			Status: domain.QueuePending, MaxItemsPerRun: 3,
		})
		if err != nil {
			t.Fatal(err)
		}
		p := &slowPlanner{}
		eng, err := engine.New(engine.Deps{
			Store: st, Planner: p, Libraries: libraries{}, Waker: f.waker,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		}, engine.Config{})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for _, id := range []int64{f.queue.ID, second.ID} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := eng.HandleTrigger(ctx, domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: id, At: time.Now()}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if p.overlap {
			t.Error("two runs of one instance planned at once")
		}
		pending, _ := st.Commands().ListPending(ctx, f.queue.InstanceID)
		seen := map[domain.ItemKey]int{}
		for _, c := range pending {
			for _, k := range c.Items {
				seen[k]++
			}
		}
		for k, n := range seen {
			if n > 1 {
				t.Errorf("item %s queued %d times", k, n)
			}
		}
		if len(seen) != 3 {
			t.Errorf("%d items queued, want 3", len(seen))
		}
	})
}

func TestExpiredRunOfADeadReplicaIsTakenOver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st, domain.Queue{MaxItemsPerRun: 5})
		f.planner.plan = sdk.Plan{}
		eng, err := engine.New(engine.Deps{
			Store: st, Planner: f.planner, Libraries: libraries{}, Waker: f.waker,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return f.now },
		}, engine.Config{Holder: "host-a", RecoverInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := eng.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer eng.Stop(ctx)
		// Another replica opened a run and died while planning it; its
		// lease has just run out.
		run := f.interrupted(t, "host-b")
		claim := domain.RunClaim{Holder: "host-b", Boot: "dead", Until: time.Now().Add(-time.Second)}
		if err := st.Queues().ClaimRun(ctx, f.queue.ID, run.ID, claim); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			got, _ := st.Runs().Get(ctx, run.ID)
			if got.Status == domain.RunSucceeded {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("run = %s %q, want taken over and succeeded", got.Status, got.Error)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
