package wanted

import (
	"context"
	"fmt"
	"slices"

	"github.com/vibequality/searcharr/sdk"
)

// wholeSeries is the season number under which a series' verdict is kept.
const wholeSeries = -1

// group searches it as part of a series or season search when its series
// or season qualifies, and reports whether it did. A season's verdict is
// taken once per run: a season that did not qualify for the first of its
// episodes is searched episode by episode, so no episode is ever both in an
// EpisodeSearch and a SeasonSearch.
func (r *Run) group(ctx context.Context, it *sdk.Item) (bool, error) {
	key := groupKey{it.SeriesID, it.SeasonNumber}
	if _, done := r.groups[key]; done && r.opts.Grouping == BySeason {
		return false, nil
	}
	few, err := r.fewMissing(ctx, it)
	if err != nil {
		return false, err
	}
	if few {
		// Neither the season nor, since the season is part of it, the
		// series can qualify.
		r.groups[key] = false
		r.groups[groupKey{it.SeriesID, wholeSeries}] = false
		return false, nil
	}
	eps, err := r.seriesEpisodes(ctx, it.SeriesID)
	if err != nil {
		return false, err
	}
	title := it.SeriesTitle
	if title == "" {
		title = fmt.Sprintf("series %d", it.SeriesID)
	}
	if r.opts.Grouping == BySeries {
		key := groupKey{it.SeriesID, wholeSeries}
		if _, done := r.groups[key]; !done {
			items, ok := r.seriesQualifies(it, eps)
			r.groups[key] = ok
			if ok {
				r.emit(sdk.Intent{
					Command: sdk.Command{Name: sdk.SeriesSearch, SeriesID: it.SeriesID},
					Items:   items,
					Reason:  fmt.Sprintf("series search of %s: %d episodes %s", title, len(items), r.label),
				}, Reason(ReasonSearched, fmt.Sprintf("in series search of %s (%d episodes %s, every season qualifies)", title, len(items), r.label)))
				return true, nil
			}
		}
	}
	if _, done := r.groups[key]; done {
		return false, nil
	}
	items, aired := r.eligible(it, eps, it.SeasonNumber)
	ok := r.seasonQualifies(len(items), aired)
	r.groups[key] = ok
	if !ok {
		return false, nil
	}
	r.emit(sdk.Intent{
		Command: sdk.SearchSeason(it.SeriesID, it.SeasonNumber),
		Items:   items,
		Reason:  fmt.Sprintf("season pack S%02d of %s: %d of %d aired episodes %s", it.SeasonNumber, title, len(items), aired, r.label),
	}, Reason(ReasonSearched, fmt.Sprintf("in season pack S%02d of %s (%d of %d aired episodes %s)", it.SeasonNumber, title, len(items), aired, r.label)))
	return true, nil
}

// fewMissing reports whether the season statistics, when used, show fewer
// than two missing episodes in the item's season.
func (r *Run) fewMissing(ctx context.Context, it *sdk.Item) (bool, error) {
	if !r.useStats {
		return false, nil
	}
	if !r.statsRead {
		series, err := r.lib.Series(ctx)
		if err != nil {
			return false, fmt.Errorf("read series: %w", err)
		}
		r.stats = make(map[int64][]sdk.Season, len(series))
		for _, s := range series {
			r.stats[s.ID] = s.Seasons
		}
		r.statsRead = true
	}
	for _, s := range r.stats[it.SeriesID] {
		if s.Number == it.SeasonNumber {
			return s.EpisodeCount-s.EpisodeFileCount < 2, nil
		}
	}
	return false, nil // unknown: read the episodes
}

// seriesEpisodes reads a series' episodes once per run, with the search
// state of those that may be searched.
func (r *Run) seriesEpisodes(ctx context.Context, seriesID int64) ([]sdk.Item, error) {
	if eps, ok := r.episodes[seriesID]; ok {
		return eps, nil
	}
	eps, err := r.lib.Episodes(ctx, seriesID)
	if err != nil {
		return nil, fmt.Errorf("read episodes of series %d: %w", seriesID, err)
	}
	var wanted []sdk.Item
	for i := range eps {
		if r.want(&eps[i]) {
			wanted = append(wanted, eps[i])
		}
	}
	if err := r.LoadStates(ctx, wanted); err != nil {
		return nil, err
	}
	r.episodes[seriesID] = eps
	return eps, nil
}

// eligible returns the episodes of a season (all seasons for wholeSeries)
// that may be searched now and are not decided yet, it first, and the
// number of the season's aired, monitored episodes.
func (r *Run) eligible(it *sdk.Item, eps []sdk.Item, season int) (items []sdk.ItemKey, aired int) {
	items = []sdk.ItemKey{it.Key}
	for i := range eps {
		ep := &eps[i]
		if season != wholeSeries && ep.SeasonNumber != season {
			continue
		}
		if ep.AirDateUTC != nil && !ep.AirDateUTC.After(r.now) && (r.opts.IncludeUnmonitored || Monitored(ep)) {
			aired++
		}
		if ep.Key == it.Key || r.decided[ep.Key] {
			continue
		}
		if _, ok := r.Check(ep); ok {
			items = append(items, ep.Key)
		}
	}
	return items, max(aired, 1)
}

// seasonQualifies: at least two wanted episodes, and at least
// SeasonMinEpisodes of them or SeasonMinPercent of the aired ones.
func (r *Run) seasonQualifies(wanted, aired int) bool {
	return wanted >= 2 && (wanted >= r.opts.SeasonMinEpisodes || wanted*100 >= r.opts.SeasonMinPercent*aired)
}

// seriesQualifies reports whether every regular season with aired,
// monitored episodes qualifies for a season search, and if so returns every
// episode of the series that may be searched, it first.
func (r *Run) seriesQualifies(it *sdk.Item, eps []sdk.Item) ([]sdk.ItemKey, bool) {
	var seasons []int
	for i := range eps {
		ep := &eps[i]
		if ep.SeasonNumber > 0 && ep.AirDateUTC != nil && !ep.AirDateUTC.After(r.now) &&
			(r.opts.IncludeUnmonitored || Monitored(ep)) && !slices.Contains(seasons, ep.SeasonNumber) {
			seasons = append(seasons, ep.SeasonNumber)
		}
	}
	if len(seasons) == 0 {
		return nil, false
	}
	for _, s := range seasons {
		items, aired := r.eligible(it, eps, s)
		n := len(items)
		if it.SeasonNumber != s {
			n-- // it was counted in a season it does not belong to
		}
		if !r.seasonQualifies(n, aired) {
			return nil, false
		}
	}
	items, _ := r.eligible(it, eps, wholeSeries)
	return items, true
}
