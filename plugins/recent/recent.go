// Package recent is Searcharr's "recent" strategy: it searches missing
// episodes and movies aired or released within a window (14 days by
// default), newest first, following a retry ladder after release (by
// default one hour, six hours, one day and three days after), so that fresh
// releases are caught before the backlog without searching them on every
// run.
//
// An item is due when the time since its release has passed a rung of the
// ladder at which it has not been searched yet: the last search (the later
// of Searcharr's record and the application's) tells which rungs were done.
// Items not due get the decision "not_due: next retry at ...". Once the
// ladder is done, the item is left to the backlog strategies.
//
// It is written against the public SDK only, like any third-party plugin.
package recent

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/vibequality/searcharr/plugins/internal/wanted"
	"github.com/vibequality/searcharr/sdk"
)

// Name is the strategy's name.
const Name = "recent"

// Version is the strategy's version.
const Version = "0.1.0"

//go:embed schema.json
var schema []byte

// Strategy is the recent strategy. It holds no state between calls.
type Strategy struct{}

var _ sdk.Strategy = (*Strategy)(nil)

// New returns the recent strategy.
func New() sdk.Strategy { return &Strategy{} }

// Info describes the strategy.
func (*Strategy) Info(context.Context) (sdk.Info, error) {
	return sdk.Info{
		Name:         Name,
		Version:      Version,
		Description:  "Searches missing episodes and movies released in the last days, newest first, on a retry ladder after release (1h, 6h, 1d, 3d by default).",
		ConfigSchema: json.RawMessage(schema),
	}, nil
}

// Validate refuses unknown options and bad values, naming each.
func (*Strategy) Validate(_ context.Context, config json.RawMessage) error {
	_, err := ParseConfig(config)
	return err
}

// Plan reads the calendar of the window and searches the items that are
// due, newest first.
func (*Strategy) Plan(ctx context.Context, req sdk.PlanRequest) (sdk.Plan, error) {
	cfg, err := ParseConfig(req.Config)
	if err != nil {
		return sdk.Plan{}, err
	}
	run, err := wanted.NewRun(ctx, req, cfg.Options, wanted.IsMissing, "missing")
	if err != nil {
		return sdk.Plan{}, fmt.Errorf("recent: %w", err)
	}
	now := run.Now()
	start := now.Add(-time.Duration(cfg.WindowDays) * 24 * time.Hour)
	items, err := req.Library.Calendar(ctx, start, now, cfg.IncludeUnmonitored)
	if err != nil {
		return sdk.Plan{}, fmt.Errorf("recent: read calendar: %w", err)
	}
	items = slices.DeleteFunc(items, func(it sdk.Item) bool {
		rel := it.Released()
		return it.HasFile || rel == nil || rel.Before(start) || rel.After(now)
	})
	slices.SortStableFunc(items, func(a, b sdk.Item) int {
		return cmp.Or(b.Released().Compare(*a.Released()), cmp.Compare(a.Key.ID, b.Key.ID))
	})
	if err := run.LoadStates(ctx, items); err != nil {
		return sdk.Plan{}, fmt.Errorf("recent: %w", err)
	}
	for i := range items {
		if err := ctx.Err(); err != nil {
			return sdk.Plan{}, err
		}
		it := &items[i]
		if run.Decided(it.Key) {
			continue
		}
		if reason, ok := run.Check(it); !ok {
			run.Skip(it.Key, reason)
			continue
		}
		rung, due, next := ladder(cfg.Retry, *it.Released(), lastSearched(it, run.State(it.Key)), now)
		if !due {
			if next.IsZero() {
				run.Skip(it.Key, wanted.Reason(wanted.ReasonNotDue, fmt.Sprintf("retry ladder done (%d searches after release); left to the backlog", len(cfg.Retry))))
			} else {
				run.Skip(it.Key, wanted.Reason(wanted.ReasonNotDue, "next retry at "+next.Format(time.RFC3339)))
			}
			continue
		}
		detail := fmt.Sprintf("%s, retry %d of %d", run.Describe(it), rung, len(cfg.Retry))
		if err := run.Keep(ctx, it, detail); err != nil {
			return sdk.Plan{}, fmt.Errorf("recent: %w", err)
		}
	}
	return run.Plan(), nil
}

// lastSearched is the later of Searcharr's record and the application's.
func lastSearched(it *sdk.Item, st sdk.SearchState) *time.Time {
	last := it.LastSearchTime
	if st.LastSearched != nil && (last == nil || st.LastSearched.After(*last)) {
		last = st.LastSearched
	}
	return last
}

// ladder says whether an item released at released and last searched at
// last is due at now: the number of rungs passed is more than the number
// the last search was made after. It returns the rung (1-based) a search
// now answers, or else the time of the next retry (zero when the ladder is
// done).
func ladder(rungs []time.Duration, released time.Time, last *time.Time, now time.Time) (rung int, due bool, next time.Time) {
	passed := count(rungs, released, now)
	done := 0
	if last != nil && !last.Before(released) {
		done = count(rungs, released, *last)
	}
	if passed > done {
		return passed, true, time.Time{}
	}
	if done < len(rungs) {
		return 0, false, released.Add(rungs[done])
	}
	return 0, false, time.Time{}
}

// count is the number of rungs reached at t.
func count(rungs []time.Duration, released, t time.Time) int {
	n := 0
	for _, d := range rungs {
		if !released.Add(d).After(t) {
			n++
		}
	}
	return n
}
