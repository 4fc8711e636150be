package fakearr

import (
	"fmt"
	"slices"
	"time"
)

// searchRun tracks one command's searches while it executes.
type searchRun struct {
	cmd     *command
	at      time.Time
	failed  bool
	limited bool
}

// execute runs a started command at time at and completes it. The caller
// holds the lock.
func (in *Instance) execute(c *command, at time.Time) {
	run := &searchRun{cmd: c, at: at}
	var err error
	switch c.name {
	case "EpisodeSearch":
		err = in.episodeSearch(run, c.args.EpisodeIDs)
	case "SeasonSearch":
		err = in.seasonSearchCmd(run, *c.args.SeriesID, *c.args.SeasonNumber)
	case "SeriesSearch":
		err = in.seriesSearch(run, *c.args.SeriesID)
	case "MissingEpisodeSearch", "CutoffUnmetEpisodeSearch":
		in.bulkEpisodeSearch(run, c.name == "CutoffUnmetEpisodeSearch", c.args.SeriesID, *c.args.Monitored)
	case "MoviesSearch":
		in.moviesSearch(run, c.args.MovieIDs)
	case "MissingMoviesSearch", "CutoffUnmetMoviesSearch":
		in.bulkMovieSearch(run, c.name == "CutoffUnmetMoviesSearch")
	}
	c.ended = at
	switch {
	case err != nil:
		c.status, c.result, c.message = "failed", "unsuccessful", err.Error()
		c.exception = "System.ApplicationException: " + err.Error()
	case run.failed:
		msg := "All search-capable indexers are temporarily unavailable due to recent indexer errors"
		c.status, c.result, c.message = "failed", "unsuccessful", msg
		c.exception = "NzbDrone.Core.Indexers.Exceptions.IndexerException: " + msg
	default:
		c.status, c.result, c.message = "completed", "successful", completionMessage(c)
	}
}

// completionMessage is the app's last progress message for a command.
func completionMessage(c *command) string {
	switch c.name {
	case "EpisodeSearch":
		return fmt.Sprintf("Episode search completed. %d reports downloaded.", c.reports)
	case "SeasonSearch":
		return fmt.Sprintf("Season search completed. %d reports downloaded.", c.reports)
	case "SeriesSearch":
		return fmt.Sprintf("Series search completed. %d reports downloaded.", c.reports)
	case "MissingEpisodeSearch", "CutoffUnmetEpisodeSearch":
		return fmt.Sprintf("Completed search for %d episodes. %d reports downloaded.", c.searchedItems(), c.reports)
	case "MoviesSearch", "MissingMoviesSearch", "CutoffUnmetMoviesSearch":
		return fmt.Sprintf("Completed search for %d movies. %d reports downloaded.", c.searchedItems(), c.reports)
	}
	return "Completed"
}

// searchedItems is the number of items a bulk command covered.
func (c *command) searchedItems() int { return c.searches }

// indexerSearch spends one indexer search for the run; it reports whether an
// indexer was queried (false past the daily limit or with failing indexers).
func (in *Instance) indexerSearch(run *searchRun) bool {
	if in.sim.faults.indexersFailing(in.cfg.Name) {
		run.failed = true
		in.raiseHealth(healthIndexersFailing)
		return false
	}
	in.rollDay(run.at)
	if lim := in.cfg.IndexerDailyLimit; lim > 0 && in.indexer.used >= lim {
		run.limited = true
		in.counters.LimitRejected++
		in.raiseHealth(healthIndexerLimit)
		in.wakeAt(nextDay(run.at))
		return false
	}
	in.indexer.used++
	in.counters.IndexerSearches++
	if in.counters.SearchesByCommand == nil {
		in.counters.SearchesByCommand = map[string]int{}
	}
	in.counters.SearchesByCommand[run.cmd.name]++
	run.cmd.searches++
	return true
}

// findable reports whether a search for the item finds a release: decided
// once per item from the seed, so some items are never found.
func (in *Instance) findable(id int) bool {
	return unit(hashOf(in.cfg.Seed, saltFind, uint64(id))) < in.cfg.FindChance
}

// episodeWanted reports whether a release for the episode would be grabbed:
// it has aired, is not queued, and has no file or one below the cutoff.
func (in *Instance) episodeWanted(i int32, at time.Time) bool {
	e := &in.son.episodes[i]
	if e.air == 0 || e.air > at.Unix() || in.queuedEpisode(e.id) {
		return false
	}
	if e.file.id == 0 {
		return true
	}
	_, rank := qualityByID(sonarrQualities, int(e.file.quality))
	return rank < profiles[in.son.series[e.series].profile-1].effectiveCutoff()
}

// episodeSearch searches each episode separately (NOTES Q6); an unknown id
// fails the command before any search.
func (in *Instance) episodeSearch(run *searchRun, ids []int) error {
	n := len(in.son.episodes)
	seen := map[int]bool{}
	var idx []int32
	for _, id := range ids {
		if id >= 1 && id <= n && !seen[id] {
			idx = append(idx, int32(id-1))
		}
		seen[id] = true
	}
	if len(idx) != len(seen) {
		return fmt.Errorf("Expected query to return %d rows but returned %d", len(seen), len(idx))
	}
	for _, i := range idx {
		in.searchEpisodes(run, []int32{i})
	}
	return nil
}

// searchEpisodes is one indexer search covering eps (one episode, or a
// season's): lastSearchTime is set for all of them when an indexer was
// queried (NOTES Q3), and what is found is grabbed as one release.
func (in *Instance) searchEpisodes(run *searchRun, eps []int32) {
	if len(eps) == 0 || !in.indexerSearch(run) {
		return
	}
	var found []int32
	for _, i := range eps {
		e := &in.son.episodes[i]
		e.lastSearch = run.at.Unix()
		if in.episodeWanted(i, run.at) && in.findable(int(e.id)) {
			found = append(found, i)
		}
	}
	in.touch()
	if len(found) > 0 {
		in.grabEpisodes(run, found)
	}
}

// seasonEpisodes returns the monitored, aired episodes of a season.
func (in *Instance) seasonEpisodes(s *series, season int, at time.Time) []int32 {
	var out []int32
	for i := s.first; i < s.first+s.count; i++ {
		e := &in.son.episodes[i]
		if int(e.season) == season && e.monitored && e.air != 0 && e.air <= at.Unix() {
			out = append(out, int32(i))
		}
	}
	return out
}

// seasonSearchCmd is SeasonSearch: one search for the season's monitored
// episodes.
func (in *Instance) seasonSearchCmd(run *searchRun, seriesID, season int) error {
	if seriesID < 1 || seriesID > len(in.son.series) {
		return fmt.Errorf("Series with ID %d does not exist", seriesID)
	}
	in.searchEpisodes(run, in.seasonEpisodes(&in.son.series[seriesID-1], season, run.at))
	return nil
}

// seriesSearch is SeriesSearch: a season search per monitored season, or
// each monitored, aired, file-less episode when no season is monitored.
func (in *Instance) seriesSearch(run *searchRun, seriesID int) error {
	if seriesID < 1 || seriesID > len(in.son.series) {
		return fmt.Errorf("Series with ID %d does not exist", seriesID)
	}
	s := &in.son.series[seriesID-1]
	any := false
	for _, sn := range s.seasons {
		if sn.monitored {
			any = true
			in.searchEpisodes(run, in.seasonEpisodes(s, sn.number, run.at))
		}
	}
	if !any {
		for i := s.first; i < s.first+s.count; i++ {
			e := &in.son.episodes[i]
			if e.monitored && e.file.id == 0 && e.air != 0 && e.air <= run.at.Unix() {
				in.searchEpisodes(run, []int32{int32(i)})
			}
		}
	}
	return nil
}

// bulkEpisodeSearch is MissingEpisodeSearch / CutoffUnmetEpisodeSearch:
// the wanted list minus queued items, grouped by season; a group of two or
// more is one season search, oldest lastSearchTime first.
func (in *Instance) bulkEpisodeSearch(run *searchRun, cutoff bool, seriesID *int, monitored bool) {
	idx := in.wantedIndexes(wantedKey{cutoff: cutoff, monitored: monitored, sortKey: sonarrWantedKeys[0]}, run.at.Unix())
	type group struct {
		eps    []int32
		oldest int64
	}
	groups := map[[2]int32]*group{}
	var order [][2]int32
	for _, i := range idx {
		e := &in.son.episodes[i]
		if (seriesID != nil && int(e.series)+1 != *seriesID) || in.queuedEpisode(e.id) {
			continue
		}
		k := [2]int32{e.series, int32(e.season)}
		g := groups[k]
		if g == nil {
			g = &group{oldest: e.lastSearch}
			groups[k] = g
			order = append(order, k)
		}
		g.eps = append(g.eps, i)
		g.oldest = min(g.oldest, e.lastSearch)
	}
	slices.SortStableFunc(order, func(a, b [2]int32) int { return cmpInt64(groups[a].oldest, groups[b].oldest) })
	for _, k := range order {
		in.searchEpisodes(run, groups[k].eps)
	}
}

// movieWanted reports whether a release for the movie would be grabbed:
// some release date has passed (API searches skip the availability check),
// it is not queued, and it has no file or one below the cutoff.
func (in *Instance) movieWanted(i int, at time.Time) bool {
	m := &in.rad.movies[i]
	first := firstNonZero(m.inCinemas, m.digital, m.physical)
	if first == 0 || first > at.Unix() || in.queuedMovie(m.id) {
		return false
	}
	if m.file.id == 0 {
		return true
	}
	_, rank := qualityByID(radarrQualities, int(m.file.quality))
	return rank < profiles[m.profile-1].effectiveCutoff()
}

// searchMovie is one indexer search for a movie.
func (in *Instance) searchMovie(run *searchRun, i int) {
	if !in.indexerSearch(run) {
		return
	}
	m := &in.rad.movies[i]
	m.lastSearch = run.at.Unix()
	in.touch()
	if in.movieWanted(i, run.at) && in.findable(m.id) {
		in.grabMovie(run, i)
	}
}

// moviesSearch is MoviesSearch: every listed movie, oldest lastSearchTime
// first; unknown ids are dropped.
func (in *Instance) moviesSearch(run *searchRun, ids []int) {
	var idx []int
	seen := map[int]bool{}
	for _, id := range ids {
		if id >= 1 && id <= len(in.rad.movies) && !seen[id] {
			idx = append(idx, id-1)
			seen[id] = true
		}
	}
	ms := in.rad.movies
	slices.SortStableFunc(idx, func(a, b int) int { return cmpInt64(ms[a].lastSearch, ms[b].lastSearch) })
	for _, i := range idx {
		in.searchMovie(run, i)
	}
}

// bulkMovieSearch is MissingMoviesSearch / CutoffUnmetMoviesSearch: the
// monitored wanted list minus queued movies.
func (in *Instance) bulkMovieSearch(run *searchRun, cutoff bool) {
	idx := slices.Clone(in.wantedIndexes(wantedKey{cutoff: cutoff, monitored: true, sortKey: radarrSortLastSerch}, run.at.Unix()))
	for _, i := range idx {
		if !in.queuedMovie(in.rad.movies[i].id) {
			in.searchMovie(run, int(i))
		}
	}
}
