package wanted

import (
	"context"
	"fmt"

	"github.com/vibequality/searcharr/sdk"
)

// List reads one page of a wanted list, such as Library.WantedMissing.
type List func(ctx context.Context, q sdk.WantedQuery) (sdk.ItemPage, error)

// Walk offers a wanted list's items to the run in the configured order.
// For a server-sorted order it reads page after page only until the budget
// is full, so a small budget costs one page; other orders read the whole
// list (see ReadAll) and sort it here.
func (r *Run) Walk(ctx context.Context, name string, list List) error {
	if !r.opts.Order.ServerSorted() {
		items, err := ReadAll(ctx, name, list, r.opts)
		if err != nil {
			return err
		}
		r.Sort(items)
		return r.ConsiderAll(ctx, items)
	}
	sortKey, desc := r.opts.Order.Query()
	for page := 1; page <= r.opts.MaxPages; page++ {
		res, err := list(ctx, sdk.WantedQuery{
			Page:               page,
			PageSize:           r.opts.PageSize,
			SortKey:            sortKey,
			Descending:         desc,
			IncludeUnmonitored: r.opts.IncludeUnmonitored,
		})
		if err != nil {
			return fmt.Errorf("read %s page %d: %w", name, page, err)
		}
		if err := r.LoadStates(ctx, res.Items); err != nil {
			return err
		}
		if r.opts.Order == LeastRecentlySearched {
			rankLastSearched(res.Items, r.states)
		}
		r.see(res.Items)
		for i := range res.Items {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := r.Consider(ctx, &res.Items[i]); err != nil {
				return err
			}
		}
		size := res.PageSize
		if size <= 0 {
			size = r.opts.PageSize
		}
		if r.full || len(res.Items) == 0 || page*size >= res.TotalRecords {
			break
		}
	}
	return nil
}

// ConsiderAll offers items in the order given, reading their search state
// a batch at a time, until the run is done.
func (r *Run) ConsiderAll(ctx context.Context, items []sdk.Item) error {
	r.see(items)
	for lo := 0; lo < len(items) && !r.Done(); lo += stateBatch {
		batch := items[lo:min(lo+stateBatch, len(items))]
		if err := r.LoadStates(ctx, batch); err != nil {
			return err
		}
		for i := range batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			if r.Done() {
				break
			}
			if err := r.Consider(ctx, &batch[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// ReadAll reads a whole wanted list, oldest first, in pages of MaxPageSize
// (the most the host serves at once) up to opts.MaxPages pages, without
// duplicates. The host caches wanted lists, so this is cheap on the arr.
func ReadAll(ctx context.Context, name string, list List, opts Options) ([]sdk.Item, error) {
	var out []sdk.Item
	seen := make(map[sdk.ItemKey]bool)
	for page := 1; page <= opts.MaxPages; page++ {
		res, err := list(ctx, sdk.WantedQuery{
			Page:               page,
			PageSize:           MaxPageSize,
			SortKey:            sdk.SortReleased,
			IncludeUnmonitored: opts.IncludeUnmonitored,
		})
		if err != nil {
			return nil, fmt.Errorf("read %s page %d: %w", name, page, err)
		}
		for _, it := range res.Items {
			if !seen[it.Key] {
				seen[it.Key] = true
				out = append(out, it)
			}
		}
		size := res.PageSize
		if size <= 0 {
			size = MaxPageSize
		}
		if len(res.Items) == 0 || page*size >= res.TotalRecords {
			break
		}
	}
	return out, nil
}

// Sort puts items in the run's order (see Order.Sort), with the run's seed.
func (r *Run) Sort(items []sdk.Item) {
	r.opts.Order.Sort(items, Seed(r.opts.Seed, r.req.Instance, r.now))
}
