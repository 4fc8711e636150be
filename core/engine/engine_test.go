package engine_test

import (
	"context"
	"errors"
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

// planner answers every Plan with a fixed plan or error and remembers the
// request.
type planner struct {
	mu   sync.Mutex
	plan sdk.Plan
	err  error
	reqs []sdk.PlanRequest
}

func (p *planner) Plan(ctx context.Context, strategy string, req sdk.PlanRequest) (sdk.Plan, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reqs = append(p.reqs, req)
	return p.plan, p.err
}

type libraries struct{}

func (libraries) Library(ctx context.Context, inst domain.Instance) (sdk.Library, error) {
	return nil, nil
}

type waker struct {
	mu    sync.Mutex
	woken []int64
}

func (w *waker) Wake(id int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.woken = append(w.woken, id)
}

type fixture struct {
	st      *store.Store
	eng     *engine.Engine
	planner *planner
	waker   *waker
	queue   domain.Queue
	now     time.Time
}

func setup(t *testing.T, st *store.Store, q domain.Queue) *fixture {
	t.Helper()
	ctx := context.Background()
	u, err := st.Users().Create(ctx, domain.User{Username: "owner", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := st.Instances().Create(ctx, domain.Instance{
		OwnerID: u.ID, Name: "sonarr", Kind: domain.KindSonarr, URL: "http://127.0.0.1:8989", TimeoutSeconds: 5,
	}, domain.Secret("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	q.InstanceID = inst.ID
	if q.Name == "" {
		q.Name = "missing"
	}
	q.Strategy = "missing"
	q.IsActive = true
	q.Status = domain.QueuePending
	if q, err = st.Queues().Create(ctx, q); err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, planner: &planner{}, waker: &waker{}, queue: q, now: time.Now().UTC()}
	f.eng, err = engine.New(engine.Deps{
		Store: st, Planner: f.planner, Libraries: libraries{}, Waker: f.waker,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return f.now },
	}, engine.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func episodes(ids ...int64) []sdk.ItemKey {
	keys := make([]sdk.ItemKey, len(ids))
	for i, id := range ids {
		keys[i] = sdk.EpisodeKey(id)
	}
	return keys
}

func intent(score float64, ids ...int64) sdk.Intent {
	return sdk.Intent{Command: sdk.SearchEpisodes(ids...), Items: episodes(ids...), Reason: "missing", Score: score}
}

func lastRun(t *testing.T, st *store.Store) domain.Run {
	t.Helper()
	runs, err := st.Runs().List(context.Background(), domain.RunFilter{Limit: 1})
	if err != nil || len(runs) == 0 {
		t.Fatalf("no run recorded: %v", err)
	}
	return runs[0]
}

func TestRunWritesPendingCommandsAndDecisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st, domain.Queue{MaxItemsPerRun: 3, CooldownHours: 24})
		// Item 2 is cooling down from an earlier search; item 1 appears in
		// two intents; the budget of 3 searches stops the last intent.
		f.planner.plan = sdk.Plan{
			Intents: []sdk.Intent{intent(10, 1, 2), intent(9, 1), intent(8, 3), intent(7, 4, 5)},
			Decisions: []sdk.Decision{
				{Item: sdk.EpisodeKey(9), Kept: false, Reason: "not aired yet"},
			},
		}
		seed, _, err := st.Commands().InsertPending(ctx, domain.DispatchedCommand{
			IdempotencyKey: "earlier", InstanceID: f.queue.InstanceID, Name: domain.CmdEpisodeSearch,
			Body: []byte(`{"name":"EpisodeSearch","episodeIds":[2]}`), Cost: 1,
			Items: []domain.ItemKey{{Type: domain.ItemEpisode, ID: 2}}, Status: domain.CommandPending, CreatedAt: f.now,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.RecordDispatch(ctx, domain.DispatchRecord{CommandID: seed.ID, ArrCommandID: 1, SentAt: f.now, CooldownUntil: f.now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}

		if err := f.eng.HandleTrigger(ctx, domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: f.queue.ID, At: f.now}); err != nil {
			t.Fatal(err)
		}
		pending, err := st.Commands().ListPending(ctx, f.queue.InstanceID)
		if err != nil {
			t.Fatal(err)
		}
		var got [][]int64
		for _, c := range pending {
			cmd, err := domain.DecodeCommandBody(c.Body)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, cmd.EpisodeIDs)
		}
		want := [][]int64{{1}, {3}}
		if len(got) != len(want) || got[0][0] != 1 || len(got[0]) != 1 || got[1][0] != 3 {
			t.Fatalf("pending commands = %v, want %v", got, want)
		}
		run := lastRun(t, st)
		if run.Status != domain.RunRunning || run.Counts.ItemsSelected != 2 {
			t.Fatalf("run = %+v, want running with 2 selected", run)
		}
		items, err := st.RunItems().ListByRun(ctx, run.ID, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		reasons := map[int64]string{}
		for _, it := range items {
			reasons[it.Key.ID] = string(it.Decision) + ": " + it.Reason
		}
		for id, want := range map[int64]string{
			1: "kept: missing",
			2: "dropped: cooling down",
			3: "kept: missing",
			4: "dropped: over the run budget",
			9: "dropped: not aired yet",
		} {
			if len(reasons[id]) < len(want) || reasons[id][:len(want)] != want {
				t.Errorf("item %d: decision %q, want prefix %q", id, reasons[id], want)
			}
		}
		if len(f.waker.woken) != 1 || f.waker.woken[0] != f.queue.InstanceID {
			t.Errorf("dispatcher woken for %v", f.waker.woken)
		}

		// The dispatcher sends both; the run ends with the last one.
		for i, c := range pending {
			if err := st.RecordDispatch(ctx, domain.DispatchRecord{CommandID: c.ID, ArrCommandID: int64(10 + i), SentAt: f.now, CooldownUntil: f.now.Add(24 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if err := f.eng.CommandHandled(ctx, run.ID); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				if r, _ := st.Runs().Get(ctx, run.ID); r.Status.Finished() {
					t.Fatal("run finished before its last command")
				}
			}
		}
		run, _ = st.Runs().Get(ctx, run.ID)
		if run.Status != domain.RunSucceeded || run.Counts.CommandsSent != 2 || run.Counts.IndexerSearches != 2 {
			t.Fatalf("finished run = %+v", run)
		}
		// A late duplicate call changes nothing.
		if err := f.eng.CommandHandled(ctx, run.ID); err != nil {
			t.Fatal(err)
		}
		if again, _ := st.Runs().Get(ctx, run.ID); again.Counts != run.Counts {
			t.Fatalf("counts changed by a duplicate call: %+v → %+v", run.Counts, again.Counts)
		}
		q, _ := st.Queues().Get(ctx, f.queue.ID)
		if q.RunningRunID != nil {
			t.Error("queue lease not released")
		}
	})
}

func TestBusyQueueSkipsTheSecondRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st, domain.Queue{MaxItemsPerRun: 5})
		f.planner.plan = sdk.Plan{Intents: []sdk.Intent{intent(1, 7)}}
		ev := domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: f.queue.ID, At: f.now}
		if err := f.eng.HandleTrigger(ctx, ev); err != nil {
			t.Fatal(err)
		}
		if err := f.eng.HandleTrigger(ctx, ev); err != nil {
			t.Fatal(err)
		}
		second := lastRun(t, st)
		if second.Status != domain.RunFailed || second.Error != "queue is already running" {
			t.Fatalf("second run = %+v, want failed as already running", second)
		}
		if n := len(f.planner.reqs); n != 1 {
			t.Fatalf("planner called %d times, want 1", n)
		}
	})
}

func TestPlannerErrorFailsTheRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st, domain.Queue{})
		f.planner.err = errors.New(`pluginhost: plugin "missing" crashed during Plan`)
		if err := f.eng.HandleTrigger(ctx, domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: f.queue.ID, At: f.now}); err != nil {
			t.Fatal(err)
		}
		run := lastRun(t, st)
		if run.Status != domain.RunFailed || run.Error != f.planner.err.Error() {
			t.Fatalf("run = %+v", run)
		}
		q, _ := st.Queues().Get(ctx, f.queue.ID)
		if q.ConsecutiveFailures != 1 || q.RunningRunID != nil {
			t.Fatalf("queue = %+v, want one failure and no lease", q)
		}
		// The next run can start.
		f.planner.err = nil
		f.planner.plan = sdk.Plan{}
		if err := f.eng.HandleTrigger(ctx, domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: f.queue.ID, At: f.now}); err != nil {
			t.Fatal(err)
		}
		if run := lastRun(t, st); run.Status != domain.RunSucceeded {
			t.Fatalf("next run = %+v", run)
		}
	})
}

func TestDryRunSendsNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st, domain.Queue{})
		f.planner.plan = sdk.Plan{Intents: []sdk.Intent{intent(1, 1), intent(1, 2)}}
		if err := f.eng.HandleTrigger(ctx, domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: f.queue.ID, DryRun: true, At: f.now}); err != nil {
			t.Fatal(err)
		}
		pending, _ := st.Commands().ListPending(ctx, 0)
		if len(pending) != 0 {
			t.Fatalf("dry run queued %d commands", len(pending))
		}
		run := lastRun(t, st)
		if !run.DryRun || run.Status != domain.RunSucceeded || run.Counts.ItemsSelected != 2 {
			t.Fatalf("run = %+v", run)
		}
		if !f.planner.reqs[0].Trigger.DryRun {
			t.Error("the strategy was not told it plans a dry run")
		}
	})
}
