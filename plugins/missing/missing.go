// Package missing is Searcharr's "missing" strategy: it walks the wanted
// missing list through the Library in the configured order, keeps
// monitored, aired (or available) items that are not already downloading,
// and asks for one search per item until the run's budget is spent.
//
// It is written against the public SDK only, like any third-party plugin.
package missing

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// Name is the strategy's name.
const Name = "missing"

// Version is the strategy's version.
const Version = "0.1.0"

//go:embed schema.json
var schema []byte

// Strategy is the missing strategy. It holds no state between calls.
type Strategy struct{}

var _ sdk.Strategy = (*Strategy)(nil)

// New returns the missing strategy.
func New() sdk.Strategy { return &Strategy{} }

// Info describes the strategy.
func (*Strategy) Info(context.Context) (sdk.Info, error) {
	return sdk.Info{
		Name:         Name,
		Version:      Version,
		Description:  "Searches missing episodes and movies that have aired or are available, oldest first by default, skipping items already downloading.",
		ConfigSchema: json.RawMessage(schema),
	}, nil
}

// Validate refuses unknown options and bad values, naming each.
func (*Strategy) Validate(_ context.Context, config json.RawMessage) error {
	_, err := ParseConfig(config)
	return err
}

// Plan walks the wanted missing list and fills the budget.
func (*Strategy) Plan(ctx context.Context, req sdk.PlanRequest) (sdk.Plan, error) {
	cfg, err := ParseConfig(req.Config)
	if err != nil {
		return sdk.Plan{}, err
	}
	now := req.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	queued, err := loadQueue(ctx, req.Library)
	if err != nil {
		return sdk.Plan{}, err
	}
	r := &run{
		cfg:    cfg,
		budget: req.Budget,
		cutoff: now.Add(-time.Duration(cfg.GraceHours) * time.Hour),
		now:    now,
		queued: queued,
		seen:   make(map[sdk.ItemKey]bool),
	}
	if err := r.walk(ctx, req.Library); err != nil {
		return sdk.Plan{}, err
	}
	return r.plan(), nil
}

// run is the state of one Plan call.
type run struct {
	cfg    Config
	budget sdk.Budget
	now    time.Time
	// cutoff is the latest release time an item may have to be searched.
	cutoff time.Time
	queued map[sdk.ItemKey]bool
	seen   map[sdk.ItemKey]bool
	// resting holds the items of the current page that Searcharr searched
	// recently and that rest until the time given.
	resting map[sdk.ItemKey]time.Time

	intents   []sdk.Intent
	decisions []sdk.Decision
	cost      int
	full      bool
}

// walk reads wanted pages until the budget is full, the list ends or
// max_pages pages were read.
func (r *run) walk(ctx context.Context, lib sdk.Library) error {
	sortKey, desc := r.cfg.Order.query()
	for page := 1; page <= r.cfg.MaxPages && !r.full; page++ {
		res, err := lib.WantedMissing(ctx, sdk.WantedQuery{
			Page:               page,
			PageSize:           r.cfg.PageSize,
			SortKey:            sortKey,
			Descending:         desc,
			IncludeUnmonitored: r.cfg.IncludeUnmonitored,
		})
		if err != nil {
			return fmt.Errorf("missing: read wanted page %d: %w", page, err)
		}
		if err := r.loadState(ctx, lib, res.Items); err != nil {
			return err
		}
		for i := range res.Items {
			if err := ctx.Err(); err != nil {
				return err
			}
			r.consider(&res.Items[i])
			if r.full {
				break
			}
		}
		size := res.PageSize
		if size <= 0 {
			size = r.cfg.PageSize
		}
		if len(res.Items) == 0 || page*size >= res.TotalRecords {
			break
		}
	}
	return nil
}

// loadState reads Searcharr's search state of a page's items, so items
// still resting from an earlier search are skipped here rather than spending
// the budget only to be dropped by the host.
func (r *run) loadState(ctx context.Context, lib sdk.Library, items []sdk.Item) error {
	r.resting = make(map[sdk.ItemKey]time.Time)
	if len(items) == 0 {
		return nil
	}
	keys := make([]sdk.ItemKey, len(items))
	for i := range items {
		keys[i] = items[i].Key
	}
	states, err := lib.SearchState(ctx, keys)
	if err != nil {
		return fmt.Errorf("missing: read search state: %w", err)
	}
	for _, st := range states {
		if st.CooldownUntil != nil && st.CooldownUntil.After(r.now) {
			r.resting[st.Key] = *st.CooldownUntil
		}
	}
	return nil
}

// plan ranks the intents: the first gets the highest score.
func (r *run) plan() sdk.Plan {
	for i := range r.intents {
		r.intents[i].Score = float64(len(r.intents) - i)
	}
	return sdk.Plan{Intents: r.intents, Decisions: r.decisions}
}
