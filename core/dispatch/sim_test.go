package dispatch_test

import (
	"context"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr/fakearr"
	"github.com/vibequality/searcharr/core/dispatch"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// jitter is the delay allowed between a token and the arrival of its
// request at the simulator: the bucket paces sends, the simulator timestamps
// arrivals, and between the two the send is recorded in the database and
// crosses loopback, which on a loaded machine varies by tens of
// milliseconds.
const jitter = 50 * time.Millisecond

func TestRateAndBurstHoldAtTheArrOverThousandsOfCommands(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const rate, burst, n = 200.0, 5, 1200
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 2000, Seed: 1})
		inst := e.addInstance("sonarr", domain.Instance{RatePerSecond: rate, Burst: burst, MaxInFlight: 1000})
		for i := 1; i <= n; i++ {
			e.enqueue(inst, 0, episodeSearch(int64(i)))
		}
		e.dispatcher(dispatch.Config{})
		waitFor(t, "every command", func() bool { return totalCost(e.posts("sonarr", true)) == n })

		// The bucket counts indexer searches: a POST of K episodes takes
		// K tokens.
		got := e.posts("sonarr", true)
		for i := range got {
			searches := 0
			for j := i; j < len(got); j++ {
				searches += got[j].cost
				window := got[j].at.Sub(got[i].at) + jitter
				if allowed := float64(burst) + rate*window.Seconds(); float64(searches) > allowed {
					t.Fatalf("%d indexer searches within %s at the arr: rate %v and burst %d allow %.1f", searches, got[j].at.Sub(got[i].at), rate, burst, allowed)
				}
			}
		}
		seen := map[int64]bool{}
		for _, p := range got {
			for _, id := range p.cmd.EpisodeIDs {
				if seen[id] {
					t.Fatalf("episode %d searched twice", id)
				}
				seen[id] = true
			}
		}
	})
}

func TestCapsHoldAcrossARestartCountedByCost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const hourly, daily = 10, 25
		clock := fakearr.NewManualClock(time.Now().UTC().Truncate(time.Second))
		e := newSimEnv(t, st, clock, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 500, Seed: 2})
		inst := e.addInstance("sonarr", domain.Instance{RatePerSecond: 1000, Burst: 1, HourlyCap: hourly, DailyCap: daily, MaxInFlight: 100})
		// Costs: 15 single episodes (1), 5 triples (3), 5 season searches (1).
		want := 0
		ep := int64(1)
		for i := 0; i < 25; i++ {
			var c domain.Command
			switch i % 5 {
			case 1:
				c = episodeSearch(ep, ep+1, ep+2)
				ep += 3
			case 3:
				c = domain.Command{Name: domain.CmdSeasonSearch, SeriesID: int64(i/5 + 1), SeasonNumber: 1}
			default:
				c = episodeSearch(ep)
				ep++
			}
			want += c.Cost()
			e.enqueue(inst, 0, c)
		}
		if want != 35 {
			t.Fatalf("the commands cost %d, want 35", want)
		}
		cfg := dispatch.Config{PendingExpiry: 1000 * time.Hour, InFlightTimeout: 1000 * time.Hour}
		d := e.dispatcher(cfg)

		first := e.settle("sonarr", 200*time.Millisecond)
		if c := totalCost(first); c > hourly || c < hourly-2 {
			t.Fatalf("first hour: %d indexer searches sent, want the cap %d (or just under)", c, hourly)
		}
		b, err := d.Budget(context.Background(), inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b.Hour.Used != totalCost(first) || b.Hour.Remaining != hourly-totalCost(first) || !b.Paused || b.NextSendAt == nil {
			t.Fatalf("budget = %+v", b)
		}
		// Reaching the cap is announced once, for the hourly window.
		exhausted := e.published(domain.EventBudgetExhausted)
		if len(exhausted) != 1 {
			t.Fatalf("%d budget_exhausted events after the first hour, want 1", len(exhausted))
		}
		if ev := exhausted[0].(domain.BudgetExhaustedEvent); ev.InstanceID != inst.ID || ev.Window != "hourly" || ev.Limit != hourly || ev.ResetsAt == nil {
			t.Fatalf("budget_exhausted = %+v", ev)
		}

		// Restart half-way through the hour: the new process remembers.
		clock.Advance(30 * time.Minute)
		if err := d.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		d = e.dispatcher(cfg)
		if again := e.settle("sonarr", 200*time.Millisecond); len(again) != len(first) {
			t.Fatalf("after a restart mid-window %d more commands went out", len(again)-len(first))
		}

		// Hour by hour until the daily cap holds, then the next day.
		for i := 0; i < 6; i++ {
			clock.Advance(31 * time.Minute)
			e.settle("sonarr", 150*time.Millisecond)
			clock.Advance(30 * time.Minute)
			e.settle("sonarr", 150*time.Millisecond)
		}
		day1 := e.posts("sonarr", true)
		if c := totalCost(day1); c > daily || c < daily-2 {
			t.Fatalf("first day: %d indexer searches, want the daily cap %d (or just under)", c, daily)
		}
		clock.Advance(24 * time.Hour)
		for i := 0; i < 3 && totalCost(e.posts("sonarr", true)) < want; i++ {
			e.settle("sonarr", 150*time.Millisecond)
			clock.Advance(61 * time.Minute)
		}
		all := e.settle("sonarr", 150*time.Millisecond)
		if totalCost(all) != want {
			t.Fatalf("%d of %d indexer searches sent in the end", totalCost(all), want)
		}
		assertWindows(t, all, time.Hour, hourly)
		assertWindows(t, all, 24*time.Hour, daily)
		byCmd := e.sim.Instance("sonarr").Counters().SearchesByCommand
		if byCmd["EpisodeSearch"] != 30 {
			t.Fatalf("the simulator counted %d episode searches, want 30 (15 single + 5×3)", byCmd["EpisodeSearch"])
		}
	})
}

func TestBudgetGroupSharesOneBudget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := fakearr.NewManualClock(time.Now().UTC().Truncate(time.Second))
		e := newSimEnv(t, st, clock,
			fakearr.InstanceConfig{Kind: domain.KindSonarr, Name: "sonarr", Episodes: 200, Seed: 3},
			fakearr.InstanceConfig{Kind: domain.KindSonarr, Name: "sonarr4k", Episodes: 200, Seed: 4})
		a := e.addInstance("sonarr", domain.Instance{RatePerSecond: 1000, Burst: 1, HourlyCap: 12, BudgetGroup: "shared", MaxInFlight: 50})
		b := e.addInstance("sonarr4k", domain.Instance{RatePerSecond: 1000, Burst: 1, HourlyCap: 20, BudgetGroup: "shared", MaxInFlight: 50})
		for i := int64(1); i <= 20; i++ {
			e.enqueue(a, 0, episodeSearch(i))
			e.enqueue(b, 0, episodeSearch(i))
		}
		d := e.dispatcher(dispatch.Config{PendingExpiry: 1000 * time.Hour, InFlightTimeout: 1000 * time.Hour})
		for hour := 0; hour < 3; hour++ {
			e.settle("sonarr", 150*time.Millisecond)
			e.settle("sonarr4k", 50*time.Millisecond)
			all := append(e.posts("sonarr", true), e.posts("sonarr4k", true)...)
			if got, max := totalCost(all), 12*(hour+1); got != max {
				t.Fatalf("after %d hours the group sent %d searches, want its shared budget %d", hour+1, got, max)
			}
			assertWindows(t, all, time.Hour, 12)
			clock.Advance(time.Hour)
		}
		st1, _ := d.Budget(context.Background(), a.ID)
		if len(st1.GroupMembers) != 2 || st1.Hour.Cap != 12 {
			t.Fatalf("group budget = %+v", st1)
		}
	})
}

func TestQueueGateHoldsUntilTheQueueDrains(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := fakearr.NewManualClock(time.Now().UTC().Truncate(time.Second))
		e := newSimEnv(t, st, clock, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 500, Seed: 5,
			MissingRatio: 0.5, FindChance: 1, ImportDelay: time.Hour})
		const max = 3
		inst := e.addInstance("sonarr", domain.Instance{RatePerSecond: 1000, Burst: 1, MaxQueueSize: max, MaxInFlight: 1})
		for _, id := range e.missingEpisodes("sonarr", 10) {
			e.enqueue(inst, 0, episodeSearch(id))
		}
		d := e.dispatcher(dispatch.Config{PendingExpiry: 1000 * time.Hour, InFlightTimeout: 1000 * time.Hour})
		// Each search grabs one release: sends go out while the queue
		// holds 0..max records, then the gate closes.
		if got := e.settle("sonarr", 300*time.Millisecond); len(got) != max+1 {
			t.Fatalf("%d commands sent with the queue filling, want %d", len(got), max+1)
		}
		if q := e.sim.Instance("sonarr").Counters().Queue; q != max+1 {
			t.Fatalf("the queue holds %d records, want %d", q, max+1)
		}
		b, _ := d.Budget(context.Background(), inst.ID)
		if !b.Paused || len(b.Reasons) == 0 || b.Reasons[0] != domain.PauseQueue || b.QueueSize != max+1 {
			t.Fatalf("budget = %+v, want paused by the queue", b)
		}
		clock.Advance(time.Hour + time.Minute) // the downloads import
		if got := e.settle("sonarr", 300*time.Millisecond); len(got) != 2*(max+1) {
			t.Fatalf("%d commands sent after the queue drained, want %d", len(got), 2*(max+1))
		}
	})
}

func TestInFlightLimitHoldsWhileTheArrIsSlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 200, Seed: 6, CommandDuration: 150 * time.Millisecond})
		inst := e.addInstance("sonarr", domain.Instance{RatePerSecond: 1000, Burst: 1, MaxInFlight: 2})
		var ids []int64
		for i := int64(1); i <= 8; i++ {
			ids = append(ids, e.enqueue(inst, 0, episodeSearch(i)).ID)
		}
		e.dispatcher(dispatch.Config{})
		waitFor(t, "every command to end", func() bool {
			for _, id := range ids {
				if status(t, st, id).Status != domain.CommandCompleted {
					return false
				}
			}
			return true
		})
		cmds := e.sim.Instance("sonarr").Commands()
		if len(cmds) != 8 {
			t.Fatalf("the simulator received %d commands, want 8", len(cmds))
		}
		peak := 0
		for _, c := range cmds {
			open := 0
			for _, o := range cmds {
				if !o.Queued.After(c.Queued) && o.Ended.After(c.Queued) {
					open++
				}
			}
			peak = max(peak, open)
		}
		if peak != 2 {
			t.Fatalf("at most %d commands were open at the arr at once, want exactly the limit 2", peak)
		}
	})
}
