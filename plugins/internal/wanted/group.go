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
	st, known, err := r.seasonStats(ctx, it)
	if err != nil {
		return false, err
	}
	if known && st.EpisodeCount-st.EpisodeFileCount < 2 {
		// Neither the season nor, since the season is part of it, the
		// series can qualify.
		r.groups[key] = false
		r.groups[groupKey{it.SeriesID, wholeSeries}] = false
		return false, nil
	}
	title := seriesTitle(it)
	if known && r.seen != nil {
		return r.groupSeen(ctx, it, st, title)
	}
	eps, err := r.seriesEpisodes(ctx, it.SeriesID)
	if err != nil {
		return false, err
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
	if r.emit(sdk.Intent{
		Command: sdk.SearchSeason(it.SeriesID, it.SeasonNumber),
		Items:   items,
		Reason:  fmt.Sprintf("season pack S%02d of %s: %d of %d aired episodes %s", it.SeasonNumber, title, len(items), aired, r.label),
	}, Reason(ReasonSearched, fmt.Sprintf("in season pack S%02d of %s (%d of %d aired episodes %s)", it.SeasonNumber, title, len(items), aired, r.label))) {
		r.packs[key] = len(r.intents) - 1
	}
	return true, nil
}

// joinPack adds it to the SeasonSearch already planned for its season, if
// any, and reports whether it did. The search covers the whole season, so
// an episode offered after the pack was planned (seen on a later page) is
// searched by it and costs nothing more, even when the budget is spent.
func (r *Run) joinPack(it *sdk.Item) bool {
	i, ok := r.packs[groupKey{it.SeriesID, it.SeasonNumber}]
	if !ok {
		return false
	}
	r.intents[i].Items = append(r.intents[i].Items, it.Key)
	r.keep(it.Key, Reason(ReasonSearched, fmt.Sprintf("in season pack S%02d of %s (planned before this episode was read; the pack covers it)", it.SeasonNumber, seriesTitle(it))))
	return true
}

// seasonStats returns the statistics of the item's season, when used and
// known. The series' statistics are read once per run.
func (r *Run) seasonStats(ctx context.Context, it *sdk.Item) (sdk.Season, bool, error) {
	if !r.useStats {
		return sdk.Season{}, false, nil
	}
	if !r.statsRead {
		series, err := r.lib.Series(ctx)
		if err != nil {
			return sdk.Season{}, false, fmt.Errorf("read series: %w", err)
		}
		r.stats = make(map[int64][]sdk.Season, len(series))
		for _, s := range series {
			r.stats[s.ID] = s.Seasons
		}
		r.statsRead = true
	}
	for _, s := range r.stats[it.SeriesID] {
		if s.Number == it.SeasonNumber {
			return s, true, nil
		}
	}
	return sdk.Season{}, false, nil // unknown: read the episodes
}

// groupSeen decides a season by its statistics and the season's wanted
// episodes seen on the pages read so far, without reading the series'
// episodes. The statistics give the number of aired, monitored episodes;
// the episodes seen that may be searched now are the evidence. The season
// qualifies when they alone do, and its SeasonSearch lists them as its
// items (the search covers the whole season whatever the list says). When
// too few were seen to be sure (the rest are on pages not read, or the
// statistics are stale), the season is searched episode by episode: this
// item now, the other seen ones as they come, so no episode is ever in both
// a SeasonSearch and an EpisodeSearch.
func (r *Run) groupSeen(ctx context.Context, it *sdk.Item, st sdk.Season, title string) (bool, error) {
	key := groupKey{it.SeriesID, it.SeasonNumber}
	seen := r.seen[key]
	var unread []sdk.Item
	for _, ep := range seen {
		if _, ok := r.states[ep.Key]; !ok && !r.decided[ep.Key] {
			unread = append(unread, *ep)
		}
	}
	if len(unread) > 0 {
		// Seen on a batch of a whole-list walk not offered yet.
		if err := r.LoadStates(ctx, unread); err != nil {
			return false, err
		}
	}
	items := []sdk.ItemKey{it.Key}
	counted := map[sdk.ItemKey]bool{it.Key: true}
	aired := 1 // it
	for _, ep := range seen {
		if counted[ep.Key] {
			continue
		}
		counted[ep.Key] = true
		if ep.AirDateUTC != nil && !ep.AirDateUTC.After(r.now) && (r.opts.IncludeUnmonitored || Monitored(ep)) {
			aired++
		}
		if r.decided[ep.Key] {
			continue
		}
		if _, ok := r.Check(ep); ok {
			items = append(items, ep.Key)
		}
	}
	aired = max(aired, st.EpisodeCount)
	ok := r.seasonQualifies(len(items), aired)
	r.groups[key] = ok
	if !ok {
		return false, nil
	}
	if r.emit(sdk.Intent{
		Command: sdk.SearchSeason(it.SeriesID, it.SeasonNumber),
		Items:   items,
		Reason:  fmt.Sprintf("season pack S%02d of %s: %d of %d aired episodes %s", it.SeasonNumber, title, len(items), aired, r.label),
	}, Reason(ReasonSearched, fmt.Sprintf("in season pack S%02d of %s (%d of %d aired episodes %s)", it.SeasonNumber, title, len(items), aired, r.label))) {
		r.packs[key] = len(r.intents) - 1
	}
	return true, nil
}

func seriesTitle(it *sdk.Item) string {
	if it.SeriesTitle == "" {
		return fmt.Sprintf("series %d", it.SeriesID)
	}
	return it.SeriesTitle
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
