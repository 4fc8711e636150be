package arr

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/vibequality/searcharr/core/domain"
)

// WantedList names one of the two wanted lists.
type WantedList string

// The wanted lists.
const (
	// ListMissing is /wanted/missing: monitored items without a file.
	ListMissing WantedList = "missing"
	// ListCutoff is /wanted/cutoff: items whose file is below the quality
	// cutoff of their profile.
	ListCutoff WantedList = "cutoff"
)

// The sort keys the wanted lists accept. Sonarr v4 and Radarr need the
// table prefix; any other key silently falls back to the default.
const (
	SortSonarrAirDate         = "episodes.airDateUtc"
	SortSonarrLastSearchTime  = "episodes.lastSearchTime"
	SortSonarrSeriesTitle     = "series.sortTitle"
	SortRadarrTitle           = "movieMetadata.sortTitle"
	SortRadarrYear            = "movieMetadata.year"
	SortRadarrInCinemas       = "movieMetadata.inCinemas"
	SortRadarrDigitalRelease  = "movieMetadata.digitalRelease"
	SortRadarrPhysicalRelease = "movieMetadata.physicalRelease"
	SortRadarrLastSearchTime  = "movies.lastSearchTime"
)

// DefaultWantedPageSize is the page size used when a WantedQuery has none.
const DefaultWantedPageSize = 100

var wantedSortKeys = map[domain.InstanceKind][]string{
	domain.KindSonarr: {SortSonarrAirDate, SortSonarrLastSearchTime, SortSonarrSeriesTitle},
	domain.KindRadarr: {SortRadarrTitle, SortRadarrYear, SortRadarrInCinemas, SortRadarrDigitalRelease,
		SortRadarrPhysicalRelease, SortRadarrLastSearchTime},
}

// LastSearchSortKey is the wanted-list sort key for "last searched" on kind.
func LastSearchSortKey(kind domain.InstanceKind) string {
	if kind == domain.KindRadarr {
		return SortRadarrLastSearchTime
	}
	return SortSonarrLastSearchTime
}

// WantedQuery selects one page of a wanted list.
type WantedQuery struct {
	// Page is 1-based; 0 means 1.
	Page int
	// PageSize is the number of records per page; 0 means
	// DefaultWantedPageSize. The applications have no upper limit.
	PageSize int
	// SortKey is one of the Sort* constants for the instance's kind. An
	// unprefixed key ("lastSearchTime") is given its prefix; empty means
	// the application's default (air date / title).
	SortKey string
	// SortDirection defaults to ascending. The client always sends one.
	SortDirection SortDirection
	// Monitored filters on monitoring; nil means true, as in the apps.
	// For Sonarr, true means episode and series monitored.
	Monitored *bool
}

// WantedPage is one page of a wanted list, normalized.
type WantedPage struct {
	PageInfo
	Items []domain.Item
}

// WantedMissing reads one page of /wanted/missing.
func (c *Client) WantedMissing(ctx context.Context, q WantedQuery) (WantedPage, error) {
	return c.wantedPage(ctx, ListMissing, q)
}

// WantedCutoff reads one page of /wanted/cutoff; its items have
// CutoffNotMet set.
func (c *Client) WantedCutoff(ctx context.Context, q WantedQuery) (WantedPage, error) {
	return c.wantedPage(ctx, ListCutoff, q)
}

func (c *Client) wantedPage(ctx context.Context, list WantedList, q WantedQuery) (WantedPage, error) {
	var page WantedPage
	info, err := c.Wanted(ctx, list, q, func(it domain.Item) error {
		page.Items = append(page.Items, it)
		return nil
	})
	page.PageInfo = info
	return page, err
}

// Wanted reads one page of a wanted list and hands each record, converted
// to a domain.Item, to fn as it is decoded; the page is never held whole.
// An error from fn stops the decoding and is returned unchanged. fn runs
// within the call's timeout, so it should be quick.
func (c *Client) Wanted(ctx context.Context, list WantedList, q WantedQuery, fn func(domain.Item) error) (PageInfo, error) {
	op := "GET " + apiPrefix + "/wanted/" + string(list)
	if list != ListMissing && list != ListCutoff {
		return PageInfo{}, invalidf(op, "unknown wanted list %q", list)
	}
	params, err := c.wantedParams(op, list, q)
	if err != nil {
		return PageInfo{}, err
	}
	cutoff := list == ListCutoff
	var info PageInfo
	err = c.get(ctx, "/wanted/"+string(list), params, func(r io.Reader) error {
		var derr error
		info, derr = decodePage(r, c.itemDecoder(cutoff, fn))
		return derr
	})
	return info, err
}

// itemDecoder returns a record decoder for the client's kind that converts
// each record and calls fn.
func (c *Client) itemDecoder(cutoff bool, fn func(domain.Item) error) func(*json.Decoder) error {
	emit := func(it domain.Item) error {
		if cutoff {
			it.CutoffNotMet = true
		}
		if err := fn(it); err != nil {
			return callbackError{err}
		}
		return nil
	}
	if c.kind == domain.KindSonarr {
		var ep Episode
		return func(dec *json.Decoder) error {
			ep = Episode{}
			if err := dec.Decode(&ep); err != nil {
				return err
			}
			return emit(ep.Item())
		}
	}
	var m Movie
	return func(dec *json.Decoder) error {
		m = Movie{}
		if err := dec.Decode(&m); err != nil {
			return err
		}
		return emit(m.Item())
	}
}

// wantedParams builds the query: paging, a whitelisted sort key, always a
// direction, the monitored filter and, for Sonarr, the embedded series
// (and episode file on cutoff).
func (c *Client) wantedParams(op string, list WantedList, q WantedQuery) (url.Values, error) {
	if q.Page < 0 || q.PageSize < 0 {
		return nil, invalidf(op, "page and pageSize must not be negative")
	}
	page, size := max(q.Page, 1), q.PageSize
	if size == 0 {
		size = DefaultWantedPageSize
	}
	key, err := c.wantedSortKey(op, q.SortKey)
	if err != nil {
		return nil, err
	}
	dir := q.SortDirection
	switch dir {
	case "":
		dir = SortAscending
	case SortAscending, SortDescending, SortDefault:
	default:
		return nil, invalidf(op, "sort direction %q: want ascending or descending", dir)
	}
	monitored := q.Monitored == nil || *q.Monitored
	v := url.Values{}
	v.Set("page", strconv.Itoa(page))
	v.Set("pageSize", strconv.Itoa(size))
	v.Set("sortKey", key)
	v.Set("sortDirection", string(dir))
	v.Set("monitored", strconv.FormatBool(monitored))
	if c.kind == domain.KindSonarr {
		v.Set("includeSeries", "true")
		if list == ListCutoff {
			v.Set("includeEpisodeFile", "true")
		}
	}
	return v, nil
}

// wantedSortKey resolves key to a whitelisted, prefixed sort key.
func (c *Client) wantedSortKey(op, key string) (string, error) {
	allowed := wantedSortKeys[c.kind]
	if key == "" {
		return allowed[0], nil
	}
	for _, k := range allowed {
		if strings.EqualFold(k, key) {
			return k, nil
		}
	}
	for _, k := range allowed {
		if _, col, _ := strings.Cut(k, "."); strings.EqualFold(col, key) {
			return k, nil
		}
	}
	return "", invalidf(op, "sort key %q is not accepted by %s; use one of %s", key, c.app, strings.Join(allowed, ", "))
}

// ErrStopWalk, returned by a WalkWanted callback, ends the walk without an
// error.
var ErrStopWalk = errors.New("arr: stop walk")

// WalkWanted pages through a whole wanted list from q.Page on, handing
// every item to fn. It stops at the last page, when fn returns an error
// (returned unchanged, except ErrStopWalk which ends the walk with nil), or
// when ctx is done. The list may shift while it is walked (a search changes
// lastSearchTime); items can then be seen twice or skipped.
func (c *Client) WalkWanted(ctx context.Context, list WantedList, q WantedQuery, fn func(domain.Item) error) error {
	q.Page = max(q.Page, 1)
	if q.PageSize == 0 {
		q.PageSize = DefaultWantedPageSize
	}
	seen := (q.Page - 1) * q.PageSize
	for {
		info, err := c.Wanted(ctx, list, q, fn)
		if errors.Is(err, ErrStopWalk) {
			return nil
		}
		if err != nil {
			return err
		}
		seen += info.Records
		if info.Records == 0 || info.Records < q.PageSize || seen >= info.TotalRecords ||
			(info.Page != 0 && info.Page != q.Page) {
			return nil
		}
		q.Page++
	}
}
