package sdktest

import (
	"cmp"
	"slices"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// defaultPageSize is Sonarr's and Radarr's page size when none is given.
const defaultPageSize = 10

// wanted filters, sorts and pages the items as the wanted lists do.
func (l *Library) wanted(q sdk.WantedQuery, keep func(*sdk.Item) bool) sdk.ItemPage {
	var list []sdk.Item
	for i := range l.data.Items {
		it := &l.data.Items[i]
		if keep(it) && (q.IncludeUnmonitored || monitored(it)) {
			list = append(list, *it)
		}
	}
	order := byReleased
	switch q.SortKey {
	case sdk.SortLastSearched:
		order = byLastSearched
	case sdk.SortTitle:
		order = byTitle
	}
	if q.Descending {
		slices.SortStableFunc(list, func(a, b sdk.Item) int { return order(b, a) })
	} else {
		slices.SortStableFunc(list, order)
	}
	page, size := l.paging(q.Page, q.PageSize)
	lo, hi := bounds(page, size, len(list))
	return sdk.ItemPage{Items: list[lo:hi:hi], Page: page, PageSize: size, TotalRecords: len(list)}
}

func (l *Library) paging(page, size int) (int, int) {
	if page < 1 {
		page = 1
	}
	if size < 1 {
		size = defaultPageSize
	}
	if l.data.MaxPageSize > 0 && size > l.data.MaxPageSize {
		size = l.data.MaxPageSize
	}
	return page, size
}

func bounds(page, size, n int) (lo, hi int) {
	lo = min((page-1)*size, n)
	hi = min(lo+size, n)
	return lo, hi
}

// monitored is Sonarr's and Radarr's "monitored" filter: for an episode, the
// episode and its series.
func monitored(it *sdk.Item) bool {
	if it.Key.Type == sdk.Episode {
		return it.Monitored && it.SeriesMonitored
	}
	return it.Monitored
}

// compareTimes orders unknown times first, as a database sorts NULLs
// ascending.
func compareTimes(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(*b)
}

func byID(a, b sdk.Item) int {
	return cmp.Or(cmp.Compare(a.Key.Type, b.Key.Type), cmp.Compare(a.Key.ID, b.Key.ID))
}

func byReleased(a, b sdk.Item) int {
	return cmp.Or(compareTimes(a.Released(), b.Released()), byID(a, b))
}

func byLastSearched(a, b sdk.Item) int {
	return cmp.Or(compareTimes(a.LastSearchTime, b.LastSearchTime), byReleased(a, b))
}

func byTitle(a, b sdk.Item) int {
	ta, tb := a.Title, b.Title
	if a.Key.Type == sdk.Episode {
		ta, tb = a.SeriesTitle, b.SeriesTitle
	}
	return cmp.Or(cmp.Compare(ta, tb),
		cmp.Compare(a.SeasonNumber, b.SeasonNumber),
		cmp.Compare(a.EpisodeNumber, b.EpisodeNumber),
		byID(a, b))
}
