// Package custom is Searcharr's "custom" strategy: the user chooses which
// wanted items to search and in what order with expressions in the
// expr-lang language (https://expr-lang.org) over a documented, typed
// environment (see Env):
//
//	{
//	  "source": "both",
//	  "filter": "series_type == \"anime\" && days_since_aired > 7 && \"4k\" not in tags",
//	  "priority": "search_count == 0 ? 1000 : days_since_last_searched"
//	}
//
// filter must give true or false, priority a number (higher first). Both
// are compiled once per run and checked when the queue is saved: errors
// name the option and the line and column. Expressions are bounded by
// construction: at most MaxExpressionLength bytes, MaxNodes syntax nodes,
// MaxNesting nested brackets, ranges of at most MaxRange elements with
// literal ends, loops nested at most MaxLoopDepth deep and, where their
// collections are known when compiling, MaxSteps passes in all. Each
// evaluation runs in the caller's goroutine within MaxSteps loop passes,
// MemoryBudget of allocation and EvalTimeout, and stops there: a hostile
// expression is refused when saved or stops the run with an error; it
// never hangs it, and nothing keeps running after it.
//
// Because priority can put any item first, the strategy reads the whole
// wanted list(s); the host caches them.
//
// It is written against the public SDK only, like any third-party plugin.
package custom

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/vibequality/searcharr/plugins/internal/wanted"
	"github.com/vibequality/searcharr/sdk"
)

// Name is the strategy's name.
const Name = "custom"

// Version is the strategy's version.
const Version = "0.1.0"

//go:embed schema.json
var schema []byte

// Strategy is the custom strategy. It holds no state between calls.
type Strategy struct{}

var _ sdk.Strategy = (*Strategy)(nil)

// New returns the custom strategy.
func New() sdk.Strategy { return &Strategy{} }

// Info describes the strategy.
func (*Strategy) Info(context.Context) (sdk.Info, error) {
	return sdk.Info{
		Name:         Name,
		Version:      Version,
		Description:  "Searches the missing and/or below-cutoff items your filter expression keeps, highest priority expression first.",
		ConfigSchema: json.RawMessage(schema),
	}, nil
}

// Validate refuses unknown options, bad values and expressions that do not
// compile or blow up, naming each.
func (*Strategy) Validate(_ context.Context, config json.RawMessage) error {
	_, err := ParseConfig(config)
	return err
}

// candidate is an item that passed the checks and the filter.
type candidate struct {
	item     *sdk.Item
	priority float64
}

// Plan reads the source lists whole, keeps what the filter keeps and
// searches by priority.
func (*Strategy) Plan(ctx context.Context, req sdk.PlanRequest) (sdk.Plan, error) {
	cfg, progs, err := parse(req.Config)
	if err != nil {
		return sdk.Plan{}, err
	}
	cfg.Order = wanted.OldestAired
	want, label := sourceWant(cfg.Source)
	run, err := wanted.NewRun(ctx, req, cfg.Options, want, label)
	if err != nil {
		return sdk.Plan{}, fmt.Errorf("custom: %w", err)
	}
	if cfg.Source == Both {
		run.Annotate(func(it *sdk.Item) string {
			if it.HasFile {
				return "below cutoff"
			}
			return "missing"
		})
	}
	items, err := readSources(ctx, req.Library, cfg)
	if err != nil {
		return sdk.Plan{}, fmt.Errorf("custom: %w", err)
	}
	run.Sort(items)
	look, err := loadLookup(ctx, req)
	if err != nil {
		return sdk.Plan{}, fmt.Errorf("custom: %w", err)
	}
	if err := run.LoadStates(ctx, items); err != nil {
		return sdk.Plan{}, fmt.Errorf("custom: %w", err)
	}

	ev := newEvaluator()
	var kept []candidate
	for i := range items {
		it := &items[i]
		if run.Decided(it.Key) {
			continue
		}
		if reason, ok := run.Check(it); !ok {
			run.Skip(it.Key, reason)
			continue
		}
		env := look.env(it, run.State(it.Key), run.Now())
		reason, prio, err := judge(ctx, ev, progs, env)
		if err != nil {
			return sdk.Plan{}, fmt.Errorf("custom: %s: %w", it.Key, err)
		}
		if reason != "" {
			run.Skip(it.Key, reason)
			continue
		}
		kept = append(kept, candidate{item: it, priority: prio})
	}
	slices.SortStableFunc(kept, func(a, b candidate) int { return cmp.Compare(b.priority, a.priority) })
	for _, c := range kept {
		if run.Done() {
			break
		}
		detail := run.Describe(c.item)
		if progs.priority != nil {
			detail += ", priority " + strconv.FormatFloat(c.priority, 'g', 6, 64)
		}
		if err := run.Keep(ctx, c.item, detail); err != nil {
			return sdk.Plan{}, fmt.Errorf("custom: %w", err)
		}
	}
	return run.Plan(), nil
}

// judge runs the filters and the priority on one item. A filter that is
// false or fails on the item gives a "filtered" reason; an evaluation that
// exceeds its budget or outlives the run's context is an error that stops
// the run.
func judge(ctx context.Context, ev *evaluator, progs *compiled, env Env) (reason string, prio float64, err error) {
	for _, p := range progs.filters {
		out, err := ev.eval(ctx, p, env)
		switch {
		case errors.Is(err, errOverBudget) || ctx.Err() != nil:
			return "", 0, fmt.Errorf("filter %q: %w", p.source, err)
		case err != nil:
			return wanted.Reason(wanted.ReasonFiltered, fmt.Sprintf("%s failed: %v", p.source, err)), 0, nil
		case out != true:
			return wanted.Reason(wanted.ReasonFiltered, p.source+" is false"), 0, nil
		}
	}
	if progs.priority == nil {
		return "", 0, nil
	}
	out, err := ev.eval(ctx, progs.priority, env)
	switch {
	case errors.Is(err, errOverBudget) || ctx.Err() != nil:
		return "", 0, fmt.Errorf("priority: %w", err)
	case err != nil:
		return wanted.Reason(wanted.ReasonFiltered, fmt.Sprintf("priority failed: %v", err)), 0, nil
	}
	f, ok := out.(float64)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return wanted.Reason(wanted.ReasonFiltered, fmt.Sprintf("priority is not a finite number (%v)", out)), 0, nil
	}
	return "", f, nil
}

func sourceWant(s Source) (wanted.Want, string) {
	switch s {
	case Cutoff:
		return wanted.IsBelowCutoff, "below cutoff"
	case Both:
		return func(it *sdk.Item) bool { return wanted.IsMissing(it) || wanted.IsBelowCutoff(it) }, "wanted"
	}
	return wanted.IsMissing, "missing"
}

// readSources reads the whole wanted list(s) of the source.
func readSources(ctx context.Context, lib sdk.Library, cfg Config) ([]sdk.Item, error) {
	var items []sdk.Item
	if cfg.Source != Cutoff {
		missing, err := wanted.ReadAll(ctx, "wanted/missing", lib.WantedMissing, cfg.Options)
		if err != nil {
			return nil, err
		}
		items = missing
	}
	if cfg.Source != Missing {
		cut, err := wanted.ReadAll(ctx, "wanted/cutoff", lib.WantedCutoff, cfg.Options)
		if err != nil {
			return nil, err
		}
		items = append(items, cut...)
	}
	return items, nil
}

// loadLookup reads tags, quality profiles and, for Sonarr, the series.
func loadLookup(ctx context.Context, req sdk.PlanRequest) (*lookup, error) {
	lib := req.Library
	l := &lookup{tags: make(map[int64]string), profiles: make(map[int64]string), series: make(map[int64]sdk.Series)}
	tags, err := lib.Tags(ctx)
	if err != nil {
		return nil, fmt.Errorf("read tags: %w", err)
	}
	for _, t := range tags {
		l.tags[t.ID] = t.Label
	}
	profiles, err := lib.QualityProfiles(ctx)
	if err != nil {
		return nil, fmt.Errorf("read quality profiles: %w", err)
	}
	for _, p := range profiles {
		l.profiles[p.ID] = p.Name
	}
	if req.Instance.Kind == sdk.Sonarr {
		series, err := lib.Series(ctx)
		if err != nil {
			return nil, fmt.Errorf("read series: %w", err)
		}
		for _, s := range series {
			l.series[s.ID] = s
		}
	}
	return l, nil
}
