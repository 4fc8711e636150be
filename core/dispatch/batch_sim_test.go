package dispatch_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr/fakearr"
	"github.com/vibequality/searcharr/core/dispatch"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func moviesSearch(ids ...int64) domain.Command {
	return domain.Command{Name: domain.CmdMoviesSearch, MovieIDs: ids}
}

// TestBurstSendsSeveralMoviesInOnePOST: 50 movies due together on a Radarr
// with burst 10 reach the simulator in at most 5 POSTs, each movie once,
// with the rate holding per indexer search; with burst 1 each movie has a
// POST of its own.
func TestBurstSendsSeveralMoviesInOnePOST(t *testing.T) {
	for _, tc := range []struct {
		burst     int
		rate      float64
		wantPosts func(n int) bool
	}{
		{10, 20, func(n int) bool { return n <= 5 }},
		{1, 200, func(n int) bool { return n == 50 }},
	} {
		// Named subtests: a "#" in a test name would cut the SQLite file
		// URI of its temporary directory.
		t.Run(fmt.Sprintf("burst%d", tc.burst), func(t *testing.T) { burstCase(t, tc.burst, tc.rate, tc.wantPosts) })
	}
}

func burstCase(t *testing.T, burst int, rate float64, wantPosts func(int) bool) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindRadarr, Movies: 100, Seed: 21, CommandDuration: 50 * time.Millisecond})
		inst := e.addInstance("radarr", domain.Instance{RatePerSecond: rate, Burst: burst})
		for id := int64(1); id <= 50; id++ {
			e.enqueue(inst, 0, moviesSearch(id))
		}
		e.dispatcher(dispatch.Config{})
		waitFor(t, "every movie", func() bool { return totalCost(e.posts("radarr", true)) == 50 })
		got := e.posts("radarr", true)
		if !wantPosts(len(got)) {
			t.Fatalf("burst %d: 50 movies took %d POSTs", burst, len(got))
		}
		seen := map[int64]bool{}
		for _, p := range got {
			if p.cost > burst {
				t.Fatalf("burst %d: a POST of %d movies", burst, p.cost)
			}
			for _, id := range p.cmd.MovieIDs {
				if seen[id] {
					t.Fatalf("movie %d searched twice", id)
				}
				seen[id] = true
			}
		}
		// Per indexer search: at most burst + rate×window movies in any
		// window, with slack for the delay between a batch's tokens and
		// its arrival (the rows are recorded first), which varies by
		// hundreds of milliseconds on a loaded machine. Unpaced batches
		// would still break the bound: 50 movies in a few ms.
		for i := range got {
			searches := 0
			for j := i; j < len(got); j++ {
				searches += got[j].cost
				window := got[j].at.Sub(got[i].at) + 250*time.Millisecond
				if allowed := float64(burst) + rate*window.Seconds(); float64(searches) > allowed {
					t.Fatalf("%d movies within %s: rate %v and burst %d allow %.1f", searches, got[j].at.Sub(got[i].at), rate, burst, allowed)
				}
			}
		}
		waitFor(t, "every command completed", func() bool {
			done, _ := st.Commands().ListByStatus(context.Background(), inst.ID, domain.CommandCompleted)
			return len(done) == 50
		})
	})
}

// TestBatchesAreCutToTheCap: with an hourly cap of 25 indexer searches and
// a burst of 10, exactly 25 movies reach the arr, the last POST cut to
// what the cap has left; the rest wait.
func TestBatchesAreCutToTheCap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindRadarr, Movies: 100, Seed: 22, CommandDuration: 20 * time.Millisecond})
		inst := e.addInstance("radarr", domain.Instance{RatePerSecond: 100, Burst: 10, HourlyCap: 25})
		for id := int64(1); id <= 40; id++ {
			e.enqueue(inst, 0, moviesSearch(id))
		}
		e.dispatcher(dispatch.Config{PendingExpiry: time.Hour})
		got := e.settle("radarr", 300*time.Millisecond)
		if c := totalCost(got); c != 25 {
			t.Fatalf("%d movies sent under an hourly cap of 25", c)
		}
		if len(got) > 4 {
			t.Fatalf("25 movies took %d POSTs with burst 10", len(got))
		}
		assertWindows(t, got, time.Hour, 25)
	})
}

// TestDefaultSettingsReachTheConfiguredRate: with rate_per_second 2 and
// every other setting at its default (burst 1, max_in_flight 3, the
// default polling of commands in flight), 40 searches reach the simulator
// at 2/s ±5%, measured from the first arrival to the last.
func TestDefaultSettingsReachTheConfiguredRate(t *testing.T) {
	if testing.Short() {
		t.Skip("20 s of pacing skipped in -short mode")
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const n, rate = 40, 2.0
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindSonarr, Episodes: 200, Seed: 23, CommandDuration: 100 * time.Millisecond})
		inst := e.addInstance("sonarr", domain.Instance{RatePerSecond: rate})
		for id := int64(1); id <= n; id++ {
			e.enqueue(inst, 0, episodeSearch(id))
		}
		// The dispatcher's own defaults, not the shortened intervals of
		// e.dispatcher.
		d, err := dispatch.New(dispatch.Deps{Store: st, Connector: e, Publisher: e, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, dispatch.Config{})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Stop(context.Background()) })
		waitFor(t, "every search", func() bool { return len(e.posts("sonarr", true)) == n })
		got := e.posts("sonarr", true)
		span := got[n-1].at.Sub(got[0].at)
		measured := float64(n-1) / span.Seconds()
		t.Logf("%d searches in %s: %.3f/s", n, span, measured)
		if measured < rate*0.95 || measured > rate*1.05 {
			t.Fatalf("%d searches reached the arr at %.3f/s over %s, want %v/s ±5%%", n, measured, span, rate)
		}
	})
}

// TestABatchPostedBeforeACrashIsSettledWhole: three movies were marked
// attempted as one batch and their merged MoviesSearch reached the arr
// before the crash. After the restart the batch is found in the arr's
// command list and every command of it is recorded under that arr command;
// nothing is posted again, and the movie pending beside it is sent.
func TestABatchPostedBeforeACrashIsSettledWhole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newSimEnv(t, st, nil, fakearr.InstanceConfig{Kind: domain.KindRadarr, Movies: 100, Seed: 24, CommandDuration: time.Hour})
		inst := e.addInstance("radarr", domain.Instance{RatePerSecond: 1000, Burst: 10})
		var batch []int64
		for id := int64(1); id <= 3; id++ {
			batch = append(batch, e.enqueue(inst, 0, moviesSearch(id)).ID)
		}
		if err := st.Commands().MarkAttempted(ctx, batch, time.Now()); err != nil {
			t.Fatal(err)
		}
		later := e.enqueue(inst, 0, moviesSearch(4))
		sender, _ := e.Connect(ctx, inst.ID)
		arrID, err := sender.SendCommand(ctx, moviesSearch(3, 1, 2))
		if err != nil {
			t.Fatal(err)
		}
		e.dispatcher(dispatch.Config{})
		waitFor(t, "every command settled", func() bool {
			for _, id := range append(batch, later.ID) {
				if status(t, st, id).Status != domain.CommandSent {
					return false
				}
			}
			return true
		})
		for _, id := range batch {
			if got := status(t, st, id).ArrCommandID; got != arrID {
				t.Fatalf("command %d recorded under arr command %d, want the batch's %d", id, got, arrID)
			}
		}
		posts := e.posts("radarr", true)
		if len(posts) != 2 || len(posts[1].cmd.MovieIDs) != 1 || posts[1].cmd.MovieIDs[0] != 4 {
			t.Fatalf("the arr received %+v, want the batch before the crash and then movie 4 alone", posts)
		}
	})
}
