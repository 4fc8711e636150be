// Package missing is Searcharr's "missing" strategy: it walks the wanted
// missing list through the Library in the configured order (oldest aired,
// newest aired, least recently searched, recently added or random), keeps
// monitored, aired (or available) items outside the grace period that are
// not downloading, resting or grabbed, and asks for searches until the
// run's budget is spent: one per item, or one per season or series when
// the grouping says so and enough of it is missing.
//
// It is written against the public SDK only, like any third-party plugin.
package missing

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/vibequality/searcharr/plugins/internal/wanted"
	"github.com/vibequality/searcharr/sdk"
)

// Name is the strategy's name.
const Name = "missing"

// Version is the strategy's version.
const Version = "0.3.0"

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
		Description:  "Searches missing episodes and movies that have aired or are available, in the order you choose, optionally as season or series searches, skipping items already downloading.",
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
	run, err := wanted.NewRun(ctx, req, cfg.Options, wanted.IsMissing, "missing")
	if err != nil {
		return sdk.Plan{}, fmt.Errorf("missing: %w", err)
	}
	if cfg.Grouping != wanted.ByEpisode {
		run.UseSeasonStats()
	}
	list := req.Library.WantedMissing
	if len(req.Trigger.Items) > 0 {
		only := map[sdk.ItemKey]bool{}
		for _, k := range req.Trigger.Items {
			only[k] = true
		}
		list = func(ctx context.Context, q sdk.WantedQuery) (sdk.ItemPage, error) {
			p, err := req.Library.WantedMissing(ctx, q)
			kept := p.Items[:0]
			for _, it := range p.Items {
				if only[it.Key] {
					kept = append(kept, it)
				}
			}
			p.Items = kept
			return p, err
		}
	}
	if err := run.Walk(ctx, "wanted/missing", list); err != nil {
		return sdk.Plan{}, fmt.Errorf("missing: %w", err)
	}
	plan := run.Plan()
	sdk.Logger(ctx).Info("plan ready", "intents", len(plan.Intents), "order", cfg.Order, "grouping", cfg.Grouping,
		"budget", req.Budget.MaxCost, "trigger_items", len(req.Trigger.Items))
	return plan, nil
}
