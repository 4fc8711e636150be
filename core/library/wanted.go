package library

import (
	"context"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/sdk"
)

type wantedFunc func(ctx context.Context, q arr.WantedQuery) (arr.WantedPage, error)

// wanted reads one page of a wanted list. Sonarr and Radarr filter their
// wanted lists on monitored=true or monitored=false, never both; a strategy
// that asks for unmonitored items too gets the monitored list followed by
// the unmonitored one, each in the requested order, paged as one list.
func (l *Library) wanted(ctx context.Context, fetch wantedFunc, q sdk.WantedQuery) (sdk.ItemPage, error) {
	return l.wantedPage(ctx, fetch, l.wantedQuery(q), q.IncludeUnmonitored)
}

// wantedPage reads the page aq names, followed by unmonitored items when
// includeUnmonitored is set.
func (l *Library) wantedPage(ctx context.Context, fetch wantedFunc, aq arr.WantedQuery, includeUnmonitored bool) (sdk.ItemPage, error) {
	first, err := fetch(ctx, aq)
	if err != nil {
		return sdk.ItemPage{}, err
	}
	out := itemPage(first)
	out.Page, out.PageSize = aq.Page, aq.PageSize
	if !includeUnmonitored {
		return out, nil
	}

	unmonitored := false
	uq := aq
	uq.Monitored = &unmonitored
	// pageSize=0 answers with the total only.
	uq.Page, uq.PageSize = 1, 0
	total, err := fetch(ctx, uq)
	if err != nil {
		return sdk.ItemPage{}, err
	}
	monitoredTotal := first.TotalRecords
	out.TotalRecords = monitoredTotal + total.TotalRecords
	need := aq.PageSize - len(out.Items)
	if need <= 0 || total.TotalRecords == 0 {
		return out, nil
	}
	// Offset of this page's remainder inside the unmonitored list.
	offset := max((aq.Page-1)*aq.PageSize-monitoredTotal, 0)
	uq.PageSize = aq.PageSize
	for need > 0 && offset < total.TotalRecords {
		uq.Page = offset/aq.PageSize + 1
		page, err := fetch(ctx, uq)
		if err != nil {
			return sdk.ItemPage{}, err
		}
		skip := offset - (uq.Page-1)*aq.PageSize
		if skip >= len(page.Items) {
			break
		}
		for _, it := range page.Items[skip:] {
			if need == 0 {
				break
			}
			out.Items = append(out.Items, ItemToSDK(it))
			need--
			offset++
		}
	}
	return out, nil
}

// wholeList reports whether q walks a whole list: strategies that order
// the list themselves read it in the largest pages the host serves.
func wholeList(q sdk.WantedQuery) bool { return q.PageSize >= MaxPageSize }

// cachedPage serves a page of a whole-list walk from the instance's cache,
// reading the whole list from the arr when the cache holds none.
func (l *Library) cachedPage(ctx context.Context, list string, fetch wantedFunc, q sdk.WantedQuery) (sdk.ItemPage, error) {
	aq := l.wantedQuery(q)
	key := cacheKey{
		instanceID: l.instanceID, list: list, sortKey: q.SortKey,
		descending: q.Descending, unmonitored: q.IncludeUnmonitored,
	}
	items, err := l.cache.list(ctx, key, func(ctx context.Context) ([]sdk.Item, error) {
		return l.readAll(ctx, fetch, aq, q.IncludeUnmonitored)
	})
	if err != nil {
		return sdk.ItemPage{}, err
	}
	lo := min((aq.Page-1)*aq.PageSize, len(items))
	hi := min(lo+aq.PageSize, len(items))
	return sdk.ItemPage{
		Items: append([]sdk.Item(nil), items[lo:hi]...), Page: aq.Page, PageSize: aq.PageSize, TotalRecords: len(items),
	}, nil
}

// readAll reads a whole wanted list in aq's order, in pages of
// fillPageSize.
func (l *Library) readAll(ctx context.Context, fetch wantedFunc, aq arr.WantedQuery, includeUnmonitored bool) ([]sdk.Item, error) {
	var items []sdk.Item
	aq.PageSize = fillPageSize
	for aq.Page = 1; ; aq.Page++ {
		page, err := l.wantedPage(ctx, fetch, aq, includeUnmonitored)
		if err != nil {
			return nil, err
		}
		items = append(items, page.Items...)
		if len(page.Items) < aq.PageSize || aq.Page*aq.PageSize >= page.TotalRecords {
			return items, nil
		}
	}
}
