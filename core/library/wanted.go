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
	aq := l.wantedQuery(q)
	first, err := fetch(ctx, aq)
	if err != nil {
		return sdk.ItemPage{}, err
	}
	out := itemPage(first)
	out.Page, out.PageSize = aq.Page, aq.PageSize
	if !q.IncludeUnmonitored {
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
