package sdktest_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

func ids(items []sdk.Item) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = it.Key.ID
	}
	return out
}

func TestLibraryWantedPagingAndSorting(t *testing.T) {
	now := sdktest.DefaultNow
	items := sdktest.Backlog(sdk.Sonarr, 25, now) // ids 1..25, oldest first
	items[4].Monitored = false                    // id 5
	items[5].HasFile = true                       // id 6
	items[6].HasFile, items[6].CutoffNotMet = true, true
	items[9].LastSearchTime = sdktest.At(now) // id 10 searched most recently
	items[10].LastSearchTime = sdktest.At(now.Add(-time.Hour))
	lib := sdktest.NewLibrary(sdktest.LibraryData{Items: items, MaxPageSize: 20})
	ctx := context.Background()

	tests := []struct {
		name  string
		q     sdk.WantedQuery
		want  []int64
		total int
		size  int
	}{
		{"default page of 10", sdk.WantedQuery{}, []int64{1, 2, 3, 4, 8, 9, 10, 11, 12, 13}, 22, 10},
		{"second page", sdk.WantedQuery{Page: 3, PageSize: 10}, []int64{24, 25}, 22, 10},
		{"past the end", sdk.WantedQuery{Page: 9, PageSize: 10}, []int64{}, 22, 10},
		{"descending", sdk.WantedQuery{PageSize: 3, Descending: true}, []int64{25, 24, 23}, 22, 3},
		{"unmonitored included", sdk.WantedQuery{PageSize: 5, IncludeUnmonitored: true}, []int64{1, 2, 3, 4, 5}, 23, 5},
		{"never searched first", sdk.WantedQuery{Page: 3, PageSize: 10, SortKey: sdk.SortLastSearched}, []int64{11, 10}, 22, 10},
		{"page size capped", sdk.WantedQuery{PageSize: 500}, nil, 22, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := lib.WantedMissing(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != nil && !reflect.DeepEqual(ids(page.Items), tt.want) {
				t.Errorf("ids %v, want %v", ids(page.Items), tt.want)
			}
			if page.TotalRecords != tt.total || page.PageSize != tt.size {
				t.Errorf("total %d size %d, want %d %d", page.TotalRecords, page.PageSize, tt.total, tt.size)
			}
		})
	}
	cut, err := lib.WantedCutoff(ctx, sdk.WantedQuery{})
	if err != nil || !reflect.DeepEqual(ids(cut.Items), []int64{7}) {
		t.Errorf("cutoff %v, %v; want [7]", ids(cut.Items), err)
	}
	if n := lib.Count("WantedMissing"); n != len(tests) {
		t.Errorf("recorded %d WantedMissing calls, want %d", n, len(tests))
	}
}

func TestLibraryOtherMethods(t *testing.T) {
	now := sdktest.DefaultNow
	lib := sdktest.NewLibrary(sdktest.LibraryData{
		Items:  append(sdktest.Backlog(sdk.Sonarr, 12, now), sdktest.Movie(100, sdktest.At(now))),
		Queue:  []sdk.QueueRecord{{Item: sdk.EpisodeKey(1)}, {Item: sdk.EpisodeKey(2)}, {Item: sdk.EpisodeKey(3)}},
		States: []sdk.SearchState{{Key: sdk.EpisodeKey(2), Searches: 4}},
	})
	ctx := context.Background()
	q, _ := lib.Queue(ctx, 2, 2)
	if len(q.Records) != 1 || q.Records[0].Item != sdk.EpisodeKey(3) || q.TotalRecords != 3 {
		t.Errorf("queue page 2: %+v", q)
	}
	eps, _ := lib.Episodes(ctx, 2)
	if !reflect.DeepEqual(ids(eps), []int64{11, 12}) {
		t.Errorf("episodes of series 2: %v", ids(eps))
	}
	movies, _ := lib.Movies(ctx)
	if !reflect.DeepEqual(ids(movies), []int64{100}) {
		t.Errorf("movies: %v", ids(movies))
	}
	cal, _ := lib.Calendar(ctx, now.Add(-48*time.Hour), now, false)
	if !reflect.DeepEqual(ids(cal), []int64{11, 12}) {
		t.Errorf("calendar: %v", ids(cal))
	}
	st, _ := lib.SearchState(ctx, []sdk.ItemKey{sdk.EpisodeKey(2), sdk.EpisodeKey(3)})
	if st[0].Searches != 4 || st[1] != (sdk.SearchState{Key: sdk.EpisodeKey(3)}) {
		t.Errorf("search state: %+v", st)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := lib.Tags(cctx); err == nil {
		t.Error("Tags ignored a cancelled context")
	}
}
