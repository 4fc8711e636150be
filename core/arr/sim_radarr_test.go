package arr_test

import (
	"slices"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/domain"
)

// TestSimRadarr runs every Radarr endpoint of the client against the
// simulator, under a URL base, and checks the answers against the
// simulator's own state.
func TestSimRadarr(t *testing.T) {
	e := newSimEnv(t, true)
	in := e.sim.Instance("radarr")
	info := in.Info(e.origin)
	c := e.client(t, "radarr", nil)
	ctx := t.Context()
	_, nMovies := in.LibrarySize()
	posts := 0

	t.Run("status", func(t *testing.T) { checkStatus(t, c, "Radarr", "/films") })

	var movies []arr.Movie
	t.Run("library", func(t *testing.T) {
		var err error
		movies, err = c.Movies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(movies) != nMovies {
			t.Fatalf("Movies: %d, the simulator has %d", len(movies), nMovies)
		}
		for _, m := range movies {
			st, ok := in.Movie(int(m.ID))
			if !ok || m.Title != st.Title || m.Monitored != st.Monitored || m.HasMovieFile() != st.HasFile || m.IsAvailable != st.IsAvailable {
				t.Fatalf("movie %d %q does not match the simulator's %+v", m.ID, m.Title, st)
			}
		}
		m := movies[len(movies)/3]
		one, err := c.Movie(ctx, m.ID)
		if err != nil || one.ID != m.ID || one.Title != m.Title || one.Year != m.Year {
			t.Fatalf("Movie(%d): %+v, %v", m.ID, one, err)
		}
	})

	t.Run("calendar", func(t *testing.T) {
		start, end := simStart.AddDate(0, -2, 0), simStart.AddDate(0, 2, 0)
		inRange := func(t arr.Time) bool { return !t.IsZero() && !t.Before(start) && t.Before(end) }
		for _, unmonitored := range []bool{false, true} {
			items, err := c.Calendar(ctx, start, end, unmonitored)
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, m := range movies {
				if (unmonitored || m.Monitored) && (inRange(m.InCinemas) || inRange(m.DigitalRelease) || inRange(m.PhysicalRelease)) {
					want = append(want, m.ID)
				}
			}
			got := itemIDs(items)
			slices.Sort(got)
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Fatalf("Calendar unmonitored=%v: %d movies, want %d", unmonitored, len(got), len(want))
			}
		}
	})

	t.Run("tags and profiles", func(t *testing.T) { checkTagsAndProfiles(t, c) })

	t.Run("wanted", func(t *testing.T) {
		missing := in.Wanted(false, true)
		checkSortOrders(t, c, []string{arr.SortRadarrTitle, arr.SortRadarrYear, arr.SortRadarrInCinemas,
			arr.SortRadarrDigitalRelease, arr.SortRadarrPhysicalRelease}, missing,
			map[string]func(domain.Item) *time.Time{
				arr.SortRadarrYear: func(it domain.Item) *time.Time {
					y := time.Date(it.Year, 1, 1, 0, 0, 0, 0, time.UTC)
					return &y
				},
				arr.SortRadarrInCinemas:       func(it domain.Item) *time.Time { return it.InCinemas },
				arr.SortRadarrDigitalRelease:  func(it domain.Item) *time.Time { return it.DigitalRelease },
				arr.SortRadarrPhysicalRelease: func(it domain.Item) *time.Time { return it.PhysicalRelease },
			})

		all := wantedAll(t, c, arr.ListMissing, arr.WantedQuery{})
		available := 0
		for _, it := range all.Items {
			if it.HasFile || !it.Monitored || it.Year <= 0 || it.Key.Type != domain.ItemMovie {
				t.Fatalf("monitored missing movie %+v", it)
			}
			if it.IsAvailable {
				available++
			}
		}
		if available == 0 || available == len(all.Items) {
			t.Errorf("%d of %d missing movies available; the list should hold both kinds", available, len(all.Items))
		}
		unmonitored := false
		un := wantedAll(t, c, arr.ListMissing, arr.WantedQuery{Monitored: &unmonitored})
		if !slices.Equal(itemIDs(un.Items), intsToIDs(in.Wanted(false, false))) || len(un.Items) == 0 {
			t.Fatalf("monitored=false: %d movies, the simulator has %d", len(un.Items), len(in.Wanted(false, false)))
		}
		for _, it := range un.Items {
			if it.Monitored {
				t.Fatalf("monitored=false movie %d is monitored", it.Key.ID)
			}
		}
		cutoff := wantedAll(t, c, arr.ListCutoff, arr.WantedQuery{})
		if !slices.Equal(itemIDs(cutoff.Items), intsToIDs(in.Wanted(true, true))) || len(cutoff.Items) == 0 {
			t.Fatalf("cutoff: %d movies, the simulator has %d", len(cutoff.Items), len(in.Wanted(true, true)))
		}
		for _, it := range cutoff.Items {
			if !it.CutoffNotMet || !it.HasFile {
				t.Fatalf("cutoff movie %+v", it)
			}
		}
		checkWalk(t, e, c, "radarr", missing)
	})

	var grabbed []domain.ItemKey
	t.Run("commands", func(t *testing.T) {
		// Radarr grabs only movies with a release date in the past, whatever
		// their monitoring or availability.
		var ids []int64
		for _, it := range wantedAll(t, c, arr.ListMissing, arr.WantedQuery{}).Items {
			released := false
			for _, d := range []*time.Time{it.InCinemas, it.DigitalRelease, it.PhysicalRelease} {
				released = released || d != nil && !d.After(simStart)
			}
			if released && len(ids) < 3 {
				ids = append(ids, it.Key.ID)
			}
		}
		posts++
		st := e.sendAndWait(t, c, domain.Command{Name: domain.CmdMoviesSearch, MovieIDs: ids}, "Completed search for 3 movies. 3 reports downloaded.")
		if cs, _ := in.Command(int(st.ID)); cs.Searches != 3 {
			t.Errorf("MoviesSearch of 3 movies made %d indexer searches", cs.Searches)
		}
		for _, id := range ids {
			grabbed = append(grabbed, domain.ItemKey{Type: domain.ItemMovie, ID: id})
		}
		list, err := c.Commands(ctx)
		if err != nil || len(list) != 1 || list[0].ID != st.ID || !list[0].Succeeded() {
			t.Fatalf("Commands: %+v, %v", list, err)
		}
	})

	t.Run("queue and history", func(t *testing.T) { checkQueueAndHistory(t, c, in, grabbed, simStart) })

	t.Run("sort by last search", func(t *testing.T) {
		missing := in.Wanted(false, true)
		checkSortOrders(t, c, []string{arr.SortRadarrLastSearchTime}, missing,
			map[string]func(domain.Item) *time.Time{arr.SortRadarrLastSearchTime: func(it domain.Item) *time.Time { return it.LastSearchTime }})
		p := wantedAll(t, c, arr.ListMissing, arr.WantedQuery{SortKey: arr.SortRadarrLastSearchTime, SortDirection: arr.SortDescending})
		var first []int64
		for _, it := range p.Items[:len(grabbed)] {
			first = append(first, it.Key.ID)
		}
		var want []int64
		for _, k := range grabbed {
			want = append(want, k.ID)
		}
		slices.Sort(first)
		slices.Sort(want)
		if !slices.Equal(first, want) {
			t.Fatalf("descending by last search starts with %v, want the movies just searched %v", first, want)
		}
	})

	t.Run("request log", func(t *testing.T) {
		reqs := e.requests("radarr", "")
		checkRequestLog(t, reqs, info)
		if n := commandPosts(reqs); n != posts {
			t.Errorf("%d POST /command for %d commands sent", n, posts)
		}
	})
}
