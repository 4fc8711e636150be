package engine

import (
	"context"
	"sync"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/sdk"
)

// recorder is the Library a strategy reads during a run. It passes every
// call through and remembers the items the strategy was shown, so the policy
// can judge the items of the plan (monitored, release date, series) without
// reading the library a second time. An item the strategy never saw is
// judged on what the host knows without it.
type recorder struct {
	sdk.Library

	// The slices the Library returned, kept as they are: a whole-library
	// list is shared with the Library's cache, so remembering it costs
	// nothing until lookup indexes the few keys the plan names.
	mu     sync.Mutex
	slices [][]sdk.Item

	// cooldowns returns the policy's cooldown end of each item, nil when
	// it may be searched now.
	cooldowns func(ctx context.Context, keys []domain.ItemKey) (map[domain.ItemKey]*time.Time, error)
}

func newRecorder(lib sdk.Library) *recorder {
	return &recorder{Library: lib}
}

func (r *recorder) keep(items []sdk.Item) {
	if len(items) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.slices = append(r.slices, items)
}

// lookup returns the items the strategy was shown among keys.
func (r *recorder) lookup(keys map[domain.ItemKey]bool) map[domain.ItemKey]sdk.Item {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[domain.ItemKey]sdk.Item, len(keys))
	for _, items := range r.slices {
		for i := range items {
			if k := keyFromSDK(items[i].Key); keys[k] {
				out[k] = items[i]
			}
		}
	}
	return out
}

func (r *recorder) WantedMissing(ctx context.Context, q sdk.WantedQuery) (sdk.ItemPage, error) {
	p, err := r.Library.WantedMissing(ctx, q)
	r.keep(p.Items)
	return p, err
}

func (r *recorder) WantedCutoff(ctx context.Context, q sdk.WantedQuery) (sdk.ItemPage, error) {
	p, err := r.Library.WantedCutoff(ctx, q)
	r.keep(p.Items)
	return p, err
}

func (r *recorder) Episodes(ctx context.Context, seriesID int64) ([]sdk.Item, error) {
	items, err := r.Library.Episodes(ctx, seriesID)
	r.keep(items)
	return items, err
}

func (r *recorder) Movies(ctx context.Context) ([]sdk.Item, error) {
	items, err := r.Library.Movies(ctx)
	r.keep(items)
	return items, err
}

func (r *recorder) Calendar(ctx context.Context, start, end time.Time, unmonitored bool) ([]sdk.Item, error) {
	items, err := r.Library.Calendar(ctx, start, end, unmonitored)
	r.keep(items)
	return items, err
}

// SearchState answers with the cooldown the host's policy applies to this
// queue, so a strategy that skips resting items skips exactly those the
// policy would drop: none when the run overrides cooldowns, the queue's own
// history when it keeps its own cooldown, the adaptive window when it uses
// one.
func (r *recorder) SearchState(ctx context.Context, keys []sdk.ItemKey) ([]sdk.SearchState, error) {
	states, err := r.Library.SearchState(ctx, keys)
	if err != nil || r.cooldowns == nil {
		return states, err
	}
	dk := make([]domain.ItemKey, len(states))
	for i, s := range states {
		dk[i] = keyFromSDK(s.Key)
	}
	until, err := r.cooldowns(ctx, dk)
	if err != nil {
		return nil, err
	}
	for i := range states {
		states[i].CooldownUntil = until[dk[i]]
	}
	return states, nil
}
