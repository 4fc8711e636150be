package custom_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/plugins/custom"
	"github.com/vibequality/searcharr/plugins/internal/testlib"
	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

var eps = testlib.Eps

// sonarr is the shared Sonarr library with series details, tags, profiles,
// 105 below cutoff, and Searcharr's record of 102 (searched three times,
// once grabbed, two days ago) and 201 (searched ten days ago).
func sonarr() sdktest.LibraryData {
	items := testlib.Sonarr()
	for i := range items {
		if items[i].Key.ID == 105 {
			items[i].CutoffNotMet, items[i].CustomFormatScore = true, 25
		}
	}
	items[0].LastSearchTime = testlib.Ago(5)
	return sdktest.LibraryData{
		Items: items,
		Queue: testlib.SonarrQueue(),
		Series: []sdk.Series{
			{ID: 1, Title: "Alpha", Monitored: true, SeriesType: "anime", Status: "ended", Network: "NHK", Year: 2019,
				Genres: []string{"Animation", "Drama"}, Tags: []int64{7}, QualityProfileID: 1, Runtime: 24, Added: testlib.Ago(24 * 300)},
			{ID: 2, Title: "Beta", QualityProfileID: 2},
			{ID: 3, Title: "Gamma", Monitored: true, SeriesType: "standard", Status: "continuing", Network: "HBO", Year: 2023,
				Genres: []string{"Drama"}, QualityProfileID: 2, Runtime: 60, Added: testlib.Ago(24 * 10)},
		},
		Tags:            []sdk.Tag{{ID: 7, Label: "favourite"}, {ID: 8, Label: "other"}},
		QualityProfiles: []sdk.QualityProfile{{ID: 1, Name: "HD-1080p"}, {ID: 2, Name: "Any"}},
		States: []sdk.SearchState{
			{Key: sdk.EpisodeKey(102), Searches: 3, Grabs: 1, LastSearched: testlib.Ago(48), LastGrab: testlib.Ago(100)},
			{Key: sdk.EpisodeKey(201), Searches: 1, LastSearched: testlib.Ago(240)},
		},
	}
}

// The eligible missing episodes, oldest first: 101 102 103 104 100 201 402
// 202 (Alpha: 100-104, 201, 202; Gamma: 402).
func TestEveryFieldFilters(t *testing.T) {
	tests := []struct {
		filter string
		want   []int64
	}{
		{`kind == "episode"`, []int64{101, 102, 103, 104, 100, 201, 402, 202}},
		{`title == "Episode 2"`, []int64{102, 402, 202}},
		{`series_title == "Gamma"`, []int64{402}},
		{`year == 2019`, []int64{101, 102, 103, 104, 100, 201, 202}},
		{`season == 0`, []int64{100}},
		{`episode >= 3 && season == 1`, []int64{103, 104}},
		{`air_date > date("2025-05-25")`, []int64{402, 202}},
		{`days_since_aired >= 70`, []int64{101, 102, 103, 104}},
		{`added < now() && days_since_added > 100`, []int64{101, 102, 103, 104, 100, 201, 402, 202}},
		{`monitored`, []int64{101, 102, 103, 104, 100, 201, 402, 202}},
		{`!has_file && quality == ""`, []int64{101, 102, 103, 104, 100, 201, 402, 202}},
		{`quality_profile == "Any"`, []int64{402}},
		{`"favourite" in tags`, []int64{101, 102, 103, 104, 100, 201, 202}},
		{`series_type == "anime"`, []int64{101, 102, 103, 104, 100, 201, 202}},
		{`network == "HBO"`, []int64{402}},
		{`status == "continuing"`, []int64{402}},
		{`"Animation" in genres`, []int64{101, 102, 103, 104, 100, 201, 202}},
		{`runtime > 30`, []int64{402}},
		{`last_search_time > date("2025-01-01")`, []int64{100}},
		{`search_count > 0`, []int64{102, 201}},
		{`grab_count == 1`, []int64{102}},
		{`days_since_last_searched > 5 && days_since_last_searched < 1000`, []int64{201}},
		{`custom_format_score == 0`, []int64{101, 102, 103, 104, 100, 201, 402, 202}},
		{`series_title + " " + title == "Alpha Episode 1"`, []int64{101, 100, 201}},
		{`len(filter(genres, # startsWith "Dr")) > 0 && upper(network) in ["HBO"]`, []int64{402}},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			cfg, _ := json.Marshal(map[string]string{"filter": tt.filter})
			p := testlib.Plan(t, custom.New(), sdktest.NewLibrary(sonarr()), sdk.Sonarr, string(cfg), sdk.Budget{})
			if got := testlib.Searched(p); !reflect.DeepEqual(got, eps(tt.want...)) {
				t.Errorf("searched %v, want %v", got, eps(tt.want...))
			}
			for _, d := range p.Decisions {
				if !d.Kept && strings.HasPrefix(d.Reason, "filtered:") && !strings.Contains(d.Reason, "is false") {
					t.Errorf("%s: %s", d.Item, d.Reason)
				}
			}
		})
	}
}

func TestSourcePriorityAndSeedKeys(t *testing.T) {
	tests := []struct {
		name   string
		config string
		budget sdk.Budget
		want   []int64
		codes  map[int64]string
	}{
		{name: "defaults: missing, oldest first", want: []int64{101, 102, 103, 104, 100, 201, 402, 202}},
		{name: "cutoff", config: `{"source":"cutoff"}`, want: []int64{105}},
		{name: "both", config: `{"source":"both"}`, want: []int64{101, 102, 103, 104, 105, 100, 201, 402, 202}},
		{
			name: "priority: never searched first, then longest since", config: `{"priority":"search_count == 0 ? 1000 : days_since_last_searched"}`,
			want: []int64{101, 103, 104, 100, 402, 202, 201, 102},
		},
		{name: "priority with a budget", config: `{"priority":"-days_since_aired"}`, budget: sdk.Budget{MaxIntents: 2}, want: []int64{202, 402},
			codes: map[int64]string{201: "over_budget", 101: "over_budget"}},
		{name: "integer priority", config: `{"priority":"episode"}`, want: []int64{104, 103, 102, 402, 202, 101, 100, 201}},
		{name: "quality", config: `{"quality":"Any"}`, want: []int64{402}, codes: map[int64]string{101: "filtered"}},
		{name: "minDays", config: `{"minDays":70}`, want: []int64{101, 102, 103, 104}, codes: map[int64]string{202: "filtered"}},
		{name: "all filters together", config: `{"quality":"HD-1080p","minDays":70,"filter":"episode % 2 == 0"}`, want: []int64{102, 104}},
		{name: "season grouping after priority", config: `{"grouping":"season","priority":"season"}`,
			want: []int64{201, 202, 101, 102, 103, 104, 402, 100}},
		{name: "a filter failing on an item filters it", config: `{"filter":"tags[0] == \"favourite\""}`,
			want: []int64{101, 102, 103, 104, 100, 201, 202}, codes: map[int64]string{402: "filtered"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib := sdktest.NewLibrary(sonarr())
			p := testlib.Plan(t, custom.New(), lib, sdk.Sonarr, tt.config, tt.budget)
			if got := testlib.Searched(p); !reflect.DeepEqual(got, eps(tt.want...)) {
				t.Errorf("searched %v, want %v", got, eps(tt.want...))
			}
			for id, code := range tt.codes {
				if got := testlib.Code(p, sdk.EpisodeKey(id)); got != code {
					t.Errorf("%d: %q, want %s", id, testlib.Reasons(p)[sdk.EpisodeKey(id)], code)
				}
			}
			testlib.NoItemTwice(t, p)
			if !strings.Contains(tt.config, "cutoff") {
				testlib.CheckCodes(t, p, map[sdk.ItemKey]string{sdk.EpisodeKey(401): "queued"})
			}
		})
	}
}

func TestBothSourcesSayWhichList(t *testing.T) {
	p := testlib.Plan(t, custom.New(), sdktest.NewLibrary(sonarr()), sdk.Sonarr, `{"source":"both"}`, sdk.Budget{})
	rs := testlib.Reasons(p)
	if r := rs[sdk.EpisodeKey(105)]; !strings.HasPrefix(r, "searched: wanted (below cutoff), aired ") {
		t.Errorf("105: %q", r)
	}
	if r := rs[sdk.EpisodeKey(101)]; !strings.HasPrefix(r, "searched: wanted (missing), aired ") {
		t.Errorf("101: %q", r)
	}
}

func TestRadarr(t *testing.T) {
	items := testlib.Radarr()
	items[0].Genres, items[0].Tags, items[0].QualityProfileID, items[0].Year = []string{"Horror"}, []int64{1}, 3, 1990
	lib := sdktest.NewLibrary(sdktest.LibraryData{Items: items, Tags: []sdk.Tag{{ID: 1, Label: "classic"}}, QualityProfiles: []sdk.QualityProfile{{ID: 3, Name: "Remux"}}})
	p := testlib.Plan(t, custom.New(), lib, sdk.Radarr, `{"filter":"kind == \"movie\" && \"classic\" in tags && \"Horror\" in genres && quality_profile == \"Remux\" && year < 2000 && status == \"released\""}`, sdk.Budget{})
	if got := testlib.Searched(p); !reflect.DeepEqual(got, testlib.Movies(11)) {
		t.Errorf("searched %v", got)
	}
	testlib.CheckCodes(t, p, map[sdk.ItemKey]string{sdk.MovieKey(12): "filtered", sdk.MovieKey(13): "not_available"})
	p = testlib.Plan(t, custom.New(), lib, sdk.Radarr, `{"include_unavailable":true,"filter":"status != \"released\""}`, sdk.Budget{})
	if got := testlib.Searched(p); !reflect.DeepEqual(got, testlib.Movies(13, 16, 14)) {
		t.Errorf("unavailable: searched %v", got)
	}
}

var position = regexp.MustCompile(`^line \d+, column \d+: `)

func TestValidateRefusesBadExpressions(t *testing.T) {
	deep := strings.Repeat("(", 200) + "true" + strings.Repeat(")", 200)
	wide := "1" + strings.Repeat(" + 1", 1000) + " > 0"
	tests := []struct {
		name, config, path string
		at                 string // "line L, column C" expected in the message, if any
		positioned         bool
	}{
		{"syntax", `{"filter":"season == "}`, "filter", "", true},
		{"syntax on line 2", `{"filter":"season == 1 &&\n  (episode > "}`, "filter", "line 2,", true},
		{"unknown field", `{"filter":"sesaon == 1"}`, "filter", "line 1, column 1:", true},
		{"type error", `{"filter":"title > 3"}`, "filter", "", true},
		{"not a boolean", `{"filter":"season + 1"}`, "filter", "", true},
		{"not a number", `{"priority":"title"}`, "priority", "", true},
		{"unknown function", `{"priority":"explode(1)"}`, "priority", "", true},
		{"huge range", `{"filter":"len(1..1000000000) > 0"}`, "filter", "", true},
		{"huge range in priority", `{"priority":"sum(1..1000000000)"}`, "priority", "", true},
		{"nested ranges", `{"filter":"all(1..1000, {all(1..1000, {all(1..1000, {true})})})"}`, "filter", "", true},
		{"doubling strings", `{"filter":"let a = title + title; let b = a + a; let c = b + b; let d = c + c; let e = d + d; let f = e + e; let g = f + f; let h = g + g; let i = h + h; let j = i + i; let k = j + j; let l = k + k; let m = l + l; let n = m + m; let o = n + n; let p = o + o; let q = p + p; len(q) > 0"}`, "filter", "string longer than", true},
		{"string builders are not offered", `{"filter":"len(repeat(title, 1000000000)) > 0"}`, "filter", "", true},
		{"reduce doubling", `{"filter":"len(reduce(1..40, #acc + #acc, title)) > 0"}`, "filter", "+ needs operands whose types are known", true},
		{"doubling values of unknown type", `{"filter":"let a = [title, 1][0]; let b = a + a; let c = b + b; len(c) > 0"}`, "filter", "line 1, column 34: + needs", true},
		{"deep nesting", `{"filter":"` + deep + `"}`, "filter", "line 1, column 33:", true},
		{"too many nodes", `{"filter":"` + wide + `"}`, "filter", "", false},
		{"too long", `{"filter":"` + strings.Repeat(" ", 5000) + `true"}`, "filter", "", false},
		{"empty quality", `{"quality":""}`, "quality", "", false},
		{"negative minDays", `{"minDays":-1}`, "minDays", "", false},
		{"unknown source", `{"source":"all"}`, "source", "", false},
		{"filter not a string", `{"filter":true}`, "filter", "", false},
	}
	s := sdktest.Connect(t, custom.New())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Validate(context.Background(), json.RawMessage(tt.config))
			var es sdk.ConfigErrors
			if !errors.As(err, &es) || len(es) != 1 || es[0].Path != tt.path {
				t.Fatalf("Validate = %v, want one error at %s", err, tt.path)
			}
			if tt.positioned && (es[0].Line <= 0 || es[0].Column <= 0) {
				t.Errorf("error %+v has no line and column", es[0])
			}
			if position.MatchString(es[0].Message) {
				t.Errorf("message %q repeats the position", es[0].Message)
			}
			if !strings.Contains(es[0].Error(), tt.at) {
				t.Errorf("error %q, want %q", es[0].Error(), tt.at)
			}
		})
	}
}

func TestConformance(t *testing.T) {
	sdktest.Conformance(t, custom.New(), sdktest.Options{
		ValidConfigs: []json.RawMessage{
			json.RawMessage(`{"filter":"days_since_aired > 10","priority":"days_since_aired"}`),
			json.RawMessage(`{"source":"both","priority":"-episode","grouping":"season"}`),
			json.RawMessage(`{"quality":"Any","minDays":3}`),
			json.RawMessage(`{"filter":"kind == \"movie\" || season > 0","max_pages":1}`),
		},
		InvalidConfigs: []sdktest.InvalidConfig{
			{Config: json.RawMessage(`[]`), Path: ""},
			{Config: json.RawMessage(`{"filter":"1 +"}`), Path: "filter"},
			{Config: json.RawMessage(`{"priority":"true"}`), Path: "priority"},
			{Config: json.RawMessage(`{"order":"random"}`), Path: "order"},
		},
	})
}

func FuzzValidateExpression(f *testing.F) {
	for _, seed := range []string{
		`season == 1`, `"anime" in tags`, `days_since_aired > 7 && !monitored`, `1..1000000000`,
		`((((((((true))))))))`, `map(1..10, # * 2)`, `title matches "^S"`, `]`, "\x00", `len(genres) > 0 ? 1 : 0`,
	} {
		f.Add(seed)
	}
	s := custom.New()
	f.Fuzz(func(t *testing.T, source string) {
		for _, key := range []string{"filter", "priority"} {
			cfg, _ := json.Marshal(map[string]string{key: source})
			err := s.Validate(context.Background(), cfg)
			if err == nil {
				continue
			}
			var es sdk.ConfigErrors
			if !errors.As(err, &es) || len(es) != 1 || es[0].Path != key || es[0].Message == "" {
				t.Fatalf("Validate(%q) = %v, want one ConfigError at %s", source, err, key)
			}
		}
	})
}
