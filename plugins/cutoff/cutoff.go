// Package cutoff is Searcharr's "cutoff" strategy: it searches for upgrades
// of episodes and movies whose file is below the quality profile's cutoff,
// from the wanted/cutoff list, with the same orders, grouping and checks as
// the missing strategy.
//
// Sonarr's and Radarr's wanted/cutoff list is about quality only. With
// include_custom_format_below_cutoff the strategy also searches items whose
// custom-format score is below their profile's cutoff format score. Those
// are not on any wanted list, so the strategy reads them from the library:
// Radarr's movie list (one call), or for Sonarr the episodes of each series
// whose profile sets a cutoff format score and allows upgrades. Since that
// list is assembled here, the run then reads the wanted/cutoff list whole
// and orders both together.
//
// It is written against the public SDK only, like any third-party plugin.
package cutoff

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/vibequality/searcharr/plugins/internal/wanted"
	"github.com/vibequality/searcharr/sdk"
)

// Name is the strategy's name.
const Name = "cutoff"

// Version is the strategy's version.
const Version = "0.1.0"

//go:embed schema.json
var schema []byte

// Strategy is the cutoff strategy. It holds no state between calls.
type Strategy struct{}

var _ sdk.Strategy = (*Strategy)(nil)

// New returns the cutoff strategy.
func New() sdk.Strategy { return &Strategy{} }

// Info describes the strategy.
func (*Strategy) Info(context.Context) (sdk.Info, error) {
	return sdk.Info{
		Name:         Name,
		Version:      Version,
		Description:  "Searches for upgrades of episodes and movies below their quality cutoff, and optionally below their custom-format cutoff score, in the order you choose.",
		ConfigSchema: json.RawMessage(schema),
	}, nil
}

// Validate refuses unknown options and bad values, naming each.
func (*Strategy) Validate(_ context.Context, config json.RawMessage) error {
	_, err := ParseConfig(config)
	return err
}

// Plan walks the wanted cutoff list (and the custom-format candidates) and
// fills the budget.
func (*Strategy) Plan(ctx context.Context, req sdk.PlanRequest) (sdk.Plan, error) {
	cfg, err := ParseConfig(req.Config)
	if err != nil {
		return sdk.Plan{}, err
	}
	if !cfg.IncludeCustomFormatBelowCutoff {
		run, err := wanted.NewRun(ctx, req, cfg.Options, wanted.IsBelowCutoff, "below cutoff")
		if err != nil {
			return sdk.Plan{}, fmt.Errorf("cutoff: %w", err)
		}
		if err := run.Walk(ctx, "wanted/cutoff", req.Library.WantedCutoff); err != nil {
			return sdk.Plan{}, fmt.Errorf("cutoff: %w", err)
		}
		return run.Plan(), nil
	}
	plan, err := planWithCustomFormats(ctx, req, cfg)
	if err != nil {
		return sdk.Plan{}, fmt.Errorf("cutoff: %w", err)
	}
	return plan, nil
}
