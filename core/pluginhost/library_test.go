package pluginhost

import (
	"context"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// fakeLibrary is a small in-memory sdk.Library: its wanted/missing list is
// items, everything else is empty.
type fakeLibrary struct{ items []sdk.Item }

var _ sdk.Library = fakeLibrary{}

func backlog(n int) fakeLibrary {
	var items []sdk.Item
	for i := 1; i <= n; i++ {
		aired := now.AddDate(0, 0, -i)
		items = append(items, sdk.Item{
			Key: sdk.EpisodeKey(int64(i)), Title: "Episode", Monitored: true,
			SeriesID: 7, SeriesMonitored: true, SeasonMonitored: true,
			SeasonNumber: 1, EpisodeNumber: i, AirDateUTC: &aired,
		})
	}
	return fakeLibrary{items: items}
}

func (l fakeLibrary) WantedMissing(_ context.Context, q sdk.WantedQuery) (sdk.ItemPage, error) {
	return sdk.ItemPage{Items: l.items, Page: q.Page, PageSize: q.PageSize, TotalRecords: len(l.items)}, nil
}

func (l fakeLibrary) WantedCutoff(_ context.Context, q sdk.WantedQuery) (sdk.ItemPage, error) {
	return sdk.ItemPage{Page: q.Page, PageSize: q.PageSize}, nil
}

func (l fakeLibrary) Queue(_ context.Context, page, pageSize int) (sdk.QueuePage, error) {
	return sdk.QueuePage{Page: page, PageSize: pageSize}, nil
}

func (l fakeLibrary) Series(context.Context) ([]sdk.Series, error)        { return nil, nil }
func (l fakeLibrary) Episodes(context.Context, int64) ([]sdk.Item, error) { return l.items, nil }
func (l fakeLibrary) Movies(context.Context) ([]sdk.Item, error)          { return nil, nil }
func (l fakeLibrary) Tags(context.Context) ([]sdk.Tag, error)             { return nil, nil }
func (l fakeLibrary) QualityProfiles(context.Context) ([]sdk.QualityProfile, error) {
	return nil, nil
}

func (l fakeLibrary) Calendar(context.Context, time.Time, time.Time, bool) ([]sdk.Item, error) {
	return nil, nil
}

func (l fakeLibrary) SearchState(_ context.Context, keys []sdk.ItemKey) ([]sdk.SearchState, error) {
	out := make([]sdk.SearchState, len(keys))
	for i, k := range keys {
		out[i].Key = k
	}
	return out, nil
}
