package missing_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/plugins/missing"
	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func ago(h int) *time.Time { return sdktest.At(now.Add(-time.Duration(h) * time.Hour)) }

func sonarrLibrary() []sdk.Item {
	unmonitored := sdktest.Episode(4, 1, 1, 4, ago(500))
	unmonitored.Monitored = false
	seriesOff := sdktest.Episode(5, 2, 1, 1, ago(400))
	seriesOff.SeriesMonitored = false
	return []sdk.Item{
		sdktest.Episode(1, 1, 1, 1, ago(1000)),
		sdktest.Episode(2, 1, 1, 2, ago(300)),
		sdktest.Episode(3, 1, 1, 3, ago(10)),   // inside a 24h grace period
		sdktest.Episode(6, 1, 1, 5, ago(-48)),  // airs in two days
		sdktest.Episode(7, 1, 1, 6, nil),       // air date unknown
		sdktest.Episode(8, 3, 2, 1, ago(2000)), // downloading
		sdktest.Episode(9, 3, 2, 2, ago(100)),  // fine
		unmonitored, seriesOff,
	}
}

func radarrLibrary() []sdk.Item {
	announced := sdktest.Movie(13, nil)
	announced.MovieStatus = "announced"
	return []sdk.Item{
		sdktest.Movie(11, ago(5000)),
		sdktest.Movie(12, ago(2)), // available, inside a 24h grace period
		announced,
		sdktest.Movie(14, ago(900)),
	}
}

func plan(t *testing.T, items []sdk.Item, kind sdk.InstanceKind, config string, budget sdk.Budget) (sdk.Plan, *sdktest.Library) {
	t.Helper()
	lib := sdktest.NewLibrary(sdktest.LibraryData{
		Items: items,
		Queue: []sdk.QueueRecord{{Item: sdk.EpisodeKey(8), SeriesID: 3, Status: "downloading"}},
	})
	s := sdktest.Connect(t, missing.New())
	p, err := s.Plan(context.Background(), sdk.PlanRequest{
		Instance: sdk.Instance{ID: 1, Kind: kind},
		Config:   json.RawMessage(config),
		Budget:   budget,
		Now:      now,
		Library:  lib,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, lib
}

func searched(p sdk.Plan) []sdk.ItemKey {
	var out []sdk.ItemKey
	for _, in := range p.Intents {
		out = append(out, in.Items...)
	}
	return out
}

func reasons(p sdk.Plan) map[sdk.ItemKey]string {
	out := make(map[sdk.ItemKey]string)
	for _, d := range p.Decisions {
		out[d.Item] = d.Reason
	}
	return out
}

func eps(ids ...int64) []sdk.ItemKey {
	out := make([]sdk.ItemKey, len(ids))
	for i, id := range ids {
		out[i] = sdk.EpisodeKey(id)
	}
	return out
}

func TestPlanSonarr(t *testing.T) {
	tests := []struct {
		name     string
		config   string
		budget   sdk.Budget
		want     []sdk.ItemKey
		skipped  map[int64]string // episode id -> reason code
		sortKey  sdk.SortKey
		desc     bool
		unmonOpt bool
	}{
		{
			name:    "defaults: oldest aired first, monitored, aired, not queued",
			want:    eps(1, 2, 9, 3),
			skipped: map[int64]string{8: "queued", 6: "future", 7: "future"},
			sortKey: sdk.SortReleased,
		},
		{
			name:    "newest aired first",
			config:  `{"order":"newest_aired"}`,
			want:    eps(3, 9, 2, 1),
			sortKey: sdk.SortReleased, desc: true,
		},
		{
			name:    "grace period",
			config:  `{"grace_hours":24}`,
			want:    eps(1, 2, 9),
			skipped: map[int64]string{3: "future"},
			sortKey: sdk.SortReleased,
		},
		{
			name:     "include unmonitored",
			config:   `{"include_unmonitored":true}`,
			want:     eps(1, 4, 5, 2, 9, 3),
			sortKey:  sdk.SortReleased,
			unmonOpt: true,
		},
		{
			name:    "least recently searched asks the server",
			config:  `{"order":"least_recently_searched"}`,
			want:    eps(1, 2, 9, 3), // no last search times: by air date
			sortKey: sdk.SortLastSearched,
		},
		{
			name:    "stops at the intent budget",
			budget:  sdk.Budget{MaxIntents: 2},
			want:    eps(1, 2),
			sortKey: sdk.SortReleased,
		},
		{
			name:    "stops at the cost budget",
			budget:  sdk.Budget{MaxCost: 3},
			want:    eps(1, 2, 9),
			sortKey: sdk.SortReleased,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, lib := plan(t, sonarrLibrary(), sdk.Sonarr, tt.config, tt.budget)
			if got := searched(p); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("searched %v, want %v", got, tt.want)
			}
			for _, in := range p.Intents {
				if in.Command.Name != sdk.EpisodeSearch || len(in.Command.EpisodeIDs) != 1 {
					t.Errorf("intent %+v: want one EpisodeSearch per episode", in)
				}
			}
			rs := reasons(p)
			for id, code := range tt.skipped {
				if r := rs[sdk.EpisodeKey(id)]; !strings.HasPrefix(r, code+":") {
					t.Errorf("episode %d: reason %q, want %s", id, r, code)
				}
			}
			q := lib.Calls()[1].Args[0].(sdk.WantedQuery)
			if q.SortKey != tt.sortKey || q.Descending != tt.desc || q.IncludeUnmonitored != tt.unmonOpt {
				t.Errorf("wanted query %+v", q)
			}
		})
	}
}

func TestPlanRadarr(t *testing.T) {
	p, _ := plan(t, radarrLibrary(), sdk.Radarr, `{"grace_hours":24}`, sdk.Budget{})
	want := []sdk.ItemKey{sdk.MovieKey(11), sdk.MovieKey(14)}
	if got := searched(p); !reflect.DeepEqual(got, want) {
		t.Errorf("searched %v, want %v", got, want)
	}
	for _, in := range p.Intents {
		if in.Command.Name != sdk.MoviesSearch || len(in.Command.MovieIDs) != 1 {
			t.Errorf("intent %+v: want one MoviesSearch per movie", in)
		}
	}
	rs := reasons(p)
	if r := rs[sdk.MovieKey(13)]; !strings.HasPrefix(r, "not_available:") {
		t.Errorf("announced movie: %q", r)
	}
	if r := rs[sdk.MovieKey(12)]; !strings.HasPrefix(r, "future:") {
		t.Errorf("movie in grace period: %q", r)
	}
}

func TestPlanReadsOnlyThePagesItNeeds(t *testing.T) {
	items := sdktest.Backlog(sdk.Sonarr, 1000, now)
	_, lib := plan(t, items, sdk.Sonarr, `{"page_size":50}`, sdk.Budget{MaxIntents: 20})
	if n := lib.Count("WantedMissing"); n != 1 {
		t.Errorf("read %d wanted pages for a budget of 20, want 1", n)
	}
	_, lib = plan(t, items, sdk.Sonarr, `{"page_size":50,"max_pages":3}`, sdk.Budget{})
	if n := lib.Count("WantedMissing"); n != 3 {
		t.Errorf("read %d wanted pages with max_pages 3", n)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		config string
		paths  []string
	}{
		{``, nil},
		{`null`, nil},
		{`{"order":"least_recently_searched","page_size":2000,"grace_hours":0,"max_pages":1}`, nil},
		{`"x"`, []string{""}},
		{`{"order":"random","page_size":-1,"colour":"blue"}`, []string{"colour", "order", "page_size"}},
		{`{"grace_hours":1.5}`, []string{"grace_hours"}},
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

func TestItemsRestingFromAnEarlierSearchAreSkipped(t *testing.T) {
	later := now.Add(6 * time.Hour)
	earlier := now.Add(-time.Hour)
	lib := sdktest.NewLibrary(sdktest.LibraryData{
		Items: sonarrLibrary(),
		Queue: []sdk.QueueRecord{{Item: sdk.EpisodeKey(8), SeriesID: 3, Status: "downloading"}},
		States: []sdk.SearchState{
			{Key: sdk.EpisodeKey(1), Searches: 1, CooldownUntil: &later},
			{Key: sdk.EpisodeKey(2), Searches: 1, CooldownUntil: &earlier}, // rested enough
		},
	})
	s := sdktest.Connect(t, missing.New())
	p, err := s.Plan(context.Background(), sdk.PlanRequest{
		Instance: sdk.Instance{ID: 1, Kind: sdk.Sonarr},
		Budget:   sdk.Budget{MaxCost: 1},
		Now:      now,
		Library:  lib,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Episode 1 is the oldest but rests; the one search goes to episode 9
	// or 2, never to 1.
	if len(p.Intents) != 1 || p.Intents[0].Items[0] == sdk.EpisodeKey(1) {
		t.Fatalf("intents = %+v, want one search that is not episode 1", p.Intents)
	}
	found := false
	for _, d := range p.Decisions {
		if d.Item == sdk.EpisodeKey(1) {
			found = true
			if d.Kept || !strings.HasPrefix(d.Reason, "cooldown:") {
				t.Fatalf("episode 1 decision = %+v, want skipped for its cooldown", d)
			}
		}
	}
	if !found {
		t.Fatalf("no decision for the resting episode: %+v", p.Decisions)
	}
}
