// Package library is the host half of the plugin Library service: it
// answers a strategy's reads from one Sonarr/Radarr instance and from
// Searcharr's own search state, converted to the SDK's types, read-only and
// cached for the length of one run. The arr URL and API key stay here.
package library

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/sdk"
)

// MaxPageSize caps the page size a strategy may ask for, so one call cannot
// make the host hold an unbounded page.
const MaxPageSize = 2000

// Source is the arr client the Library reads.
type Source interface {
	Kind() domain.InstanceKind
	WantedMissing(ctx context.Context, q arr.WantedQuery) (arr.WantedPage, error)
	WantedCutoff(ctx context.Context, q arr.WantedQuery) (arr.WantedPage, error)
	Queue(ctx context.Context, q arr.QueueQuery) (arr.QueuePage, error)
	Series(ctx context.Context) ([]arr.Series, error)
	Episodes(ctx context.Context, seriesID int64) ([]arr.Episode, error)
	Movies(ctx context.Context) ([]arr.Movie, error)
	Calendar(ctx context.Context, start, end time.Time, unmonitored bool) ([]domain.Item, error)
	Tags(ctx context.Context) ([]arr.Tag, error)
	QualityProfiles(ctx context.Context) ([]arr.QualityProfile, error)
}

// StateReader reads Searcharr's own search state of items.
type StateReader interface {
	GetItemStates(ctx context.Context, instanceID int64, keys []domain.ItemKey) (map[domain.ItemKey]domain.ItemState, error)
}

// Library serves one instance to one run.
type Library struct {
	src        Source
	states     StateReader
	instanceID int64
	cache      *Cache

	mu       sync.Mutex
	series   []arr.Series
	seriesBy map[int64]*arr.Series
	movies   []sdk.Item
	tags     []sdk.Tag
	profiles []sdk.QualityProfile
}

var _ sdk.Library = (*Library)(nil)

// New returns a Library over src for the instance.
func New(src Source, states StateReader, instanceID int64) *Library {
	return &Library{src: src, states: states, instanceID: instanceID}
}

// WithCache makes the Library serve whole-list walks of the wanted lists
// (pages of MaxPageSize) from c, shared with other runs; smaller pages,
// which server-sorted strategies read, still come from the arr. It returns
// l.
func (l *Library) WithCache(c *Cache) *Library {
	l.cache = c
	return l
}

// WantedMissing implements sdk.Library.
func (l *Library) WantedMissing(ctx context.Context, q sdk.WantedQuery) (sdk.ItemPage, error) {
	if l.cache != nil && wholeList(q) {
		page, err := l.cachedPage(ctx, "missing", l.src.WantedMissing, q)
		if err != nil {
			return sdk.ItemPage{}, fmt.Errorf("library: wanted/missing: %w", err)
		}
		return page, nil
	}
	page, err := l.wanted(ctx, l.src.WantedMissing, q)
	if err != nil {
		return sdk.ItemPage{}, fmt.Errorf("library: wanted/missing: %w", err)
	}
	return page, nil
}

// WantedCutoff implements sdk.Library.
func (l *Library) WantedCutoff(ctx context.Context, q sdk.WantedQuery) (sdk.ItemPage, error) {
	if l.cache != nil && wholeList(q) {
		page, err := l.cachedPage(ctx, "cutoff", l.src.WantedCutoff, q)
		if err != nil {
			return sdk.ItemPage{}, fmt.Errorf("library: wanted/cutoff: %w", err)
		}
		return page, nil
	}
	page, err := l.wanted(ctx, l.src.WantedCutoff, q)
	if err != nil {
		return sdk.ItemPage{}, fmt.Errorf("library: wanted/cutoff: %w", err)
	}
	return page, nil
}

func (l *Library) wantedQuery(q sdk.WantedQuery) arr.WantedQuery {
	out := arr.WantedQuery{Page: max(q.Page, 1), PageSize: clampPageSize(q.PageSize), SortDirection: arr.SortAscending}
	if q.Descending {
		out.SortDirection = arr.SortDescending
	}
	radarr := l.src.Kind() == domain.KindRadarr
	switch q.SortKey {
	case sdk.SortLastSearched:
		out.SortKey = arr.LastSearchSortKey(l.src.Kind())
	case sdk.SortTitle:
		out.SortKey = arr.SortSonarrSeriesTitle
		if radarr {
			out.SortKey = arr.SortRadarrTitle
		}
	default:
		out.SortKey = arr.SortSonarrAirDate
		if radarr {
			out.SortKey = arr.SortRadarrYear
		}
	}
	return out
}

func clampPageSize(n int) int {
	switch {
	case n <= 0:
		return arr.DefaultWantedPageSize
	case n > MaxPageSize:
		return MaxPageSize
	}
	return n
}

func itemPage(p arr.WantedPage) sdk.ItemPage {
	out := sdk.ItemPage{Page: p.Page, PageSize: p.PageSize, TotalRecords: p.TotalRecords, Items: make([]sdk.Item, len(p.Items))}
	for i, it := range p.Items {
		out.Items[i] = ItemToSDK(it)
	}
	return out
}

// Queue implements sdk.Library.
func (l *Library) Queue(ctx context.Context, page, pageSize int) (sdk.QueuePage, error) {
	p, err := l.src.Queue(ctx, arr.QueueQuery{Page: max(page, 1), PageSize: clampPageSize(pageSize), SortDirection: arr.SortAscending})
	if err != nil {
		return sdk.QueuePage{}, fmt.Errorf("library: queue: %w", err)
	}
	out := sdk.QueuePage{Page: p.Page, PageSize: p.PageSize, TotalRecords: p.TotalRecords}
	for _, r := range p.Records {
		rec := sdk.QueueRecord{
			SeriesID: r.SeriesID, SeasonNumber: r.SeasonNumber, Title: r.Title,
			Status: r.Status, TrackedState: r.TrackedDownloadState, Protocol: r.Protocol,
		}
		switch {
		case r.EpisodeID != 0:
			rec.Item = sdk.EpisodeKey(r.EpisodeID)
		case r.MovieID != 0:
			rec.Item = sdk.MovieKey(r.MovieID)
		}
		out.Records = append(out.Records, rec)
	}
	return out, nil
}

// SearchState implements sdk.Library.
func (l *Library) SearchState(ctx context.Context, keys []sdk.ItemKey) ([]sdk.SearchState, error) {
	dk := make([]domain.ItemKey, len(keys))
	for i, k := range keys {
		dk[i] = domain.ItemKey{Type: domain.ItemType(k.Type), ID: k.ID}
	}
	states, err := l.states.GetItemStates(ctx, l.instanceID, dk)
	if err != nil {
		return nil, fmt.Errorf("library: search state: %w", err)
	}
	out := make([]sdk.SearchState, len(keys))
	for i, k := range keys {
		s := states[dk[i]]
		out[i] = sdk.SearchState{
			Key: k, LastSearched: s.LastSearchedAt, Searches: s.SearchCount,
			Grabs: s.GrabCount, LastGrab: s.LastGrabAt, CooldownUntil: s.CooldownUntil,
		}
	}
	return out, nil
}
