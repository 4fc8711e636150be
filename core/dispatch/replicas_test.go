package dispatch_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr/fakearr"
	"github.com/vibequality/searcharr/core/dispatch"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// replicaCfg gives leases a second: long enough that a loaded machine does
// not let a live holder's lease lapse between renewals, short enough for
// takeover tests.
var replicaCfg = dispatch.Config{LeaseDuration: time.Second, LeaseRenewInterval: 250 * time.Millisecond}

// replica is one dispatcher process among several over one database; it
// counts the commands it sent, per instance.
type replica struct {
	env *simEnv
	d   *dispatch.Dispatcher

	mu   sync.Mutex
	sent map[int64]int
}

func (r *replica) Connect(ctx context.Context, id int64) (dispatch.Sender, error) {
	s, err := r.env.Connect(ctx, id)
	if err != nil {
		return nil, err
	}
	return countingSender{Sender: s, r: r, id: id}, nil
}

func (r *replica) count(id int64) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sent[id]
}

type countingSender struct {
	dispatch.Sender
	r  *replica
	id int64
}

func (s countingSender) SendCommand(ctx context.Context, c domain.Command) (int64, error) {
	id, err := s.Sender.SendCommand(ctx, c)
	if err == nil {
		s.r.mu.Lock()
		s.r.sent[s.id]++
		s.r.mu.Unlock()
	}
	return id, err
}

// replica starts a dispatcher of its own over the environment's store and
// simulator.
func (e *simEnv) replica(cfg dispatch.Config) *replica {
	e.t.Helper()
	r := &replica{env: e, sent: map[int64]int{}}
	deps := dispatch.Deps{Store: e.st, Connector: r, Publisher: e, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if e.clock != nil {
		deps.Now = e.clock.Now
	}
	cfg.RetryDelay, cfg.MaxRetryDelay = 10*time.Millisecond, 50*time.Millisecond
	cfg.PollInterval, cfg.HoldCheckInterval = 5*time.Millisecond, 20*time.Millisecond
	d, err := dispatch.New(deps, cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := d.Start(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { d.Stop(context.Background()) })
	r.d = d
	return r
}

// assertRate fails when posts (in arrival order) come faster than rate
// and burst allow.
func assertRate(t *testing.T, got []post, rate float64, burst int) {
	t.Helper()
	for i := range got {
		for j := i + 1; j < len(got); j++ {
			window := got[j].at.Sub(got[i].at) + jitter
			if allowed := float64(burst) + rate*window.Seconds(); float64(j-i+1) > allowed {
				t.Fatalf("%d commands within %s at the arr: rate %v and burst %d allow %.1f", j-i+1, got[j].at.Sub(got[i].at), rate, burst, allowed)
			}
		}
	}
}

func TestReplicasSendForAnInstanceOneAtATimeAndTakeOver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const rate, burst, n = 40.0, 1, 40
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 200, Seed: 11})
		inst := e.addInstance("sonarr", domain.Instance{RatePerSecond: rate, Burst: burst, MaxInFlight: 1000})
		for i := 1; i <= n; i++ {
			e.enqueue(inst, 0, episodeSearch(int64(i)))
		}
		a, b := e.replica(replicaCfg), e.replica(replicaCfg)
		waitFor(t, "the first sends", func() bool { return len(e.posts("sonarr", true)) >= 10 })
		holder, other := a, b
		if b.count(inst.ID) > 0 {
			holder, other = b, a
		}
		if other.count(inst.ID) != 0 {
			t.Fatalf("both replicas sent for the instance: %d and %d", holder.count(inst.ID), other.count(inst.ID))
		}
		if err := holder.d.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		before := e.posts("sonarr", true)
		if other.count(inst.ID) != 0 || holder.count(inst.ID) != len(before) {
			t.Fatalf("before the holder stopped: holder sent %d, the other %d, the arr accepted %d", holder.count(inst.ID), other.count(inst.ID), len(before))
		}
		if len(before) == n {
			t.Fatal("the holder sent everything before it was stopped; nothing was left to take over")
		}
		waitFor(t, "the other replica to take over", func() bool {
			return len(e.posts("sonarr", true)) == n && other.count(inst.ID) == n-len(before)
		})
		after := e.posts("sonarr", true)[len(before):]
		if other.count(inst.ID) != len(after) {
			t.Fatalf("after the takeover the other replica sent %d, the arr accepted %d", other.count(inst.ID), len(after))
		}
		assertRate(t, before, rate, burst)
		assertRate(t, after, rate, burst)
		assertOnce(t, e, "sonarr", n, n)
	})
}

func TestReplicasTakeOverAnExpiredLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 50, Seed: 12})
		inst := e.addInstance("sonarr", domain.Instance{RatePerSecond: 1000, Burst: 1, MaxInFlight: 1000})
		// A replica that died holds the lease: nothing is sent until it
		// expires.
		until := time.Now().Add(700 * time.Millisecond)
		if ok, err := st.AcquireDispatchLease(ctx, inst.ID, "dead replica", time.Now(), until); err != nil || !ok {
			t.Fatalf("lease taken = %v, %v", ok, err)
		}
		for i := 1; i <= 5; i++ {
			e.enqueue(inst, 0, episodeSearch(int64(i)))
		}
		r := e.replica(replicaCfg)
		waitFor(t, "the sends after the lease expired", func() bool { return len(e.posts("sonarr", true)) == 5 && r.count(inst.ID) == 5 })
		if first := e.posts("sonarr", true)[0].at; first.Before(until) {
			t.Fatalf("a command reached the arr %s before the dead replica's lease expired", until.Sub(first))
		}
		if r.count(inst.ID) != 5 {
			t.Fatalf("the replica sent %d, want 5", r.count(inst.ID))
		}
		assertOnce(t, e, "sonarr", 5, 5)
	})
}

func TestReplicasShareABudgetGroupsCaps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const hourly = 12
		clock := fakearr.NewManualClock(time.Now().UTC().Truncate(time.Second))
		e := newSimEnv(t, st, clock,
			fakearr.InstanceConfig{Name: "one", Kind: domain.KindSonarr, Episodes: 100, Seed: 13},
			fakearr.InstanceConfig{Name: "two", Kind: domain.KindSonarr, Episodes: 100, Seed: 14})
		one := e.addInstance("one", domain.Instance{RatePerSecond: 1000, Burst: 1, HourlyCap: hourly, BudgetGroup: "shared", MaxInFlight: 1000})
		two := e.addInstance("two", domain.Instance{RatePerSecond: 1000, Burst: 1, HourlyCap: hourly, BudgetGroup: "shared", MaxInFlight: 1000})
		for i := 1; i <= 20; i++ {
			e.enqueue(one, 0, episodeSearch(int64(i)))
			e.enqueue(two, 0, episodeSearch(int64(i)))
		}
		cfg := replicaCfg
		cfg.PendingExpiry, cfg.InFlightTimeout = 1000*time.Hour, 1000*time.Hour
		reps := []*replica{e.replica(cfg), e.replica(cfg), e.replica(cfg)}
		sent := func() int {
			return totalCost(e.settle("one", 300*time.Millisecond)) + totalCost(e.settle("two", 300*time.Millisecond))
		}
		if got := sent(); got != hourly {
			t.Fatalf("the group's instances were sent %d indexer searches, the shared hourly cap is %d", got, hourly)
		}
		clock.Advance(time.Hour + time.Second)
		for _, r := range reps {
			r.d.Wake(one.ID)
			r.d.Wake(two.ID)
		}
		waitFor(t, "the next hour's sends", func() bool {
			return len(e.posts("one", true))+len(e.posts("two", true)) >= 2*hourly
		})
		if got := sent(); got != 2*hourly {
			t.Fatalf("after an hour the group was sent %d indexer searches, want %d", got, 2*hourly)
		}
		for _, inst := range []domain.Instance{one, two} {
			senders := 0
			for _, r := range reps {
				if r.count(inst.ID) > 0 {
					senders++
				}
			}
			if senders == 0 {
				t.Fatalf("no replica sent for instance %d", inst.ID)
			}
		}
		seen := map[string]bool{}
		for _, name := range []string{"one", "two"} {
			for _, p := range e.posts(name, true) {
				k := name + "/" + string(rune(p.cmd.EpisodeIDs[0]))
				if seen[k] {
					t.Fatalf("%s: episode %d searched twice", name, p.cmd.EpisodeIDs[0])
				}
				seen[k] = true
			}
		}
	})
}

func TestPauseOutlivesARestartUntilResumed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 50, Seed: 15})
		inst := e.addInstance("sonarr", domain.Instance{RatePerSecond: 1000, Burst: 1, MaxInFlight: 1000})
		first := e.replica(replicaCfg)
		first.d.Pause(inst.ID, "indexers failing: NZBgeek")
		if err := first.d.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 3; i++ {
			e.enqueue(inst, 0, episodeSearch(int64(i)))
		}
		again := e.replica(replicaCfg)
		// Another replica, running all along, holds to the pause too.
		time.Sleep(300 * time.Millisecond)
		if n := len(e.posts("sonarr", false)); n != 0 {
			t.Fatalf("%d commands sent to a paused instance after a restart", n)
		}
		b, err := again.d.Budget(ctx, inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !b.Paused || len(b.Reasons) == 0 || b.Reasons[0] != domain.PauseManual || b.PauseMessage != "indexers failing: NZBgeek" || b.Pending != 3 {
			t.Fatalf("budget after a restart = %+v", b)
		}
		again.d.Resume(inst.ID)
		waitFor(t, "the commands after resume", func() bool { return len(e.posts("sonarr", true)) == 3 })
		if b, err := again.d.Budget(ctx, inst.ID); err != nil || b.PauseMessage != "" {
			t.Fatalf("budget after resume = %+v, %v", b, err)
		}
		pauses, err := st.DispatchPauses(ctx, 0)
		if err != nil || len(pauses) != 0 {
			t.Fatalf("stored pauses after resume = %v, %v", pauses, err)
		}
	})
}

func TestPauseSetOnOneReplicaHoldsOnTheHolder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 50, Seed: 16})
		inst := e.addInstance("sonarr", domain.Instance{RatePerSecond: 1000, Burst: 1, MaxInFlight: 1000})
		holder := e.replica(replicaCfg)
		e.enqueue(inst, 0, episodeSearch(1))
		holder.d.Wake(inst.ID)
		waitFor(t, "the first send", func() bool { return len(e.posts("sonarr", true)) == 1 })
		// Another replica takes the Health webhook and pauses.
		other := e.replica(replicaCfg)
		other.d.Pause(inst.ID, "indexers failing")
		// The holder reads the stored pause when it renews its lease.
		time.Sleep(2 * replicaCfg.LeaseRenewInterval)
		for i := 2; i <= 4; i++ {
			e.enqueue(inst, 0, episodeSearch(int64(i)))
		}
		holder.d.Wake(inst.ID)
		time.Sleep(300 * time.Millisecond)
		if n := len(e.posts("sonarr", false)); n != 1 {
			t.Fatalf("%d commands reached the arr while another replica had paused the instance, want 1", n)
		}
		other.d.Resume(inst.ID)
		waitFor(t, "the commands after resume on the other replica", func() bool { return len(e.posts("sonarr", true)) == 4 })
		assertOnce(t, e, "sonarr", 4, 4)
	})
}

func TestAStableHolderTakesBackItsLeaseAfterACrash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 50, Seed: 17})
		inst := e.addInstance("sonarr", domain.Instance{RatePerSecond: 1000, Burst: 1, MaxInFlight: 1000})
		// The process died holding an hour-long lease under its name.
		if ok, err := st.AcquireDispatchLease(ctx, inst.ID, "node-1", time.Now(), time.Now().Add(time.Hour)); err != nil || !ok {
			t.Fatalf("lease taken = %v, %v", ok, err)
		}
		for i := 1; i <= 3; i++ {
			e.enqueue(inst, 0, episodeSearch(int64(i)))
		}
		cfg := replicaCfg
		cfg.Holder = "node-1"
		e.replica(cfg)
		waitFor(t, "the restarted process's sends", func() bool { return len(e.posts("sonarr", true)) == 3 })
		assertOnce(t, e, "sonarr", 3, 3)
	})
}

func TestAReplicaTakesOverPendingWorkWithoutAWakeOnceTheLeaseLapses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 50, Seed: 18})
		inst := e.addInstance("sonarr", domain.Instance{RatePerSecond: 1000, Burst: 1, MaxInFlight: 1000})
		// The survivor runs before the work exists, so nothing at its start
		// and no local wake tells it of the work.
		survivor := e.replica(replicaCfg)
		// Another replica planned the run, took the lease and died.
		lapse := time.Now().Add(time.Second)
		if ok, err := st.AcquireDispatchLease(ctx, inst.ID, "dead replica", time.Now(), lapse); err != nil || !ok {
			t.Fatalf("lease taken = %v, %v", ok, err)
		}
		for i := 1; i <= 5; i++ {
			e.enqueue(inst, 0, episodeSearch(int64(i)))
		}
		waitFor(t, "the survivor to send the dead replica's work", func() bool { return survivor.count(inst.ID) == 5 })
		posts := e.posts("sonarr", true)
		if first := posts[0].at; first.Before(lapse) {
			t.Fatalf("a command reached the arr %s before the dead replica's lease lapsed", lapse.Sub(first))
		} else if late := first.Sub(lapse); late > 5*time.Second {
			t.Fatalf("the survivor took over %s after the lease lapsed", late)
		}
		assertOnce(t, e, "sonarr", 5, 5)
	})
}

func TestANewLeaseHolderCountsTheCommandsThePreviousOneHasInFlight(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const maxInFlight, duration = 2, time.Second
		ctx := context.Background()
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 50, Seed: 19, CommandDuration: duration})
		inst := e.addInstance("sonarr", domain.Instance{RatePerSecond: 1000, Burst: 1, MaxInFlight: maxInFlight})
		cfgA, cfgB := replicaCfg, replicaCfg
		cfgA.Holder, cfgB.Holder = "replica-a", "replica-b"
		// Both run all along; which one holds the lease is set by taking
		// it in their names.
		a, b := e.replica(cfgA), e.replica(cfgB)
		hand := func(holder string) {
			t.Helper()
			if ok, err := st.AcquireDispatchLease(ctx, inst.ID, holder, time.Now(), time.Now().Add(time.Hour)); err != nil || !ok {
				t.Fatalf("lease taken for %s = %v, %v", holder, ok, err)
			}
		}
		hand("replica-a")
		for i := 1; i <= maxInFlight; i++ {
			e.enqueue(inst, 0, episodeSearch(int64(i)))
		}
		a.d.Wake(inst.ID)
		// a sends up to the limit, finds nothing more pending and gives
		// the lease up, while its commands still run at the arr.
		waitFor(t, "the first replica's sends and its lease given up", func() bool {
			var held int
			q := "SELECT count(*) FROM dispatch_leases WHERE instance_id = ?"
			if st.Dialect() == store.DialectPostgres {
				q = strings.Replace(q, "?", "$1", 1)
			}
			if err := st.DB().QueryRowContext(ctx, q, inst.ID).Scan(&held); err != nil {
				t.Fatal(err)
			}
			return a.count(inst.ID) == maxInFlight && held == 0
		})
		hand("replica-b")
		for i := maxInFlight + 1; i <= 2*maxInFlight; i++ {
			e.enqueue(inst, 0, episodeSearch(int64(i)))
		}
		b.d.Wake(inst.ID)
		waitFor(t, "every send", func() bool { return len(e.posts("sonarr", true)) == 2*maxInFlight })
		posts := e.posts("sonarr", true)
		if b.count(inst.ID) != maxInFlight {
			t.Fatalf("the second replica sent %d, want %d", b.count(inst.ID), maxInFlight)
		}
		// The first command ends at the arr duration after it arrived: only
		// then may a third be in flight.
		if freed := posts[0].at.Add(duration - jitter); posts[maxInFlight].at.Before(freed) {
			t.Fatalf("command %d reached the arr %s before a slot of max_in_flight %d was free",
				maxInFlight+1, freed.Sub(posts[maxInFlight].at), maxInFlight)
		}
		assertOnce(t, e, "sonarr", 2*maxInFlight, 2*maxInFlight)
	})
}
