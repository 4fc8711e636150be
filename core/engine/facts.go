package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/sdk"
)

// maxQueuePages bounds how much of the arr's download queue one run reads.
const (
	queuePageSize = 1000
	maxQueuePages = 50
)

// facts is what the policy knows about the items of one plan, read once
// before any decision.
type facts struct {
	now      time.Time
	queue    domain.Queue
	override bool

	// items are the items the strategy was shown, by key.
	items map[domain.ItemKey]sdk.Item
	// excluded maps an exclusion kind and target id to the exclusion.
	excluded map[exclusionTarget]domain.Exclusion
	// queued are the items in the arr's download queue.
	queued map[domain.ItemKey]bool
	// pending are the items of commands waiting for the dispatcher.
	pending map[domain.ItemKey]bool
	// states is the instance-wide search state of the items.
	states map[domain.ItemKey]domain.ItemState
	// history is when the items were searched: by any queue of the
	// instance, or only by this queue when it keeps its own cooldown.
	history map[domain.ItemKey][]time.Time
}

type exclusionTarget struct {
	kind domain.ExclusionKind
	id   int64
}

// gather reads the facts the policy needs about keys.
func (e *Engine) gather(ctx context.Context, q domain.Queue, lib sdk.Library, rec *recorder, keys []domain.ItemKey, now time.Time, override bool) (*facts, error) {
	st := e.deps.Store
	f := &facts{now: now, queue: q, override: override, excluded: map[exclusionTarget]domain.Exclusion{}}
	want := make(map[domain.ItemKey]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	if rec != nil {
		f.items = rec.lookup(want)
	}
	exclusions, err := st.ActiveExclusions(ctx, q.InstanceID, now)
	if err != nil {
		return nil, fmt.Errorf("unable to read exclusions: %w", err)
	}
	for _, x := range exclusions {
		f.excluded[exclusionTarget{x.Kind, x.TargetID}] = x
	}
	// Pending commands are read before what sending them writes (search
	// state, history): a command sent between the reads is then seen in
	// one or the other, never in neither.
	if f.pending, err = st.PendingItems(ctx, q.InstanceID); err != nil {
		return nil, fmt.Errorf("unable to read pending searches: %w", err)
	}
	if f.states, err = st.GetItemStates(ctx, q.InstanceID, keys); err != nil {
		return nil, fmt.Errorf("unable to read search state: %w", err)
	}
	historyQueue := int64(0)
	if q.OwnCooldown {
		historyQueue = q.ID
	}
	if f.history, err = st.SearchHistory(ctx, q.InstanceID, historyQueue, keys); err != nil {
		return nil, fmt.Errorf("unable to read search history: %w", err)
	}
	if f.queued, err = downloadQueue(ctx, lib); err != nil {
		return nil, err
	}
	return f, nil
}

// downloadQueue reads the items of the arr's download queue.
func downloadQueue(ctx context.Context, lib sdk.Library) (map[domain.ItemKey]bool, error) {
	queued := map[domain.ItemKey]bool{}
	if lib == nil {
		return queued, nil
	}
	for page := 1; page <= maxQueuePages; page++ {
		p, err := lib.Queue(ctx, page, queuePageSize)
		if err != nil {
			return nil, fmt.Errorf("unable to read the download queue: %w", err)
		}
		for _, r := range p.Records {
			if r.Item.ID != 0 {
				queued[keyFromSDK(r.Item)] = true
			}
		}
		if len(p.Records) == 0 || page*queuePageSize >= p.TotalRecords {
			break
		}
	}
	return queued, nil
}

// window is how long the item rests after a search under the queue's
// cooldown mode, given the searches since its last grab.
func (f *facts) window(k domain.ItemKey, searchesSinceGrab int, defaultCooldown time.Duration) time.Duration {
	if f.queue.CooldownMode == domain.CooldownAdaptive {
		var released *time.Time
		if it, ok := f.items[k]; ok {
			released = it.Released()
		}
		return domain.AdaptiveCooldown(released, max(searchesSinceGrab, 1), f.now)
	}
	if f.queue.CooldownHours > 0 {
		return time.Duration(f.queue.CooldownHours) * time.Hour
	}
	return defaultCooldown
}

// lastSearch is the item's last search that counts for this queue, and the
// searches since its last grab.
func (f *facts) lastSearch(k domain.ItemKey) (last *time.Time, sinceGrab int) {
	s := f.states[k]
	for _, t := range f.history[k] {
		if s.LastGrabAt == nil || t.After(*s.LastGrabAt) {
			sinceGrab++
		}
		last = &t
	}
	if !f.queue.OwnCooldown && s.LastSearchedAt != nil && (last == nil || s.LastSearchedAt.After(*last)) {
		last = s.LastSearchedAt
	}
	return last, sinceGrab
}

// cooldownUntil is when the policy lets the item be searched again, nil
// when it may be searched now.
func (f *facts) cooldownUntil(k domain.ItemKey, defaultCooldown time.Duration) *time.Time {
	if f.override {
		return nil
	}
	var until *time.Time
	if s := f.states[k]; !f.queue.OwnCooldown && s.CoolingDown(f.now) {
		until = s.CooldownUntil
	}
	if last, sinceGrab := f.lastSearch(k); last != nil {
		if end := last.Add(f.window(k, sinceGrab, defaultCooldown)); f.now.Before(end) && (until == nil || end.After(*until)) {
			until = &end
		}
	}
	return until
}

// cooldowns reads what cooldownUntil needs about keys and answers it; it
// is what a strategy's SearchState sees.
func (e *Engine) cooldowns(q domain.Queue, rec *recorder, now time.Time, override bool) func(context.Context, []domain.ItemKey) (map[domain.ItemKey]*time.Time, error) {
	return func(ctx context.Context, keys []domain.ItemKey) (map[domain.ItemKey]*time.Time, error) {
		out := make(map[domain.ItemKey]*time.Time, len(keys))
		if override {
			return out, nil
		}
		f := &facts{now: now, queue: q}
		want := make(map[domain.ItemKey]bool, len(keys))
		for _, k := range keys {
			want[k] = true
		}
		f.items = rec.lookup(want)
		var err error
		if f.states, err = e.deps.Store.GetItemStates(ctx, q.InstanceID, keys); err != nil {
			return nil, fmt.Errorf("engine: search state: %w", err)
		}
		historyQueue := int64(0)
		if q.OwnCooldown {
			historyQueue = q.ID
		}
		if f.history, err = e.deps.Store.SearchHistory(ctx, q.InstanceID, historyQueue, keys); err != nil {
			return nil, fmt.Errorf("engine: search history: %w", err)
		}
		for _, k := range keys {
			out[k] = f.cooldownUntil(k, e.cfg.DefaultCooldown)
		}
		return out, nil
	}
}
