package wanted

import (
	"context"
	"fmt"

	"github.com/vibequality/searcharr/sdk"
)

const (
	queuePageSize = 250
	queueMaxPages = 40
)

// loadQueue returns the items in the download queue.
func loadQueue(ctx context.Context, lib sdk.Library) (map[sdk.ItemKey]bool, error) {
	queued := make(map[sdk.ItemKey]bool)
	for page := 1; page <= queueMaxPages; page++ {
		res, err := lib.Queue(ctx, page, queuePageSize)
		if err != nil {
			return nil, fmt.Errorf("read queue page %d: %w", page, err)
		}
		for _, rec := range res.Records {
			queued[rec.Item] = true
		}
		size := res.PageSize
		if size <= 0 {
			size = queuePageSize
		}
		if len(res.Records) == 0 || page*size >= res.TotalRecords {
			break
		}
	}
	return queued, nil
}
