package missing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/vibequality/searcharr/plugins/internal/testlib"
	"github.com/vibequality/searcharr/plugins/missing"
	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

var (
	now  = testlib.Now
	eps  = testlib.Eps
	movs = testlib.Movies
)

func sonarr(states ...sdk.SearchState) *sdktest.Library {
	return sdktest.NewLibrary(sdktest.LibraryData{Items: testlib.Sonarr(), Queue: testlib.SonarrQueue(), States: states})
}

func TestOrdersAndSkips(t *testing.T) {
	tests := []struct {
		name   string
		config string
		want   []sdk.ItemKey
		codes  map[sdk.ItemKey]string
		query  sdk.WantedQuery // SortKey and Descending of the first wanted read
	}{
		{
			name: "defaults: oldest aired first; unaired and downloading skipped, unmonitored not asked for",
			want: eps(101, 102, 103, 104, 100, 201, 402, 202),
			codes: map[sdk.ItemKey]string{
				sdk.EpisodeKey(401): "queued", sdk.EpisodeKey(203): "future", sdk.EpisodeKey(204): "future",
				sdk.EpisodeKey(101): "searched", sdk.EpisodeKey(100): "searched",
			},
			query: sdk.WantedQuery{SortKey: sdk.SortReleased},
		},
		{
			name:   "newest aired first",
			config: `{"order":"newest_aired"}`,
			want:   eps(202, 402, 201, 100, 104, 103, 102, 101),
			query:  sdk.WantedQuery{SortKey: sdk.SortReleased, Descending: true},
		},
		{
			name:   "grace period",
			config: `{"grace_hours":24}`,
			want:   eps(101, 102, 103, 104, 100, 201, 402),
			codes:  map[sdk.ItemKey]string{sdk.EpisodeKey(202): "future"},
			query:  sdk.WantedQuery{SortKey: sdk.SortReleased},
		},
		{
			name:   "include unmonitored",
			config: `{"include_unmonitored":true}`,
			want:   eps(101, 102, 103, 104, 100, 301, 201, 402, 403, 202),
			query:  sdk.WantedQuery{SortKey: sdk.SortReleased, IncludeUnmonitored: true},
		},
		{
			name:   "recently added reads the whole list",
			config: `{"order":"recently_added"}`,
			// 402 and 201 were added last (see the test's library).
			want:  eps(402, 201, 202, 100, 104, 103, 102, 101),
			query: sdk.WantedQuery{SortKey: sdk.SortReleased, PageSize: 2000},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := testlib.Sonarr()
			for i := range items {
				switch items[i].Key.ID {
				case 402:
					items[i].Added = testlib.Ago(1)
				case 201:
					items[i].Added = testlib.Ago(2)
				}
			}
			lib := sdktest.NewLibrary(sdktest.LibraryData{Items: items, Queue: testlib.SonarrQueue()})
			p := testlib.Plan(t, missing.New(), lib, sdk.Sonarr, tt.config, sdk.Budget{})
			if got := testlib.Searched(p); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("searched %v, want %v", got, tt.want)
			}
			for _, in := range p.Intents {
				if in.Command.Name != sdk.EpisodeSearch || len(in.Command.EpisodeIDs) != 1 {
					t.Errorf("intent %+v: want one EpisodeSearch per episode", in)
				}
			}
			testlib.CheckCodes(t, p, tt.codes)
			testlib.NoItemTwice(t, p)
			q := firstWanted(t, lib)
			if q.SortKey != tt.query.SortKey || q.Descending != tt.query.Descending || q.IncludeUnmonitored != tt.query.IncludeUnmonitored ||
				(tt.query.PageSize != 0 && q.PageSize != tt.query.PageSize) {
				t.Errorf("wanted query %+v, want %+v", q, tt.query)
			}
		})
	}
}

func firstWanted(t *testing.T, lib *sdktest.Library) sdk.WantedQuery {
	t.Helper()
	for _, c := range lib.Calls() {
		if c.Method == "WantedMissing" {
			return c.Args[0].(sdk.WantedQuery)
		}
	}
	t.Fatal("no WantedMissing call")
	return sdk.WantedQuery{}
}

func TestLeastRecentlySearchedCountsSearcharrsOwnRecord(t *testing.T) {
	items := testlib.Sonarr()
	for i := range items {
		switch items[i].Key.ID {
		case 101:
			items[i].LastSearchTime = testlib.Ago(5)
		case 102:
			items[i].LastSearchTime = testlib.Ago(50)
		}
	}
	lib := sdktest.NewLibrary(sdktest.LibraryData{
		Items: items, Queue: testlib.SonarrQueue(),
		// The arr has no record of 103's search; Searcharr does.
		States: []sdk.SearchState{{Key: sdk.EpisodeKey(103), LastSearched: testlib.Ago(1), Searches: 1}},
	})
	p := testlib.Plan(t, missing.New(), lib, sdk.Sonarr, `{"order":"least_recently_searched"}`, sdk.Budget{})
	want := eps(104, 100, 201, 402, 202, 102, 101, 103)
	if got := testlib.Searched(p); !reflect.DeepEqual(got, want) {
		t.Errorf("searched %v, want %v", got, want)
	}
	if q := firstWanted(t, lib); q.SortKey != sdk.SortLastSearched || q.Descending {
		t.Errorf("wanted query %+v, want ascending by last search", q)
	}
}

func TestRandomIsSeededAndReproducible(t *testing.T) {
	items := sdktest.Backlog(sdk.Sonarr, 200, now)
	plan := func(config string, at time.Time) []sdk.ItemKey {
		lib := sdktest.NewLibrary(sdktest.LibraryData{Items: items})
		p, err := testlib.PlanAt(t, missing.New(), lib, sdk.Sonarr, config, sdk.Budget{MaxCost: 20}, at)
		if err != nil {
			t.Fatal(err)
		}
		if n := lib.Count("WantedMissing"); n != 1 {
			t.Errorf("random read %d pages of 2000, want the whole list in 1", n)
		}
		return testlib.Searched(p)
	}
	first := plan(`{"order":"random"}`, now)
	if len(first) != 20 {
		t.Fatalf("searched %d, want 20", len(first))
	}
	if again := plan(`{"order":"random"}`, now); !reflect.DeepEqual(first, again) {
		t.Errorf("same day and seed gave %v then %v", first, again)
	}
	if next := plan(`{"order":"random"}`, now.Add(24*time.Hour)); reflect.DeepEqual(first, next) {
		t.Error("the next day gave the same order")
	}
	if seeded := plan(`{"order":"random","seed":42}`, now); reflect.DeepEqual(first, seeded) {
		t.Error("a configured seed gave the default order")
	}
	if seeded, again := plan(`{"order":"random","seed":42}`, now), plan(`{"order":"random","seed":42}`, now); !reflect.DeepEqual(seeded, again) {
		t.Error("a configured seed is not reproducible")
	}
	sorted := slices.Clone(first)
	slices.SortFunc(sorted, func(a, b sdk.ItemKey) int { return int(a.ID - b.ID) })
	if reflect.DeepEqual(first, sorted) {
		t.Error("random order is sorted")
	}
}

func TestGrouping(t *testing.T) {
	season := func(series int64, n int) sdk.Command { return sdk.SearchSeason(series, n) }
	tests := []struct {
		name   string
		config string
		budget sdk.Budget
		want   []sdk.Command
		codes  map[sdk.ItemKey]string
	}{
		{
			name:   "season: season packs where enough is missing, episodes elsewhere, specials alone",
			config: `{"grouping":"season"}`,
			want: []sdk.Command{
				season(1, 1), sdk.SearchEpisodes(100), season(1, 2), sdk.SearchEpisodes(402),
			},
		},
		{
			name:   "season: a higher episode threshold and percentage leaves S01 to episodes",
			config: `{"grouping":"season","season_min_episodes":5,"season_min_percent":80}`,
			want: []sdk.Command{
				sdk.SearchEpisodes(101), sdk.SearchEpisodes(102), sdk.SearchEpisodes(103), sdk.SearchEpisodes(104),
				sdk.SearchEpisodes(100), season(1, 2), sdk.SearchEpisodes(402),
			},
		},
		{
			name:   "season: the grace period shrinks S02 below two episodes",
			config: `{"grouping":"season","grace_hours":24}`,
			want:   []sdk.Command{season(1, 1), sdk.SearchEpisodes(100), sdk.SearchEpisodes(201), sdk.SearchEpisodes(402)},
		},
		{
			name:   "series: every season of Alpha qualifies; Gamma falls back to episodes",
			config: `{"grouping":"series"}`,
			want:   []sdk.Command{{Name: sdk.SeriesSearch, SeriesID: 1}, sdk.SearchEpisodes(402)},
		},
		{
			name:   "series: S02 does not qualify, so Alpha falls back to season packs",
			config: `{"grouping":"series","grace_hours":24}`,
			want:   []sdk.Command{season(1, 1), sdk.SearchEpisodes(100), sdk.SearchEpisodes(201), sdk.SearchEpisodes(402)},
		},
		{
			name:   "season: a season search costs one indexer search",
			config: `{"grouping":"season"}`,
			budget: sdk.Budget{MaxCost: 2},
			want:   []sdk.Command{season(1, 1), sdk.SearchEpisodes(100)},
			codes: map[sdk.ItemKey]string{
				sdk.EpisodeKey(201): "over_budget", sdk.EpisodeKey(402): "over_budget",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testlib.Plan(t, missing.New(), sonarr(), sdk.Sonarr, tt.config, tt.budget)
			if got := testlib.Commands(p); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("commands %+v\nwant     %+v", got, tt.want)
			}
			testlib.NoItemTwice(t, p)
			testlib.CheckCodes(t, p, tt.codes)
			for _, in := range p.Intents {
				if in.Command.Name == sdk.SeasonSearch {
					for _, k := range in.Items {
						if r := testlib.Reasons(p)[k]; !hasPrefix(r, "searched: in season pack S0") {
							t.Errorf("%s in a season search: reason %q", k, r)
						}
					}
				}
			}
		})
	}
	// Season S01 of Alpha covers exactly its four missing episodes.
	p := testlib.Plan(t, missing.New(), sonarr(), sdk.Sonarr, `{"grouping":"season"}`, sdk.Budget{})
	if got := p.Intents[0].Items; !reflect.DeepEqual(got, eps(101, 102, 103, 104)) {
		t.Errorf("S01 pack covers %v", got)
	}
	if got := p.Intents[2].Items; !reflect.DeepEqual(got, eps(201, 202)) {
		t.Errorf("S02 pack covers %v", got)
	}
	p = testlib.Plan(t, missing.New(), sonarr(), sdk.Sonarr, `{"grouping":"series"}`, sdk.Budget{})
	if got := p.Intents[0].Items; !reflect.DeepEqual(got, eps(101, 100, 102, 103, 104, 201, 202)) {
		t.Errorf("series search covers %v", got)
	}
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

func TestSeasonPackSkipsRestingDownloadingAndGrabbedEpisodes(t *testing.T) {
	later := now.Add(6 * time.Hour)
	lib := sonarr(
		sdk.SearchState{Key: sdk.EpisodeKey(102), Searches: 1, CooldownUntil: &later},
		sdk.SearchState{Key: sdk.EpisodeKey(103), Searches: 1, LastSearched: testlib.Ago(20), LastGrab: testlib.Ago(19)},
	)
	p := testlib.Plan(t, missing.New(), lib, sdk.Sonarr, `{"grouping":"season","season_min_percent":100}`, sdk.Budget{})
	// 101 and 104 remain of S01: two of six, below three and 100%.
	want := []sdk.Command{sdk.SearchEpisodes(101), sdk.SearchEpisodes(104), sdk.SearchEpisodes(100), sdk.SearchSeason(1, 2), sdk.SearchEpisodes(402)}
	if got := testlib.Commands(p); !reflect.DeepEqual(got, want) {
		t.Errorf("commands %+v\nwant     %+v", got, want)
	}
	testlib.CheckCodes(t, p, map[sdk.ItemKey]string{sdk.EpisodeKey(102): "cooldown", sdk.EpisodeKey(103): "grabbed"})
}

func TestRadarrAvailability(t *testing.T) {
	tests := []struct {
		config string
		want   []sdk.ItemKey
		codes  map[sdk.ItemKey]string
	}{
		{
			config: `{}`,
			want:   movs(11, 12),
			codes: map[sdk.ItemKey]string{
				sdk.MovieKey(13): "not_available", sdk.MovieKey(14): "not_available", sdk.MovieKey(16): "not_available",
			},
		},
		{config: `{"grace_hours":24}`, want: movs(11), codes: map[sdk.ItemKey]string{sdk.MovieKey(12): "future"}},
		{config: `{"include_unavailable":true}`, want: movs(13, 16, 11, 12, 14)},
		{config: `{"include_unmonitored":true}`, want: movs(11, 15, 12)},
	}
	for _, tt := range tests {
		t.Run(tt.config, func(t *testing.T) {
			lib := sdktest.NewLibrary(sdktest.LibraryData{Items: testlib.Radarr()})
			p := testlib.Plan(t, missing.New(), lib, sdk.Radarr, tt.config, sdk.Budget{})
			if got := testlib.Searched(p); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("searched %v, want %v", got, tt.want)
			}
			for _, in := range p.Intents {
				if in.Command.Name != sdk.MoviesSearch {
					t.Errorf("intent %+v: want MoviesSearch", in)
				}
			}
			testlib.CheckCodes(t, p, tt.codes)
		})
	}
}

func TestReadsOnlyThePagesItNeeds(t *testing.T) {
	items := sdktest.Backlog(sdk.Sonarr, 1000, now)
	tests := []struct {
		config string
		budget sdk.Budget
		pages  int
	}{
		{`{"page_size":50}`, sdk.Budget{MaxCost: 20}, 1},
		{`{"page_size":50,"order":"newest_aired"}`, sdk.Budget{MaxIntents: 20}, 1},
		{`{"page_size":50,"order":"least_recently_searched"}`, sdk.Budget{MaxCost: 120}, 3},
		{`{"page_size":50,"max_pages":3}`, sdk.Budget{}, 3},
		{`{"order":"random"}`, sdk.Budget{MaxCost: 20}, 1}, // the whole list, in one page of 2000
	}
	for _, tt := range tests {
		lib := sdktest.NewLibrary(sdktest.LibraryData{Items: items})
		p := testlib.Plan(t, missing.New(), lib, sdk.Sonarr, tt.config, tt.budget)
		if n := lib.Count("WantedMissing"); n != tt.pages {
			t.Errorf("%s budget %+v: read %d wanted pages, want %d", tt.config, tt.budget, n, tt.pages)
		}
		if tt.budget.MaxCost > 0 && len(p.Intents) != tt.budget.MaxCost {
			t.Errorf("%s: %d intents, want %d", tt.config, len(p.Intents), tt.budget.MaxCost)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		config string
		paths  []string
	}{
		{``, nil},
		{`null`, nil},
		{`{"order":"random","seed":7,"grouping":"series","season_min_episodes":2,"season_min_percent":100}`, nil},
		{`"x"`, []string{""}},
		{`{"order":"alphabetical","page_size":-1,"colour":"blue"}`, []string{"colour", "order", "page_size"}},
		{`{"grace_hours":1.5}`, []string{"grace_hours"}},
		{`{"grouping":"show","season_min_episodes":1,"season_min_percent":0}`, []string{"grouping", "season_min_episodes", "season_min_percent"}},
		{`{"seed":"x","include_unavailable":1}`, []string{"include_unavailable", "seed"}},
	}
	s := sdktest.Connect(t, missing.New())
	for _, tt := range tests {
		err := s.Validate(context.Background(), json.RawMessage(tt.config))
		var paths []string
		if es, ok := err.(sdk.ConfigErrors); ok {
			for _, e := range es {
				paths = append(paths, e.Path)
			}
		} else if err != nil {
			t.Errorf("Validate(%s) = %v, want ConfigErrors", tt.config, err)
		}
		if !reflect.DeepEqual(paths, tt.paths) {
			t.Errorf("Validate(%s) paths %q, want %q", tt.config, paths, tt.paths)
		}
	}
}

func TestSeasonStatisticsSpareEpisodeReads(t *testing.T) {
	data := sdktest.LibraryData{
		Items: testlib.Sonarr(),
		Queue: testlib.SonarrQueue(),
		Series: []sdk.Series{
			{ID: 1, Title: "Alpha", Monitored: true, Seasons: []sdk.Season{
				{Number: 0, EpisodeCount: 1}, {Number: 1, Monitored: true, EpisodeCount: 6, EpisodeFileCount: 2}, {Number: 2, Monitored: true, EpisodeCount: 2},
			}},
			// Gamma's statistics show one missing episode: no season pack
			// is possible, so its episodes are not read.
			{ID: 3, Title: "Gamma", Monitored: true, Seasons: []sdk.Season{{Number: 1, Monitored: true, EpisodeCount: 2, EpisodeFileCount: 1}}},
		},
	}
	// Season grouping decides from the statistics and the wanted page and
	// reads no episodes; series grouping reads those of Alpha, whose every
	// season may qualify.
	for grouping, want := range map[string][]int64{"season": nil, "series": {1}} {
		lib := sdktest.NewLibrary(data)
		p := testlib.Plan(t, missing.New(), lib, sdk.Sonarr, `{"grouping":"`+grouping+`"}`, sdk.Budget{})
		if got := lib.Count("Series"); got != 1 {
			t.Errorf("%s: %d Series calls, want 1", grouping, got)
		}
		if read := episodeReads(lib); !reflect.DeepEqual(read, want) {
			t.Errorf("%s: read the episodes of series %v, want %v", grouping, read, want)
		}
		if last := p.Intents[len(p.Intents)-1].Command; !reflect.DeepEqual(last, sdk.SearchEpisodes(402)) {
			t.Errorf("%s: last command %+v, want an episode search of 402", grouping, last)
		}
	}
	// Without grouping the statistics are not read.
	lib := sdktest.NewLibrary(data)
	testlib.Plan(t, missing.New(), lib, sdk.Sonarr, `{}`, sdk.Budget{})
	if n := lib.Count("Series") + lib.Count("Episodes"); n != 0 {
		t.Errorf("episode grouping read series or episodes %d times", n)
	}
}

// TestTriggerItemsLimitThePlan: a webhook trigger naming items (a file
// deleted from disk, say) plans just those items.
func TestTriggerItemsLimitThePlan(t *testing.T) {
	lib := sdktest.NewLibrary(sdktest.LibraryData{Items: testlib.Sonarr()})
	s := sdktest.Connect(t, missing.New())
	p, err := s.Plan(context.Background(), sdk.PlanRequest{
		Trigger:  sdk.Trigger{Kind: sdk.TriggerWebhook, Event: "EpisodeFileDelete", Items: []sdk.ItemKey{sdk.EpisodeKey(201)}},
		Instance: sdk.Instance{ID: 1, Kind: sdk.Sonarr},
		Budget:   sdk.Budget{MaxCost: 10},
		Now:      testlib.Now,
		Library:  lib,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Intents) != 1 || p.Intents[0].Items[0] != sdk.EpisodeKey(201) {
		t.Fatalf("intents = %+v, want only episode 201", p.Intents)
	}
	for _, d := range p.Decisions {
		if d.Item != sdk.EpisodeKey(201) {
			t.Fatalf("decision about %v, which the trigger did not name", d.Item)
		}
	}
}

// TestAStaleGrabIsSearchedAgain: an episode grabbed a day or more after its
// last search, and still missing and not downloading, failed somewhere on
// the way and is searched again.
func TestAStaleGrabIsSearchedAgain(t *testing.T) {
	lib := sonarr(
		sdk.SearchState{Key: sdk.EpisodeKey(101), Searches: 1, LastSearched: testlib.Ago(50), LastGrab: testlib.Ago(49)},
		sdk.SearchState{Key: sdk.EpisodeKey(102), Searches: 1, LastSearched: testlib.Ago(5), LastGrab: testlib.Ago(4)},
	)
	p := testlib.Plan(t, missing.New(), lib, sdk.Sonarr, `{}`, sdk.Budget{})
	searched := map[sdk.ItemKey]bool{}
	for _, k := range testlib.Searched(p) {
		searched[k] = true
	}
	if !searched[sdk.EpisodeKey(101)] {
		t.Error("episode 101, grabbed two days ago and still missing, was not searched again")
	}
	if searched[sdk.EpisodeKey(102)] {
		t.Error("episode 102, grabbed four hours ago, was searched again")
	}
	testlib.CheckCodes(t, p, map[sdk.ItemKey]string{sdk.EpisodeKey(102): "grabbed"})
}

func episodeReads(lib *sdktest.Library) []int64 {
	var read []int64
	for _, c := range lib.Calls() {
		if c.Method == "Episodes" {
			read = append(read, c.Args[0].(int64))
		}
	}
	return read
}

// noEpisodeInBoth fails the test when an episode is in a SeasonSearch's
// season and also in an EpisodeSearch.
func noEpisodeInBoth(t *testing.T, p sdk.Plan, lib []sdk.Item) {
	t.Helper()
	season := map[sdk.ItemKey]sdk.Command{}
	for _, it := range lib {
		season[it.Key] = sdk.SearchSeason(it.SeriesID, it.SeasonNumber)
	}
	packs := map[string]bool{}
	for _, in := range p.Intents {
		if in.Command.Name == sdk.SeasonSearch {
			packs[fmt.Sprint(in.Command)] = true
		}
	}
	for _, in := range p.Intents {
		if in.Command.Name != sdk.EpisodeSearch {
			continue
		}
		for _, id := range in.Command.EpisodeIDs {
			if c := season[sdk.EpisodeKey(id)]; packs[fmt.Sprint(c)] {
				t.Errorf("episode %d has an EpisodeSearch and its season a SeasonSearch", id)
			}
		}
	}
}

// TestSeasonGroupingFromStatistics: with season statistics, season
// grouping decides every season from them and the episodes on the wanted
// pages read, and reads no series' episodes.
func TestSeasonGroupingFromStatistics(t *testing.T) {
	season := func(series int64, n int) sdk.Command { return sdk.SearchSeason(series, n) }
	ep := sdk.SearchEpisodes
	fresh := testlib.SeriesStats(testlib.Sonarr(), now)
	// Statistics taken before S02's later episodes were given air dates:
	// they claim five aired episodes missing, the wanted list shows two.
	stale := testlib.SeriesStats(testlib.Sonarr(), now)
	for i := range stale[0].Seasons {
		if stale[0].Seasons[i].Number == 2 {
			stale[0].Seasons[i].EpisodeCount = 5
		}
	}
	tests := []struct {
		name   string
		config string
		stats  []sdk.Series
		budget sdk.Budget
		want   []sdk.Command
		packs  map[int][]sdk.ItemKey // items of the intent at an index
		codes  map[sdk.ItemKey]string
	}{
		{
			name:   "season packs where enough is missing, episodes elsewhere, specials alone",
			config: `{"grouping":"season"}`,
			want:   []sdk.Command{season(1, 1), ep(100), season(1, 2), ep(402)},
			packs:  map[int][]sdk.ItemKey{0: eps(101, 102, 103, 104), 2: eps(201, 202)},
		},
		{
			name:   "higher thresholds leave S01 to episodes",
			config: `{"grouping":"season","season_min_episodes":5,"season_min_percent":80}`,
			want:   []sdk.Command{ep(101), ep(102), ep(103), ep(104), ep(100), season(1, 2), ep(402)},
		},
		{
			name:   "the grace period shrinks S02 below two episodes",
			config: `{"grouping":"season","grace_hours":24}`,
			want:   []sdk.Command{season(1, 1), ep(100), ep(201), ep(402)},
			codes:  map[sdk.ItemKey]string{sdk.EpisodeKey(202): "future"},
		},
		{
			name:   "a season search costs one indexer search",
			config: `{"grouping":"season"}`,
			budget: sdk.Budget{MaxCost: 2},
			want:   []sdk.Command{season(1, 1), ep(100)},
			codes:  map[sdk.ItemKey]string{sdk.EpisodeKey(201): "over_budget", sdk.EpisodeKey(402): "over_budget"},
		},
		{
			name:   "pages of two: too few of a season seen to be sure, so episodes",
			config: `{"grouping":"season","page_size":2}`,
			want:   []sdk.Command{ep(101), ep(102), ep(103), ep(104), ep(100), ep(201), ep(402), ep(202)},
		},
		{
			// The first page is 204 (no air date), 401, 101, 102, 103.
			name:   "pages of five: S01 qualifies on three seen, and 104, read next, joins its pack",
			config: `{"grouping":"season","page_size":5}`,
			want:   []sdk.Command{season(1, 1), ep(100), season(1, 2), ep(402)},
			packs:  map[int][]sdk.ItemKey{0: eps(101, 102, 103, 104), 2: eps(201, 202)},
			codes:  map[sdk.ItemKey]string{sdk.EpisodeKey(104): "searched"},
		},
		{
			name:   "stale statistics: two of five claimed missing are seen, so episodes",
			config: `{"grouping":"season"}`,
			stats:  stale,
			want:   []sdk.Command{season(1, 1), ep(100), ep(201), ep(402), ep(202)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stats := tt.stats
			if stats == nil {
				stats = fresh
			}
			lib := sdktest.NewLibrary(sdktest.LibraryData{Items: testlib.Sonarr(), Queue: testlib.SonarrQueue(), Series: stats})
			p := testlib.Plan(t, missing.New(), lib, sdk.Sonarr, tt.config, tt.budget)
			if got := testlib.Commands(p); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("commands %+v\nwant     %+v", got, tt.want)
			}
			for i, want := range tt.packs {
				if got := p.Intents[i].Items; !reflect.DeepEqual(got, want) {
					t.Errorf("intent %d covers %v, want %v", i, got, want)
				}
			}
			if n := lib.Count("Episodes"); n != 0 {
				t.Errorf("%d Episodes calls, want none", n)
			}
			if n := lib.Count("Series"); n != 1 {
				t.Errorf("%d Series calls, want 1", n)
			}
			testlib.NoItemTwice(t, p)
			noEpisodeInBoth(t, p, testlib.Sonarr())
			testlib.CheckCodes(t, p, tt.codes)
			reasons := testlib.Reasons(p)
			for _, in := range p.Intents {
				if in.Command.Name == sdk.SeasonSearch {
					for _, k := range in.Items {
						if r := reasons[k]; !hasPrefix(r, "searched: in season pack S0") {
							t.Errorf("%s in a season search: reason %q", k, r)
						}
					}
				}
			}
		})
	}
}

// TestSeasonGroupingFromStatisticsWholeList: an order that reads the whole
// list sees every episode before deciding, and reads no episodes either.
func TestSeasonGroupingFromStatisticsWholeList(t *testing.T) {
	items := testlib.Sonarr()
	lib := sdktest.NewLibrary(sdktest.LibraryData{Items: items, Queue: testlib.SonarrQueue(), Series: testlib.SeriesStats(items, now)})
	p := testlib.Plan(t, missing.New(), lib, sdk.Sonarr, `{"grouping":"season","order":"random"}`, sdk.Budget{})
	if n := lib.Count("Episodes"); n != 0 {
		t.Errorf("%d Episodes calls, want none", n)
	}
	got := map[string][]sdk.ItemKey{}
	for _, in := range p.Intents {
		items := slices.Clone(in.Items)
		slices.SortFunc(items, func(a, b sdk.ItemKey) int { return int(a.ID - b.ID) })
		got[fmt.Sprint(in.Command)] = items
	}
	want := map[string][]sdk.ItemKey{
		fmt.Sprint(sdk.SearchSeason(1, 1)):  eps(101, 102, 103, 104),
		fmt.Sprint(sdk.SearchSeason(1, 2)):  eps(201, 202),
		fmt.Sprint(sdk.SearchEpisodes(100)): eps(100),
		fmt.Sprint(sdk.SearchEpisodes(402)): eps(402),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("intents %v\nwant    %v", got, want)
	}
	testlib.NoItemTwice(t, p)
}

// TestSeasonGroupingOnABigLibraryReadsNoEpisodes: on the benchmark library
// with its statistics, a budget of 50 season packs costs one wanted page,
// the queue and the series, within ceil(needed / page size) + 3.
func TestSeasonGroupingOnABigLibraryReadsNoEpisodes(t *testing.T) {
	items := testlib.BigSonarr(10_000, 3_000)
	lib := sdktest.NewLibrary(sdktest.LibraryData{Items: items, Series: testlib.SeriesStats(items, now)})
	p := testlib.Plan(t, missing.New(), lib, sdk.Sonarr, `{"grouping":"season"}`, sdk.Budget{MaxCost: 50})
	if len(p.Intents) != 50 {
		t.Fatalf("%d intents, want 50", len(p.Intents))
	}
	for _, in := range p.Intents {
		if in.Command.Name != sdk.SeasonSearch || len(in.Items) != 3 {
			t.Fatalf("intent %+v: want a season pack of three", in)
		}
	}
	if n := lib.Count("Episodes"); n != 0 {
		t.Errorf("%d Episodes calls, want none", n)
	}
	arr := lib.Count("WantedMissing") + lib.Count("Queue") + lib.Count("Series")
	if arr > 1+3 {
		t.Errorf("%d wanted, queue and series reads, want at most 4", arr)
	}
	testlib.NoItemTwice(t, p)
}
