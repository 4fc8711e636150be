package library_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/arr/fakearr"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/library"
	"github.com/vibequality/searcharr/sdk"
)

// sim is an in-process simulator with one Sonarr and one Radarr.
type sim struct {
	sim    *fakearr.Sim
	origin string
}

func newSim(t *testing.T) *sim {
	t.Helper()
	s, err := fakearr.New(fakearr.Config{
		Clock: fakearr.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)),
		Instances: []fakearr.InstanceConfig{
			{Kind: domain.KindSonarr, Name: "sonarr", Seed: 5, Episodes: 4000, MissingRatio: 0.3, CutoffRatio: 0.2},
			{Kind: domain.KindRadarr, Name: "radarr", Seed: 5, Movies: 900, MissingRatio: 0.3, CutoffRatio: 0.2},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		srv.Close()
		_ = s.Close()
	})
	return &sim{sim: s, origin: srv.URL}
}

func (s *sim) client(t *testing.T, name string) *arr.Client {
	t.Helper()
	info := s.sim.Instance(name).Info(s.origin)
	c, err := arr.New(arr.Config{Kind: info.Kind, URL: info.URL, APIKey: info.APIKey, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantedRequests counts the logged wanted-list requests of an instance.
func (s *sim) wantedRequests(name string) int {
	n := 0
	for _, r := range s.sim.Requests() {
		if r.Instance == name && strings.Contains(r.Path, "/wanted/") {
			n++
		}
	}
	return n
}

type listFunc func(context.Context, sdk.WantedQuery) (sdk.ItemPage, error)

// walk reads a whole list in pages of size.
func walk(t *testing.T, list listFunc, q sdk.WantedQuery) ([]sdk.ItemKey, int) {
	t.Helper()
	var keys []sdk.ItemKey
	total := 0
	for q.Page = 1; ; q.Page++ {
		p, err := list(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		total = p.TotalRecords
		for _, it := range p.Items {
			keys = append(keys, it.Key)
		}
		if len(p.Items) == 0 || q.Page*p.PageSize >= p.TotalRecords {
			return keys, total
		}
	}
}

// direct reads a whole list straight from the client, monitored or not.
func direct(t *testing.T, fetch func(context.Context, arr.WantedQuery) (arr.WantedPage, error), monitored bool, sortKey string) []sdk.ItemKey {
	t.Helper()
	m := monitored
	page, err := fetch(context.Background(), arr.WantedQuery{Page: 1, PageSize: 100000, SortKey: sortKey, SortDirection: arr.SortAscending, Monitored: &m})
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]sdk.ItemKey, len(page.Items))
	for i, it := range page.Items {
		keys[i] = sdk.ItemKey{Type: sdk.ItemType(it.Key.Type), ID: it.Key.ID}
	}
	return keys
}

func equalKeys(t *testing.T, what string, got, want []sdk.ItemKey) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d items, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: item %d is %v, want %v", what, i, got[i], want[i])
		}
	}
}

func TestIncludeUnmonitoredIsMonitoredThenUnmonitored(t *testing.T) {
	s := newSim(t)
	for _, tc := range []struct {
		name    string
		sortKey string
		cutoff  bool
	}{
		{"sonarr", arr.SortSonarrAirDate, false},
		{"sonarr", arr.SortSonarrAirDate, true},
		{"radarr", arr.SortRadarrYear, false},
	} {
		c := s.client(t, tc.name)
		lib := library.New(c, nil, 1)
		fetch, list := c.WantedMissing, listFunc(lib.WantedMissing)
		if tc.cutoff {
			fetch, list = c.WantedCutoff, lib.WantedCutoff
		}
		mon, unmon := direct(t, fetch, true, tc.sortKey), direct(t, fetch, false, tc.sortKey)
		if len(mon) == 0 || len(unmon) == 0 {
			t.Fatalf("%s: the simulated library needs both monitored (%d) and unmonitored (%d) wanted items", tc.name, len(mon), len(unmon))
		}
		want := append(append([]sdk.ItemKey(nil), mon...), unmon...)
		// Page sizes that do and do not divide the monitored total, so
		// that pages straddle the boundary.
		for _, size := range []int{37, 100, len(mon), len(mon) + 1} {
			got, total := walk(t, list, sdk.WantedQuery{PageSize: size, IncludeUnmonitored: true})
			if total != len(want) {
				t.Fatalf("%s cutoff=%v size %d: total %d, want %d", tc.name, tc.cutoff, size, total, len(want))
			}
			equalKeys(t, tc.name+" concatenation", got, want)
		}
		got, total := walk(t, list, sdk.WantedQuery{PageSize: 50})
		if total != len(mon) {
			t.Fatalf("monitored only: total %d, want %d", total, len(mon))
		}
		equalKeys(t, tc.name+" monitored only", got, mon)
	}
}

func TestCacheServesWholeListWalks(t *testing.T) {
	s := newSim(t)
	c := s.client(t, "sonarr")
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	cache := library.NewCache(time.Hour, clock)
	newLib := func() *library.Library { return library.New(c, nil, 1).WithCache(cache) }
	whole := sdk.WantedQuery{PageSize: library.MaxPageSize, IncludeUnmonitored: true}

	want, _ := walk(t, library.New(c, nil, 1).WantedMissing, whole)
	s.sim.ResetRequests()
	first, _ := walk(t, newLib().WantedMissing, whole)
	equalKeys(t, "first cached walk", first, want)
	if n := s.wantedRequests("sonarr"); n == 0 {
		t.Fatal("the first walk read nothing from the arr")
	}
	s.sim.ResetRequests()
	second, _ := walk(t, newLib().WantedMissing, whole)
	equalKeys(t, "second cached walk", second, want)
	if n := s.wantedRequests("sonarr"); n != 0 {
		t.Fatalf("a second run read the wanted list again: %d requests", n)
	}

	// Small pages of a server-sortable order still come from the arr,
	// one request per page read.
	p, err := newLib().WantedMissing(context.Background(), sdk.WantedQuery{PageSize: 20, SortKey: sdk.SortLastSearched})
	if err != nil || len(p.Items) != 20 {
		t.Fatalf("small page: %d items, %v", len(p.Items), err)
	}
	if n := s.wantedRequests("sonarr"); n != 1 {
		t.Fatalf("a 20-item page took %d requests, want 1", n)
	}

	// Invalidate (a Grab, Download or FileDelete webhook) and expiry make
	// the next walk read the arr again; another instance's entries stay.
	for _, step := range []func(){
		func() { cache.Invalidate(1) },
		func() { mu.Lock(); now = now.Add(61 * time.Minute); mu.Unlock() },
	} {
		step()
		s.sim.ResetRequests()
		again, _ := walk(t, newLib().WantedMissing, whole)
		equalKeys(t, "walk after invalidation", again, want)
		if n := s.wantedRequests("sonarr"); n == 0 {
			t.Fatal("a stale cache served the walk")
		}
	}
	cache.Invalidate(2)
	s.sim.ResetRequests()
	walk(t, newLib().WantedMissing, whole)
	if n := s.wantedRequests("sonarr"); n != 0 {
		t.Fatalf("invalidating another instance dropped this one's list: %d requests", n)
	}

	// Cutoff is a list of its own.
	cut, _ := walk(t, newLib().WantedCutoff, whole)
	wantCut, _ := walk(t, library.New(c, nil, 1).WantedCutoff, whole)
	equalKeys(t, "cached cutoff", cut, wantCut)
}

func TestCacheFillsOnceForConcurrentRuns(t *testing.T) {
	s := newSim(t)
	c := s.client(t, "radarr")
	cache := library.NewCache(time.Hour, nil)
	whole := sdk.WantedQuery{PageSize: library.MaxPageSize}
	s.sim.ResetRequests()
	var wg sync.WaitGroup
	results := make([][]sdk.ItemKey, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = walk(t, library.New(c, nil, 7).WithCache(cache).WantedMissing, whole)
		}()
	}
	wg.Wait()
	for i := range results {
		equalKeys(t, "concurrent walk", results[i], results[0])
	}
	// The whole list is under one fill page: one request, whoever asked.
	if n := s.wantedRequests("radarr"); n != 1 {
		t.Fatalf("eight concurrent runs made %d requests, want 1", n)
	}
	var nilCache *library.Cache
	nilCache.Invalidate(7) // a nil cache is valid and caches nothing
}
