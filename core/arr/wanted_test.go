package arr_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/domain"
)

func TestWantedQueryParams(t *testing.T) {
	f := false
	tests := []struct {
		name string
		kind domain.InstanceKind
		list arr.WantedList
		q    arr.WantedQuery
		want map[string]string // "" = must be absent
		err  error
	}{
		{"sonarr defaults", domain.KindSonarr, arr.ListMissing, arr.WantedQuery{},
			map[string]string{"page": "1", "pageSize": "100", "sortKey": "episodes.airDateUtc", "sortDirection": "ascending", "monitored": "true", "includeSeries": "true", "includeEpisodeFile": ""}, nil},
		{"sonarr cutoff includes the file", domain.KindSonarr, arr.ListCutoff, arr.WantedQuery{SortKey: "lastSearchTime"},
			map[string]string{"sortKey": "episodes.lastSearchTime", "includeEpisodeFile": "true"}, nil},
		{"radarr defaults", domain.KindRadarr, arr.ListMissing, arr.WantedQuery{Page: 3, PageSize: 7, Monitored: &f, SortDirection: arr.SortDescending},
			map[string]string{"page": "3", "pageSize": "7", "sortKey": "movieMetadata.sortTitle", "sortDirection": "descending", "monitored": "false", "includeSeries": ""}, nil},
		{"radarr unprefixed key", domain.KindRadarr, arr.ListCutoff, arr.WantedQuery{SortKey: "LASTSEARCHTIME"},
			map[string]string{"sortKey": "movies.lastSearchTime"}, nil},
		{"unknown key refused", domain.KindSonarr, arr.ListMissing, arr.WantedQuery{SortKey: "title"}, nil, arr.ErrInvalid},
		{"radarr key on sonarr refused", domain.KindSonarr, arr.ListMissing, arr.WantedQuery{SortKey: arr.SortRadarrYear}, nil, arr.ErrInvalid},
		{"bad direction refused", domain.KindSonarr, arr.ListMissing, arr.WantedQuery{SortDirection: "asc"}, nil, arr.ErrInvalid},
		{"negative page refused", domain.KindSonarr, arr.ListMissing, arr.WantedQuery{Page: -1}, nil, arr.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fa := newFakeApp(t, tt.kind, "")
			_, err := fa.client(t).Wanted(context.Background(), tt.list, tt.q, func(domain.Item) error { return nil })
			if tt.err != nil {
				if !errors.Is(err, tt.err) || len(fa.requests()) != 0 {
					t.Fatalf("err = %v, %d requests; want %v and none", err, len(fa.requests()), tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			q, _ := url.ParseQuery(fa.requests()[0].Query)
			for k, v := range tt.want {
				if v == "" && q.Has(k) || q.Get(k) != v {
					t.Errorf("%s = %q, want %q (query %s)", k, q.Get(k), v, fa.requests()[0].Query)
				}
			}
		})
	}
}

func TestWalkWanted(t *testing.T) {
	const total = 250
	f := newFakeApp(t, domain.KindRadarr, "")
	rec := records(t, example(t, "radarr-wanted-missing.json"))[0]
	var calls atomic.Int32
	f.routes["GET /wanted/missing"] = func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		size, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
		var recs []map[string]any
		for i := (page - 1) * size; i < min(page*size, total); i++ {
			var m map[string]any
			_ = jsonUnmarshal(rec, &m)
			m["id"] = i + 1
			recs = append(recs, m)
		}
		if recs == nil {
			recs = []map[string]any{}
		}
		writeJSON(w, 200, mustJSON(t, map[string]any{"page": page, "pageSize": size, "sortKey": "movies.lastSearchTime", "sortDirection": "ascending", "totalRecords": total, "records": recs}))
	}
	c := f.client(t)
	seen := map[int64]bool{}
	err := c.WalkWanted(context.Background(), arr.ListMissing, arr.WantedQuery{SortKey: arr.SortRadarrLastSearchTime}, func(it domain.Item) error {
		seen[it.Key.ID] = true
		return nil
	})
	if err != nil || len(seen) != total || calls.Load() != 3 {
		t.Fatalf("walk: err=%v items=%d calls=%d", err, len(seen), calls.Load())
	}

	calls.Store(0)
	n := 0
	err = c.WalkWanted(context.Background(), arr.ListMissing, arr.WantedQuery{PageSize: 50}, func(domain.Item) error {
		if n++; n == 60 {
			return arr.ErrStopWalk
		}
		return nil
	})
	if err != nil || n != 60 || calls.Load() != 2 {
		t.Errorf("stop: err=%v n=%d calls=%d", err, n, calls.Load())
	}
	boom := errors.New("boom")
	err = c.WalkWanted(context.Background(), arr.ListMissing, arr.WantedQuery{}, func(domain.Item) error { return boom })
	if err != boom {
		t.Errorf("callback error = %v, want it unchanged", err)
	}
}
