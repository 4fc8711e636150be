package recent_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/plugins/internal/testlib"
	"github.com/vibequality/searcharr/plugins/recent"
	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

var (
	now = testlib.Now
	eps = testlib.Eps
)

func at(d time.Duration) *time.Time { return sdktest.At(now.Add(d)) }

// library: episodes around now, with what was searched when.
func library() sdktest.LibraryData {
	h := time.Hour
	e := func(id int64, aired time.Duration) sdk.Item {
		return sdktest.Episode(id, 1, 1, int(id), at(-aired))
	}
	items := []sdk.Item{
		e(1, 30*time.Minute),       // before the first rung
		e(2, 2*h),                  // first rung due
		e(3, 2*h),                  // first rung done
		e(4, 8*h),                  // second rung due
		e(5, 5*24*h),               // ladder done
		e(6, 20*24*h),              // outside the window
		e(7, 3*24*h),               // downloaded
		e(8, -24*h),                // airs tomorrow
		e(9, 2*24*h),               // unmonitored
		e(10, 4*24*h),              // never searched: one search for all rungs
		e(11, 3*h),                 // downloading
		e(12, 25*h),                // third rung due; the arr searched at the second
		e(13, 36*h),                // special, searched by Searcharr at the third rung
		e(14, 6*24*h+12*time.Hour), // resting
	}
	items[6].HasFile = true
	items[8].Monitored = false
	items[11].LastSearchTime = at(-25*h + 7*h)
	items[12].SeasonNumber = 0
	rest := now.Add(h)
	return sdktest.LibraryData{
		Items: items,
		Queue: []sdk.QueueRecord{{Item: sdk.EpisodeKey(11), SeriesID: 1}},
		States: []sdk.SearchState{
			{Key: sdk.EpisodeKey(3), LastSearched: at(-30 * time.Minute), Searches: 1},
			{Key: sdk.EpisodeKey(4), LastSearched: at(-8*h + 90*time.Minute), Searches: 1},
			{Key: sdk.EpisodeKey(5), LastSearched: at(-5*24*h + 84*h), Searches: 4},
			{Key: sdk.EpisodeKey(13), LastSearched: at(-36*h + 25*h), Searches: 3},
			{Key: sdk.EpisodeKey(14), LastSearched: at(-2 * h), Searches: 4, CooldownUntil: &rest},
		},
	}
}

func TestPlan(t *testing.T) {
	tests := []struct {
		name   string
		config string
		budget sdk.Budget
		want   []sdk.ItemKey
		codes  map[sdk.ItemKey]string
	}{
		{
			name: "defaults: due items newest first",
			want: eps(2, 4, 12, 10),
			codes: map[sdk.ItemKey]string{
				sdk.EpisodeKey(1): "not_due", sdk.EpisodeKey(3): "not_due", sdk.EpisodeKey(5): "not_due",
				sdk.EpisodeKey(11): "queued", sdk.EpisodeKey(13): "not_due", sdk.EpisodeKey(14): "cooldown",
				sdk.EpisodeKey(2): "searched",
			},
		},
		{
			name:   "budget",
			budget: sdk.Budget{MaxCost: 2},
			want:   eps(2, 4),
			codes:  map[sdk.ItemKey]string{sdk.EpisodeKey(12): "over_budget", sdk.EpisodeKey(10): "over_budget"},
		},
		{
			name:   "a shorter window",
			config: `{"window_days":3}`,
			want:   eps(2, 4, 12),
		},
		{
			name:   "a custom ladder",
			config: `{"retry":["30m","2d"]}`,
			want:   eps(1, 2, 10), // the others were searched after 30m and are not 2d old
		},
		{
			name:   "unmonitored included",
			config: `{"include_unmonitored":true}`,
			want:   eps(2, 4, 12, 9, 10),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib := sdktest.NewLibrary(library())
			p := testlib.Plan(t, recent.New(), lib, sdk.Sonarr, tt.config, tt.budget)
			if got := testlib.Searched(p); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("searched %v, want %v", got, tt.want)
			}
			testlib.CheckCodes(t, p, tt.codes)
			testlib.NoItemTwice(t, p)
			if _, ok := testlib.Reasons(p)[sdk.EpisodeKey(7)]; ok {
				t.Error("a downloaded episode got a decision")
			}
			if n := lib.Count("Calendar"); n != 1 {
				t.Errorf("%d calendar reads, want 1", n)
			}
		})
	}
	p := testlib.Plan(t, recent.New(), sdktest.NewLibrary(library()), sdk.Sonarr, ``, sdk.Budget{})
	rs := testlib.Reasons(p)
	for k, want := range map[sdk.ItemKey]string{
		sdk.EpisodeKey(1):  "not_due: next retry at " + now.Add(30*time.Minute).Format(time.RFC3339),
		sdk.EpisodeKey(3):  "not_due: next retry at " + now.Add(4*time.Hour).Format(time.RFC3339),
		sdk.EpisodeKey(5):  "not_due: retry ladder done",
		sdk.EpisodeKey(4):  "searched: missing, aired ",
		sdk.EpisodeKey(12): "searched: missing, aired 2025-05-31, retry 3 of 4",
	} {
		if !strings.HasPrefix(rs[k], want) {
			t.Errorf("%s: reason %q, want %q...", k, rs[k], want)
		}
	}
}

func TestPlanRadarr(t *testing.T) {
	fresh := sdktest.Movie(1, at(-3*time.Hour))
	waiting := sdktest.Movie(2, at(-5*time.Hour))
	waiting.IsAvailable, waiting.MovieStatus = false, "inCinemas"
	old := sdktest.Movie(3, at(-30*24*time.Hour))
	lib := sdktest.NewLibrary(sdktest.LibraryData{Items: []sdk.Item{fresh, waiting, old}})
	p := testlib.Plan(t, recent.New(), lib, sdk.Radarr, ``, sdk.Budget{})
	if got := testlib.Searched(p); !reflect.DeepEqual(got, testlib.Movies(1)) {
		t.Errorf("searched %v", got)
	}
	testlib.CheckCodes(t, p, map[sdk.ItemKey]string{sdk.MovieKey(2): "not_available"})
	p = testlib.Plan(t, recent.New(), lib, sdk.Radarr, `{"include_unavailable":true}`, sdk.Budget{})
	if got := testlib.Searched(p); !reflect.DeepEqual(got, testlib.Movies(1, 2)) {
		t.Errorf("searched %v with include_unavailable", got)
	}
}

func TestValidate(t *testing.T) {
	s := sdktest.Connect(t, recent.New())
	for _, ok := range []string{``, `{"window_days":1,"retry":["1d12h"]}`, `{"retry":["15m","90m","1d","7d"]}`} {
		if err := s.Validate(context.Background(), json.RawMessage(ok)); err != nil {
			t.Errorf("Validate(%s) = %v", ok, err)
		}
	}
	for _, bad := range []struct{ config, path string }{
		{`{"window_days":0}`, "window_days"},
		{`{"retry":[]}`, "retry"},
		{`{"retry":["6h","1h"]}`, "retry"},
		{`{"retry":["soon"]}`, "retry"},
		{`{"retry":["-1h"]}`, "retry"},
		{`{"order":"random"}`, "order"},
	} {
		err := s.Validate(context.Background(), json.RawMessage(bad.config))
		es, ok := err.(sdk.ConfigErrors)
		if !ok || len(es) != 1 || es[0].Path != bad.path {
			t.Errorf("Validate(%s) = %v, want an error at %s", bad.config, err, bad.path)
		}
	}
}

func TestConformance(t *testing.T) {
	sdktest.Conformance(t, recent.New(), sdktest.Options{
		ValidConfigs: []json.RawMessage{
			json.RawMessage(`{"window_days":100}`),
			json.RawMessage(`{"retry":["1h"],"include_unmonitored":true}`),
			json.RawMessage(`{"window_days":365,"retry":["1d","30d","90d"],"include_unavailable":true}`),
		},
		InvalidConfigs: []sdktest.InvalidConfig{
			{Config: json.RawMessage(`[]`), Path: ""},
			{Config: json.RawMessage(`{"window_days":366}`), Path: "window_days"},
			{Config: json.RawMessage(`{"retry":"1h"}`), Path: "retry"},
			{Config: json.RawMessage(`{"grouping":"season"}`), Path: "grouping"},
		},
	})
}
