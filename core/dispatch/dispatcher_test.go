package dispatch_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/dispatch"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

type sent struct {
	at  time.Time
	cmd domain.Command
}

// sender records commands; failures maps an episode id to the errors its
// sends return, one per attempt.
type sender struct {
	mu       sync.Mutex
	sent     []sent
	failures map[int64][]error
}

func (s *sender) SendCommand(ctx context.Context, c domain.Command) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if errs := s.failures[c.EpisodeIDs[0]]; len(errs) > 0 {
		s.failures[c.EpisodeIDs[0]] = errs[1:]
		return 0, errs[0]
	}
	s.sent = append(s.sent, sent{at: time.Now(), cmd: c})
	return int64(len(s.sent)), nil
}

func (s *sender) CommandStatus(ctx context.Context, id int64) (dispatch.ArrCommand, error) {
	return dispatch.ArrCommand{ID: id, Status: "completed", Result: "successful"}, nil
}

func (s *sender) RecentCommands(ctx context.Context) ([]dispatch.ArrCommand, error) { return nil, nil }

func (s *sender) QueueSize(ctx context.Context) (int, error) { return 0, nil }

func (s *sender) snapshot() []sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sent(nil), s.sent...)
}

type connector struct{ s *sender }

func (c connector) Connect(ctx context.Context, id int64) (dispatch.Sender, error) { return c.s, nil }

type runs struct {
	mu   sync.Mutex
	seen map[int64]int
}

func (r *runs) CommandHandled(ctx context.Context, runID int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen[runID]++
	return nil
}

// temporary is an error that may pass, as the arr client reports an
// unreachable instance.
type temporary struct{}

func (temporary) Error() string   { return "connection refused" }
func (temporary) Temporary() bool { return true }

func instance(t *testing.T, st *store.Store, rate float64, burst int) domain.Instance {
	t.Helper()
	ctx := context.Background()
	u, err := st.Users().Create(ctx, domain.User{Username: fmt.Sprintf("u%d", time.Now().UnixNano()), PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := st.Instances().Create(ctx, domain.Instance{
		OwnerID: u.ID, Name: "sonarr", Kind: domain.KindSonarr, URL: "http://127.0.0.1:8989",
		RatePerSecond: rate, Burst: burst, TimeoutSeconds: 5,
	}, domain.Secret("k"))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func enqueue(t *testing.T, st *store.Store, inst domain.Instance, runID int64, ids ...int64) {
	t.Helper()
	for _, id := range ids {
		c := domain.Command{Name: domain.CmdEpisodeSearch, EpisodeIDs: []int64{id}}
		body, _ := domain.EncodeCommandBody(c)
		if _, _, err := st.Commands().InsertPending(context.Background(), domain.DispatchedCommand{
			IdempotencyKey: fmt.Sprintf("i%d-e%d", inst.ID, id), InstanceID: inst.ID, Name: c.Name, Body: body, Cost: 1,
			Items: []domain.ItemKey{{Type: domain.ItemEpisode, ID: id}}, Status: domain.CommandPending, CreatedAt: time.Now().UTC(),
		}); err != nil {
			t.Fatal(err)
		}
	}
}

func start(t *testing.T, st *store.Store, s *sender, r *runs) *dispatch.Dispatcher {
	t.Helper()
	d, err := dispatch.New(dispatch.Deps{
		Store: st, Connector: connector{s}, Runs: r,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, dispatch.Config{RetryDelay: 20 * time.Millisecond, PollInterval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Stop(context.Background()) })
	return d
}

// waitFor polls cond. Its bound only turns a hang into a failure: a loaded
// machine may take many times longer than the rates under test imply.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRateAndBurstAreNeverExceeded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const rate, burst, n = 40.0, 3, 30
		inst := instance(t, st, rate, burst)
		ids := make([]int64, n)
		for i := range ids {
			ids[i] = int64(i + 1)
		}
		enqueue(t, st, inst, 0, ids...)
		s := &sender{}
		// Commands left pending before the start are picked up by Start.
		start(t, st, s, &runs{seen: map[int64]int{}})
		// A POST may carry several episodes (up to the burst): the
		// bucket counts each one.
		episodes := func() []sent {
			var out []sent
			for _, c := range s.snapshot() {
				for _, id := range c.cmd.EpisodeIDs {
					one := c
					one.cmd.EpisodeIDs = []int64{id}
					out = append(out, one)
				}
			}
			return out
		}
		waitFor(t, "every command", func() bool { return len(episodes()) == n })

		got := episodes()
		for i, c := range got {
			if c.cmd.EpisodeIDs[0] != int64(i+1) {
				t.Fatalf("command %d searched episode %d: order lost", i, c.cmd.EpisodeIDs[0])
			}
		}
		// In any window, at most burst + rate×window searches went out. The
		// sender stamps a command a little after its tokens were granted
		// (the send is recorded in the database first), and that delay
		// varies on a loaded machine; it is allowed as slack on the window.
		// A limiter that let commands through unpaced would still break the
		// bound.
		const slack = 0.05
		for i := range got {
			for j := i + 1; j < len(got); j++ {
				window := got[j].at.Sub(got[i].at).Seconds()
				if allowed := float64(burst) + rate*(window+slack); float64(j-i+1) > allowed {
					t.Fatalf("%d searches within %.3fs: the limit allows %.2f", j-i+1, window, allowed)
				}
			}
		}
		waitFor(t, "every command recorded", func() bool {
			pending, _ := st.Commands().ListPending(context.Background(), inst.ID)
			return len(pending) == 0
		})
	})
}

func TestTemporaryErrorsKeepTheCommandPermanentOnesFailIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		inst := instance(t, st, 1000, 1)
		enqueue(t, st, inst, 0, 1, 2)
		s := &sender{failures: map[int64][]error{
			1: {temporary{}},
			2: {errors.New("arr: bad request: episodeIds: not found")},
		}}
		start(t, st, s, &runs{seen: map[int64]int{}})
		waitFor(t, "the retried command", func() bool { return len(s.snapshot()) == 1 })
		if got := s.snapshot()[0].cmd.EpisodeIDs[0]; got != 1 {
			t.Fatalf("sent episode %d, want 1 after its retry", got)
		}
		waitFor(t, "the failed command", func() bool {
			failed, _ := st.Commands().ListByStatus(ctx, inst.ID, domain.CommandFailed)
			return len(failed) == 1
		})
		failed, _ := st.Commands().ListByStatus(ctx, inst.ID, domain.CommandFailed)
		if failed[0].Items[0].ID != 2 || failed[0].Error == "" {
			t.Fatalf("failed command = %+v", failed[0])
		}
		states, _ := st.ItemStates().Get(ctx, inst.ID, []domain.ItemKey{{Type: domain.ItemEpisode, ID: 1}, {Type: domain.ItemEpisode, ID: 2}})
		if s1 := states[domain.ItemKey{Type: domain.ItemEpisode, ID: 1}]; s1.SearchCount != 1 || s1.CooldownUntil == nil {
			t.Errorf("episode 1 state = %+v, want one search and a cooldown", s1)
		}
		if s2, ok := states[domain.ItemKey{Type: domain.ItemEpisode, ID: 2}]; ok && s2.SearchCount != 0 {
			t.Errorf("episode 2 was never searched, state = %+v", s2)
		}
	})
}

func TestStopLeavesTheRestPending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		inst := instance(t, st, 2, 1)
		enqueue(t, st, inst, 0, 1, 2, 3, 4, 5, 6, 7, 8)
		s := &sender{}
		d := start(t, st, s, &runs{seen: map[int64]int{}})
		waitFor(t, "the first command", func() bool { return len(s.snapshot()) >= 1 })
		if err := d.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		n := len(s.snapshot())
		pending, _ := st.Commands().ListPending(ctx, inst.ID)
		if n+len(pending) != 8 {
			t.Fatalf("%d sent + %d pending, want 8: a command was lost or doubled", n, len(pending))
		}
		if len(pending) == 0 {
			t.Fatal("stop did not stop: everything was sent at 2/s")
		}
	})
}
