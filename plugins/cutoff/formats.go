package cutoff

import (
	"context"
	"fmt"

	"github.com/vibequality/searcharr/plugins/internal/wanted"
	"github.com/vibequality/searcharr/sdk"
)

// scores knows each item's profile cutoff format score.
type scores struct {
	profiles map[int64]sdk.QualityProfile
	// seriesProfile is each series' profile: Sonarr episodes carry none.
	seriesProfile map[int64]int64
}

// below reports whether an item with a file scores below its profile's
// cutoff format score, in a profile that allows upgrades.
func (s *scores) below(it *sdk.Item) (sdk.QualityProfile, bool) {
	id := it.QualityProfileID
	if id == 0 && it.Key.Type == sdk.Episode {
		id = s.seriesProfile[it.SeriesID]
	}
	p, ok := s.profiles[id]
	if !ok || !it.HasFile || !p.UpgradeAllowed || p.CutoffFormatScore <= 0 {
		return p, false
	}
	return p, it.CustomFormatScore < p.CutoffFormatScore
}

func (s *scores) want(it *sdk.Item) bool {
	if wanted.IsBelowCutoff(it) {
		return true
	}
	_, ok := s.below(it)
	return ok
}

// planWithCustomFormats reads the whole wanted/cutoff list and the items
// below their custom-format cutoff, orders them together and fills the
// budget.
func planWithCustomFormats(ctx context.Context, req sdk.PlanRequest, cfg Config) (sdk.Plan, error) {
	lib := req.Library
	profiles, err := lib.QualityProfiles(ctx)
	if err != nil {
		return sdk.Plan{}, fmt.Errorf("read quality profiles: %w", err)
	}
	sc := &scores{profiles: make(map[int64]sdk.QualityProfile), seriesProfile: make(map[int64]int64)}
	for _, p := range profiles {
		sc.profiles[p.ID] = p
	}
	items, err := wanted.ReadAll(ctx, "wanted/cutoff", lib.WantedCutoff, cfg.Options)
	if err != nil {
		return sdk.Plan{}, err
	}
	extra, err := sc.candidates(ctx, req, cfg.IncludeUnmonitored)
	if err != nil {
		return sdk.Plan{}, err
	}
	seen := make(map[sdk.ItemKey]bool, len(items))
	for i := range items {
		seen[items[i].Key] = true
	}
	for _, it := range extra {
		if !seen[it.Key] && (cfg.IncludeUnmonitored || wanted.Monitored(&it)) {
			seen[it.Key] = true
			items = append(items, it)
		}
	}
	run, err := wanted.NewRun(ctx, req, cfg.Options, sc.want, "below cutoff")
	if err != nil {
		return sdk.Plan{}, err
	}
	run.Annotate(func(it *sdk.Item) string {
		if p, ok := sc.below(it); ok && !wanted.IsBelowCutoff(it) {
			return fmt.Sprintf("custom format score %d < %d of %s", it.CustomFormatScore, p.CutoffFormatScore, p.Name)
		}
		return ""
	})
	run.Sort(items)
	if err := run.ConsiderAll(ctx, items); err != nil {
		return sdk.Plan{}, err
	}
	return run.Plan(), nil
}

// candidates lists the items with a file that may score below the cutoff:
// every movie, or the episodes of series (monitored ones unless
// withUnmonitored) whose profile sets a cutoff format score.
func (s *scores) candidates(ctx context.Context, req sdk.PlanRequest, withUnmonitored bool) ([]sdk.Item, error) {
	lib := req.Library
	if req.Instance.Kind == sdk.Radarr {
		movies, err := lib.Movies(ctx)
		if err != nil {
			return nil, fmt.Errorf("read movies: %w", err)
		}
		return filter(movies, s), nil
	}
	series, err := lib.Series(ctx)
	if err != nil {
		return nil, fmt.Errorf("read series: %w", err)
	}
	var out []sdk.Item
	for _, se := range series {
		s.seriesProfile[se.ID] = se.QualityProfileID
		p, ok := s.profiles[se.QualityProfileID]
		if !ok || !p.UpgradeAllowed || p.CutoffFormatScore <= 0 || (!withUnmonitored && !se.Monitored) {
			continue
		}
		eps, err := lib.Episodes(ctx, se.ID)
		if err != nil {
			return nil, fmt.Errorf("read episodes of series %d: %w", se.ID, err)
		}
		out = append(out, filter(eps, s)...)
	}
	return out, nil
}

func filter(items []sdk.Item, s *scores) []sdk.Item {
	var out []sdk.Item
	for i := range items {
		if _, ok := s.below(&items[i]); ok {
			out = append(out, items[i])
		}
	}
	return out
}
