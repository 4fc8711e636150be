package cutoff_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/plugins/cutoff"
	"github.com/vibequality/searcharr/plugins/internal/testlib"
	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

// sonarr is the shared Sonarr library with files: everything aired is
// downloaded, 100-104, 201, 202, 301, 401 and 402 below the quality cutoff;
// 105 meets it but scores 10 custom-format points where Alpha's profile
// wants 50.
func sonarr() sdktest.LibraryData {
	items := testlib.Sonarr()
	for i := range items {
		it := &items[i]
		switch it.Key.ID {
		case 203, 204:
			continue
		case 105:
			it.CustomFormatScore = 10
		case 106:
			it.CustomFormatScore = 60
		default:
			it.CutoffNotMet = true
		}
		it.HasFile = true
	}
	return sdktest.LibraryData{
		Items: items,
		Queue: testlib.SonarrQueue(),
		Series: []sdk.Series{
			{ID: 1, Title: "Alpha", Monitored: true, QualityProfileID: 1},
			{ID: 2, Title: "Beta", QualityProfileID: 1},
			{ID: 3, Title: "Gamma", Monitored: true, QualityProfileID: 2},
		},
		QualityProfiles: []sdk.QualityProfile{
			{ID: 1, Name: "HD", UpgradeAllowed: true, CutoffQuality: "WEBDL-1080p", CutoffFormatScore: 50},
			{ID: 2, Name: "Any", UpgradeAllowed: true, CutoffQuality: "HDTV-720p"},
		},
	}
}

func TestPlanSonarr(t *testing.T) {
	tests := []struct {
		name   string
		config string
		budget sdk.Budget
		want   []sdk.Command
		codes  map[sdk.ItemKey]string
		calls  map[string]int
	}{
		{
			name:   "oldest first, one search per episode",
			config: `{}`,
			want:   episodeSearches(101, 102, 103, 104, 100, 201, 402, 202),
			codes:  map[sdk.ItemKey]string{sdk.EpisodeKey(401): "queued", sdk.EpisodeKey(101): "searched"},
			calls:  map[string]int{"WantedCutoff": 1, "Series": 0, "Episodes": 0},
		},
		{
			name:   "newest first with a grace period",
			config: `{"order":"newest_aired","grace_hours":24}`,
			want:   episodeSearches(402, 201, 100, 104, 103, 102, 101),
			codes:  map[sdk.ItemKey]string{sdk.EpisodeKey(202): "future"},
		},
		{
			name:   "season grouping",
			config: `{"grouping":"season"}`,
			want:   []sdk.Command{sdk.SearchSeason(1, 1), sdk.SearchEpisodes(100), sdk.SearchSeason(1, 2), sdk.SearchEpisodes(402)},
		},
		{
			name:   "custom-format scores below the profile's cutoff score",
			config: `{"include_custom_format_below_cutoff":true}`,
			want:   episodeSearches(101, 102, 103, 104, 105, 100, 201, 402, 202),
			calls:  map[string]int{"QualityProfiles": 1, "Series": 1, "Episodes": 1}, // Beta is unmonitored; Gamma's profile has no cutoff score
		},
		{
			name:   "custom formats with season grouping count 105 in S01",
			config: `{"include_custom_format_below_cutoff":true,"grouping":"season"}`,
			want:   []sdk.Command{sdk.SearchSeason(1, 1), sdk.SearchEpisodes(100), sdk.SearchSeason(1, 2), sdk.SearchEpisodes(402)},
		},
		{
			name:   "budget",
			config: `{"include_custom_format_below_cutoff":true,"order":"newest_aired"}`,
			budget: sdk.Budget{MaxCost: 3},
			want:   episodeSearches(202, 402, 201),
			codes:  map[sdk.ItemKey]string{sdk.EpisodeKey(100): "over_budget"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib := sdktest.NewLibrary(sonarr())
			p := testlib.Plan(t, cutoff.New(), lib, sdk.Sonarr, tt.config, tt.budget)
			if got := testlib.Commands(p); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("commands %+v\nwant     %+v", got, tt.want)
			}
			testlib.CheckCodes(t, p, tt.codes)
			testlib.NoItemTwice(t, p)
			for m, n := range tt.calls {
				if got := lib.Count(m); got != n {
					t.Errorf("%d %s calls, want %d", got, m, n)
				}
			}
		})
	}
	p := testlib.Plan(t, cutoff.New(), sdktest.NewLibrary(sonarr()), sdk.Sonarr, `{"include_custom_format_below_cutoff":true}`, sdk.Budget{})
	if r := testlib.Reasons(p)[sdk.EpisodeKey(105)]; !strings.Contains(r, "custom format score 10 < 50 of HD") {
		t.Errorf("reason of 105: %q", r)
	}
	if r := testlib.Reasons(p)[sdk.EpisodeKey(101)]; strings.Contains(r, "custom format") {
		t.Errorf("reason of 101: %q", r)
	}
}

func episodeSearches(ids ...int64) []sdk.Command {
	out := make([]sdk.Command, len(ids))
	for i, id := range ids {
		out[i] = sdk.SearchEpisodes(id)
	}
	return out
}

func TestPlanRadarr(t *testing.T) {
	items := testlib.Radarr()
	for i := range items {
		it := &items[i]
		it.HasFile, it.QualityProfileID = true, 5
		switch it.Key.ID {
		case 11, 13, 15:
			it.CutoffNotMet = true // 13 is not available, 15 unmonitored
		case 17:
			it.CustomFormatScore = 40
		case 12:
			it.CustomFormatScore = 100
		}
	}
	data := sdktest.LibraryData{Items: items, QualityProfiles: []sdk.QualityProfile{{ID: 5, Name: "UHD", UpgradeAllowed: true, CutoffFormatScore: 100}}}
	tests := []struct {
		config string
		want   []sdk.ItemKey
	}{
		{`{}`, testlib.Movies(11)},
		{`{"include_custom_format_below_cutoff":true}`, testlib.Movies(11, 17)},
		{`{"include_custom_format_below_cutoff":true,"include_unavailable":true,"include_unmonitored":true}`, testlib.Movies(13, 16, 11, 17, 15, 14)},
	}
	for _, tt := range tests {
		lib := sdktest.NewLibrary(data)
		p := testlib.Plan(t, cutoff.New(), lib, sdk.Radarr, tt.config, sdk.Budget{})
		if got := testlib.Searched(p); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: searched %v, want %v", tt.config, got, tt.want)
		}
	}
}

func TestConformance(t *testing.T) {
	sdktest.Conformance(t, cutoff.New(), sdktest.Options{
		Library: func(kind sdk.InstanceKind) sdk.Library {
			items := sdktest.Backlog(kind, 200, sdktest.DefaultNow)
			for i := range items {
				items[i].HasFile = true
				items[i].CutoffNotMet = i%2 == 0
				items[i].QualityProfileID = 1
				items[i].CustomFormatScore = i % 7
			}
			return sdktest.NewLibrary(sdktest.LibraryData{
				Items:           items,
				QualityProfiles: []sdk.QualityProfile{{ID: 1, Name: "HD", UpgradeAllowed: true, CutoffFormatScore: 5}},
			})
		},
		ValidConfigs: []json.RawMessage{
			json.RawMessage(`{"order":"newest_aired","page_size":3}`),
			json.RawMessage(`{"order":"random","include_custom_format_below_cutoff":true}`),
			json.RawMessage(`{"grouping":"season","season_min_episodes":2}`),
			json.RawMessage(`{"grouping":"series","include_custom_format_below_cutoff":true}`),
		},
		InvalidConfigs: []sdktest.InvalidConfig{
			{Config: json.RawMessage(`[]`), Path: ""},
			{Config: json.RawMessage(`{"order":"best"}`), Path: "order"},
			{Config: json.RawMessage(`{"include_custom_format_below_cutoff":"yes"}`), Path: "include_custom_format_below_cutoff"},
			{Config: json.RawMessage(`{"page_size":0}`), Path: "page_size"},
			{Config: json.RawMessage(`{"cutoff":true}`), Path: "cutoff"},
		},
	})
}
