package sdktest

import (
	"context"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// hookLibrary runs before ahead of every call to inner; an error from it is
// the call's result.
type hookLibrary struct {
	inner  sdk.Library
	before func(ctx context.Context, method string) error
}

var _ sdk.Library = hookLibrary{}

func (h hookLibrary) WantedMissing(ctx context.Context, q sdk.WantedQuery) (sdk.ItemPage, error) {
	if err := h.before(ctx, "WantedMissing"); err != nil {
		return sdk.ItemPage{}, err
	}
	return h.inner.WantedMissing(ctx, q)
}

func (h hookLibrary) WantedCutoff(ctx context.Context, q sdk.WantedQuery) (sdk.ItemPage, error) {
	if err := h.before(ctx, "WantedCutoff"); err != nil {
		return sdk.ItemPage{}, err
	}
	return h.inner.WantedCutoff(ctx, q)
}

func (h hookLibrary) Queue(ctx context.Context, page, pageSize int) (sdk.QueuePage, error) {
	if err := h.before(ctx, "Queue"); err != nil {
		return sdk.QueuePage{}, err
	}
	return h.inner.Queue(ctx, page, pageSize)
}

func (h hookLibrary) Series(ctx context.Context) ([]sdk.Series, error) {
	if err := h.before(ctx, "Series"); err != nil {
		return nil, err
	}
	return h.inner.Series(ctx)
}

func (h hookLibrary) Episodes(ctx context.Context, seriesID int64) ([]sdk.Item, error) {
	if err := h.before(ctx, "Episodes"); err != nil {
		return nil, err
	}
	return h.inner.Episodes(ctx, seriesID)
}

func (h hookLibrary) Movies(ctx context.Context) ([]sdk.Item, error) {
	if err := h.before(ctx, "Movies"); err != nil {
		return nil, err
	}
	return h.inner.Movies(ctx)
}

func (h hookLibrary) Calendar(ctx context.Context, start, end time.Time, unmonitored bool) ([]sdk.Item, error) {
	if err := h.before(ctx, "Calendar"); err != nil {
		return nil, err
	}
	return h.inner.Calendar(ctx, start, end, unmonitored)
}

func (h hookLibrary) Tags(ctx context.Context) ([]sdk.Tag, error) {
	if err := h.before(ctx, "Tags"); err != nil {
		return nil, err
	}
	return h.inner.Tags(ctx)
}

func (h hookLibrary) QualityProfiles(ctx context.Context) ([]sdk.QualityProfile, error) {
	if err := h.before(ctx, "QualityProfiles"); err != nil {
		return nil, err
	}
	return h.inner.QualityProfiles(ctx)
}

func (h hookLibrary) SearchState(ctx context.Context, keys []sdk.ItemKey) ([]sdk.SearchState, error) {
	if err := h.before(ctx, "SearchState"); err != nil {
		return nil, err
	}
	return h.inner.SearchState(ctx, keys)
}
