package dispatch_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr/fakearr"
	"github.com/vibequality/searcharr/core/dispatch"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// assertOnce fails unless every command was accepted by the arr exactly
// once and the simulator ran each once.
func assertOnce(t *testing.T, e *simEnv, simName string, episodes, commands int) {
	t.Helper()
	seen := map[int64]int{}
	for _, p := range e.posts(simName, true) {
		for _, id := range p.cmd.EpisodeIDs {
			seen[id]++
		}
	}
	if len(seen) != episodes {
		t.Fatalf("%d episodes searched, want %d", len(seen), episodes)
	}
	for id, k := range seen {
		if k != 1 {
			t.Fatalf("episode %d accepted %d times", id, k)
		}
	}
	if c := e.sim.Instance(simName).Counters().Commands; c != commands {
		t.Fatalf("the simulator ran %d commands, want %d", c, commands)
	}
}

func TestServerErrorsAndRateLimitsBackOffWithoutDoubling(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 200, Seed: 7})
		inst := e.addInstance("sonarr", domain.Instance{RatePerSecond: 1000, Burst: 1})
		fault, err := e.sim.Faults().Add(fakearr.Fault{PathPrefix: "/api/v3/command", Status: 500})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for i := int64(1); i <= 3; i++ {
			ids = append(ids, e.enqueue(inst, 0, episodeSearch(i)).ID)
		}
		d := e.dispatcher(dispatch.Config{BreakerFailures: 1000})
		waitFor(t, "the error recorded", func() bool { return strings.Contains(status(t, st, ids[0]).Error, "500") })
		if c := status(t, st, ids[0]); c.Status != domain.CommandPending {
			t.Fatalf("command after a 500 is %s, want pending", c.Status)
		}
		e.sim.Faults().Remove(fault)
		waitFor(t, "every command sent", func() bool { return len(e.posts("sonarr", true)) == 3 })
		if all := e.posts("sonarr", false); all[0].status != http.StatusInternalServerError {
			t.Fatalf("the first POST was answered %d, want the simulated 500", all[0].status)
		}
		waitFor(t, "every command completed", func() bool {
			for _, id := range ids {
				if status(t, st, id).Status != domain.CommandCompleted {
					return false
				}
			}
			return true
		})
		assertOnce(t, e, "sonarr", 3, 3)

		// 429 with Retry-After: the next POST waits for it.
		if _, err := e.sim.Faults().Add(fakearr.Fault{PathPrefix: "/api/v3/command", Status: 429, RetryAfter: 1, Remaining: 1}); err != nil {
			t.Fatal(err)
		}
		e.enqueue(inst, 0, episodeSearch(4))
		d.Wake(inst.ID)
		waitFor(t, "the rate-limited command", func() bool { return len(e.posts("sonarr", true)) == 4 })
		var limited, next time.Time
		for _, p := range e.posts("sonarr", false) {
			if p.status == http.StatusTooManyRequests {
				limited = p.at
			} else if !limited.IsZero() && p.status == http.StatusCreated {
				next = p.at
			}
		}
		if limited.IsZero() || next.Sub(limited) < 950*time.Millisecond {
			t.Fatalf("POST after the 429 came %s later, want the Retry-After of 1s", next.Sub(limited))
		}
		assertOnce(t, e, "sonarr", 4, 4)
	})
}

func TestTimeoutsAreReconciledNotDoubled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 200, Seed: 8})
		e.timeout = 200 * time.Millisecond
		inst := e.addInstance("sonarr", domain.Instance{RatePerSecond: 1000, Burst: 1})
		if _, err := e.sim.Faults().Add(fakearr.Fault{PathPrefix: "/api/v3/command", Latency: fakearr.Duration(time.Second), Remaining: 2}); err != nil {
			t.Fatal(err)
		}
		id := e.enqueue(inst, 0, episodeSearch(9)).ID
		e.dispatcher(dispatch.Config{})
		waitFor(t, "the command completed", func() bool { return status(t, st, id).Status == domain.CommandCompleted })
		assertOnce(t, e, "sonarr", 1, 1)
		if n := len(e.posts("sonarr", false)); n < 2 {
			t.Fatalf("%d POSTs, want the timed-out one and its resend", n)
		}
	})
}

func TestReconcileFindsACommandPostedBeforeACrash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 200, Seed: 9, CommandDuration: time.Hour})
		inst := e.addInstance("sonarr", domain.Instance{RatePerSecond: 1000, Burst: 1})
		// One command reached the arr before the crash, one did not.
		reached := e.enqueue(inst, 0, episodeSearch(1, 2))
		lost := e.enqueue(inst, 0, episodeSearch(3))
		for _, c := range []domain.DispatchedCommand{reached, lost} {
			if err := st.Commands().MarkAttempted(ctx, []int64{c.ID}, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		sender, _ := e.Connect(ctx, inst.ID)
		arrID, err := sender.SendCommand(ctx, episodeSearch(2, 1))
		if err != nil {
			t.Fatal(err)
		}
		e.dispatcher(dispatch.Config{})
		waitFor(t, "both settled", func() bool {
			return status(t, st, reached.ID).Status == domain.CommandSent && status(t, st, lost.ID).Status == domain.CommandSent
		})
		if got := status(t, st, reached.ID).ArrCommandID; got != arrID {
			t.Fatalf("reconciled under arr command %d, want %d", got, arrID)
		}
		if n := len(e.posts("sonarr", true)); n != 2 {
			t.Fatalf("the arr received %d commands, want 2: the one before the crash and the lost one", n)
		}
		assertOnce(t, e, "sonarr", 3, 2)
	})
}

func TestBreakerOpensOnRefusedConnectionsAndClosesOnRecovery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 200, Seed: 10})
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close() // refused from now on
		inst := e.addInstance("sonarr", domain.Instance{URL: "http://" + addr, RatePerSecond: 1000, Burst: 1})
		var ids []int64
		for i := int64(1); i <= 3; i++ {
			ids = append(ids, e.enqueue(inst, 0, episodeSearch(i)).ID)
		}
		d := e.dispatcher(dispatch.Config{BreakerFailures: 3, BreakerOpenFor: 300 * time.Millisecond})
		waitFor(t, "the breaker to open", func() bool {
			b, err := d.Budget(ctx, inst.ID)
			return err == nil && b.BreakerState == "open" && b.Paused && b.Reasons[0] == domain.PauseBreaker
		})
		if c := status(t, st, ids[0]); c.Status != domain.CommandPending || !strings.Contains(c.Error, "unreachable") {
			t.Fatalf("command while refused = %s %q, want pending with the error recorded", c.Status, c.Error)
		}

		l2, err := net.Listen("tcp", addr)
		if err != nil {
			t.Skipf("port %s not free again: %v", addr, err)
		}
		srv := &http.Server{Handler: e.sim}
		go srv.Serve(l2)
		t.Cleanup(func() { srv.Close() })
		waitFor(t, "every command sent after recovery", func() bool {
			for _, id := range ids {
				if status(t, st, id).Status == domain.CommandPending {
					return false
				}
			}
			return true
		})
		b, _ := d.Budget(ctx, inst.ID)
		if b.BreakerState != "closed" {
			t.Fatalf("breaker %s after recovery, want closed", b.BreakerState)
		}
		assertOnce(t, e, "sonarr", 3, 3)
	})
}
