package arr_test

import (
	"slices"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/domain"
)

// TestSimSonarr runs every Sonarr endpoint of the client against the
// simulator, under a URL base, and checks the answers against the
// simulator's own state.
func TestSimSonarr(t *testing.T) {
	e := newSimEnv(t, true)
	in := e.sim.Instance("sonarr")
	info := in.Info(e.origin)
	c := e.client(t, "sonarr", nil)
	ctx := t.Context()
	nSeries, nEpisodes := in.LibrarySize()
	posts := 0

	t.Run("status", func(t *testing.T) { checkStatus(t, c, "Sonarr", "/tv/sonarr") })

	t.Run("library", func(t *testing.T) {
		series, err := c.Series(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(series) != nSeries {
			t.Fatalf("Series: %d, the simulator has %d", len(series), nSeries)
		}
		s := series[len(series)/2]
		one, err := c.SeriesByID(ctx, s.ID)
		if err != nil || one.ID != s.ID || one.Title != s.Title || one.Statistics == nil {
			t.Fatalf("SeriesByID(%d): %+v, %v", s.ID, one, err)
		}
		eps, err := c.Episodes(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for id := 1; id <= nEpisodes; id++ {
			if st, _ := in.Episode(id); st.SeriesID == int(s.ID) {
				want++
			}
		}
		if len(eps) != want || want == 0 {
			t.Fatalf("Episodes(%d): %d, the simulator has %d", s.ID, len(eps), want)
		}
		for _, ep := range eps {
			st, ok := in.Episode(int(ep.ID))
			if !ok || ep.SeriesID != s.ID || ep.SeasonNumber != st.Season || ep.EpisodeNumber != st.Episode || ep.HasFile != st.HasFile {
				t.Fatalf("episode %+v does not match the simulator's %+v", ep, st)
			}
		}
	})

	t.Run("calendar", func(t *testing.T) {
		start, end := simStart.AddDate(0, 0, -14), simStart.AddDate(0, 0, 14)
		for _, unmonitored := range []bool{false, true} {
			items, err := c.Calendar(ctx, start, end, unmonitored)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for id := 1; id <= nEpisodes; id++ {
				st, _ := in.Episode(id)
				if st.AirDateUTC != nil && !st.AirDateUTC.Before(start) && st.AirDateUTC.Before(end) &&
					(unmonitored || st.Monitored && st.SeriesMonitored) {
					want++
				}
			}
			if len(items) != want || want == 0 {
				t.Fatalf("Calendar unmonitored=%v: %d items, the simulator has %d", unmonitored, len(items), want)
			}
			for _, it := range items {
				if it.AirDateUTC == nil || it.AirDateUTC.Before(start) || !it.AirDateUTC.Before(end) || it.SeriesTitle == "" {
					t.Fatalf("calendar item %d: aired %v, series %q", it.Key.ID, it.AirDateUTC, it.SeriesTitle)
				}
			}
		}
	})

	t.Run("tags and profiles", func(t *testing.T) { checkTagsAndProfiles(t, c) })

	t.Run("wanted", func(t *testing.T) {
		missing := in.Wanted(false, true)
		checkSortOrders(t, c, []string{arr.SortSonarrAirDate, arr.SortSonarrSeriesTitle}, missing,
			map[string]func(domain.Item) *time.Time{arr.SortSonarrAirDate: func(it domain.Item) *time.Time { return it.AirDateUTC }})
		bySeries := wantedAll(t, c, arr.ListMissing, arr.WantedQuery{SortKey: arr.SortSonarrSeriesTitle})
		seen := map[int64]bool{}
		for i, it := range bySeries.Items {
			if i > 0 && it.SeriesID != bySeries.Items[i-1].SeriesID && seen[it.SeriesID] {
				t.Fatalf("by series title: series %d appears in two runs", it.SeriesID)
			}
			seen[it.SeriesID] = true
		}

		all := wantedAll(t, c, arr.ListMissing, arr.WantedQuery{})
		for _, it := range all.Items {
			if it.HasFile || !it.Monitored || !it.SeriesMonitored || it.SeriesTitle == "" || it.AirDateUTC == nil || it.AirDateUTC.After(simStart) {
				t.Fatalf("monitored missing item %+v", it)
			}
		}
		unmonitored := false
		un := wantedAll(t, c, arr.ListMissing, arr.WantedQuery{Monitored: &unmonitored})
		if !slices.Equal(itemIDs(un.Items), intsToIDs(in.Wanted(false, false))) || len(un.Items) == 0 {
			t.Fatalf("monitored=false: %d items, the simulator has %d", len(un.Items), len(in.Wanted(false, false)))
		}
		for _, it := range un.Items {
			if it.Monitored && it.SeriesMonitored {
				t.Fatalf("monitored=false item %d: episode and series monitored", it.Key.ID)
			}
		}

		cutoff := wantedAll(t, c, arr.ListCutoff, arr.WantedQuery{})
		if !slices.Equal(itemIDs(cutoff.Items), intsToIDs(in.Wanted(true, true))) || len(cutoff.Items) == 0 {
			t.Fatalf("cutoff: %d items, the simulator has %d", len(cutoff.Items), len(in.Wanted(true, true)))
		}
		for _, it := range cutoff.Items {
			if !it.CutoffNotMet || !it.HasFile || it.SeasonNumber < 1 {
				t.Fatalf("cutoff item %+v", it)
			}
		}
		checkWalk(t, e, c, "sonarr", missing)
	})

	var grabbed []domain.ItemKey
	t.Run("commands", func(t *testing.T) {
		missing := in.Wanted(false, true)
		if len(missing) < 50 {
			t.Fatalf("only %d missing episodes", len(missing))
		}
		ids := intsToIDs(missing[:3])
		posts += 3
		st := e.sendAndWait(t, c, domain.Command{Name: domain.CmdEpisodeSearch, EpisodeIDs: ids}, "Episode search completed. 3 reports downloaded.")
		if cs, _ := in.Command(int(st.ID)); cs.Searches != 3 {
			t.Errorf("EpisodeSearch of 3 episodes made %d indexer searches", cs.Searches)
		}
		for _, id := range ids {
			grabbed = append(grabbed, domain.ItemKey{Type: domain.ItemEpisode, ID: id})
			if ep, _ := in.Episode(int(id)); ep.LastSearchTime == nil || !ep.InQueue {
				t.Errorf("episode %d after EpisodeSearch: %+v", id, ep)
			}
		}

		first, _ := in.Episode(missing[0])
		var other struct{ series, season int }
		for _, id := range missing {
			if ep, _ := in.Episode(id); ep.SeriesID != first.SeriesID {
				other.series, other.season = ep.SeriesID, ep.Season
				break
			}
		}
		st = e.sendAndWait(t, c, domain.Command{Name: domain.CmdSeasonSearch, SeriesID: int64(other.series), SeasonNumber: other.season}, "Season search completed.")
		if cs, _ := in.Command(int(st.ID)); cs.Searches != 1 {
			t.Errorf("SeasonSearch made %d indexer searches, want 1", cs.Searches)
		}
		e.sendAndWait(t, c, domain.Command{Name: domain.CmdSeriesSearch, SeriesID: int64(first.SeriesID)}, "Series search completed.")

		list, err := c.Commands(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 {
			t.Fatalf("Commands: %d, want the 3 sent", len(list))
		}
		for _, cs := range list {
			if !cs.Succeeded() {
				t.Errorf("Commands: %+v", cs)
			}
		}
	})

	t.Run("queue and history", func(t *testing.T) { checkQueueAndHistory(t, c, in, grabbed, simStart) })

	t.Run("sort by last search", func(t *testing.T) {
		missing := in.Wanted(false, true)
		checkSortOrders(t, c, []string{arr.SortSonarrLastSearchTime}, missing,
			map[string]func(domain.Item) *time.Time{arr.SortSonarrLastSearchTime: func(it domain.Item) *time.Time { return it.LastSearchTime }})
		p := wantedAll(t, c, arr.ListMissing, arr.WantedQuery{SortKey: "lastSearchTime", SortDirection: arr.SortDescending})
		if p.SortKey != arr.SortSonarrLastSearchTime || len(p.Items) == 0 || p.Items[0].LastSearchTime == nil {
			t.Fatalf("descending by last search: key %q, first item searched at %v", p.SortKey, p.Items[0].LastSearchTime)
		}
	})

	t.Run("request log", func(t *testing.T) {
		reqs := e.requests("sonarr", "")
		checkRequestLog(t, reqs, info)
		if n := commandPosts(reqs); n != posts {
			t.Errorf("%d POST /command for %d commands sent", n, posts)
		}
	})
}
