package fakearr

import (
	"net/http"
	"slices"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// handleSeries serves GET series (?tvdbId=).
func (in *Instance) handleSeries(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	tvdb, byTvdb := q.optInt("tvdbId")
	if !q.check(w, in) {
		return
	}
	in.mu.Lock()
	out := make([]seriesResource, 0, len(in.son.series))
	for i := range in.son.series {
		if byTvdb && in.son.series[i].tvdbID != tvdb {
			continue
		}
		out = append(out, in.seriesResource(i, true))
	}
	in.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// handleSeriesByID serves GET series/{id}.
func (in *Instance) handleSeriesByID(w http.ResponseWriter, id int) {
	in.mu.Lock()
	if id < 1 || id > len(in.son.series) {
		in.mu.Unlock()
		writeNotFound(w, in.nextTrace())
		return
	}
	res := in.seriesResource(id-1, true)
	in.mu.Unlock()
	writeJSON(w, http.StatusOK, res)
}

// handleEpisodes serves GET episode?seriesId=&seasonNumber= or ?episodeIds=.
func (in *Instance) handleEpisodes(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	seriesID, bySeries := q.optInt("seriesId")
	season, bySeason := q.optInt("seasonNumber")
	ids := q.ints("episodeIds")
	opts := episodeOpts{series: q.bool("includeSeries", false), file: q.bool("includeEpisodeFile", false), images: q.bool("includeImages", false)}
	if !q.check(w, in) {
		return
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	out := []episodeResource{}
	switch {
	case bySeries:
		if seriesID < 1 || seriesID > len(in.son.series) {
			writeNotFound(w, in.nextTrace())
			return
		}
		s := &in.son.series[seriesID-1]
		for i := s.first; i < s.first+s.count; i++ {
			if bySeason && int(in.son.episodes[i].season) != season {
				continue
			}
			out = append(out, in.episodeResource(int32(i), opts))
		}
	case len(ids) > 0:
		for _, id := range ids {
			if id >= 1 && id <= len(in.son.episodes) {
				out = append(out, in.episodeResource(int32(id-1), opts))
			}
		}
	default:
		writeValidation(w, validationFailure{
			PropertyName: "", ErrorMessage: "seriesId or episodeIds must be provided", Severity: "error",
			FormattedMessageArguments: []any{}, FormattedMessagePlaceholderValues: map[string]any{},
		})
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// handleEpisode serves GET episode/{id} (and wanted/*/{id}).
func (in *Instance) handleEpisode(w http.ResponseWriter, r *http.Request, id int) {
	in.mu.Lock()
	if id < 1 || id > len(in.son.episodes) {
		in.mu.Unlock()
		writeNotFound(w, in.nextTrace())
		return
	}
	res := in.episodeResource(int32(id-1), episodeOpts{series: true, file: true})
	in.mu.Unlock()
	writeJSON(w, http.StatusOK, res)
}

// handleMovies serves GET movie (?tmdbId=).
func (in *Instance) handleMovies(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	tmdb, byTmdb := q.optInt("tmdbId")
	q.bool("excludeLocalCovers", false)
	q.optInt("languageId")
	if !q.check(w, in) {
		return
	}
	in.mu.Lock()
	now := in.now()
	out := make([]movieResource, 0, len(in.rad.movies))
	for i := range in.rad.movies {
		if byTmdb && in.rad.movies[i].tmdbID != tmdb {
			continue
		}
		out = append(out, in.movieResource(i, now))
	}
	in.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// handleMovieByID serves GET movie/{id}.
func (in *Instance) handleMovieByID(w http.ResponseWriter, id int) {
	in.mu.Lock()
	if id < 1 || id > len(in.rad.movies) {
		in.mu.Unlock()
		writeNotFound(w, in.nextTrace())
		return
	}
	res := in.movieResource(id-1, in.now())
	in.mu.Unlock()
	writeJSON(w, http.StatusOK, res)
}

// handleCalendar serves GET calendar: start/end (default today to today+2
// days), unmonitored, tags (comma-separated ids).
func (in *Instance) handleCalendar(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	now := in.now().UTC()
	today := now.Truncate(24 * time.Hour)
	start, ok := q.date("start")
	if !ok {
		start = today
	}
	end, ok := q.date("end")
	if !ok {
		end = today.AddDate(0, 0, 2)
	}
	unmonitored := q.bool("unmonitored", false)
	tags := q.ints("tags")
	opts := episodeOpts{series: q.bool("includeSeries", false), file: q.bool("includeEpisodeFile", false), images: q.bool("includeEpisodeImages", false)}
	if !q.check(w, in) {
		return
	}
	from, to := start.Unix(), end.Unix()
	tagged := func(t []int) bool {
		if len(tags) == 0 {
			return true
		}
		for _, x := range t {
			if slices.Contains(tags, x) {
				return true
			}
		}
		return false
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.cfg.Kind == domain.KindSonarr {
		out := []episodeResource{}
		eps := in.son.episodes
		lo, _ := slices.BinarySearchFunc(in.son.byAir, from, func(i int32, t int64) int { return cmpInt64(eps[i].air, t) })
		for _, i := range in.son.byAir[lo:] {
			e := &eps[i]
			if e.air >= to {
				break
			}
			s := &in.son.series[e.series]
			if (!unmonitored && !(e.monitored && s.monitored)) || !tagged(s.tags) {
				continue
			}
			out = append(out, in.episodeResource(i, opts))
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	type hit struct {
		i                          int
		cinemas, digital, physical int64
	}
	var hits []hit
	in2 := func(t int64) bool { return t != 0 && t >= from && t < to }
	for i := range in.rad.movies {
		m := &in.rad.movies[i]
		if (!unmonitored && !m.monitored) || !tagged(m.tags) {
			continue
		}
		if in2(m.inCinemas) || in2(m.digital) || in2(m.physical) {
			hits = append(hits, hit{i, m.inCinemas, m.digital, m.physical})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		if c := cmpInt64(a.cinemas, b.cinemas); c != 0 {
			return c
		}
		if c := cmpInt64(a.digital, b.digital); c != 0 {
			return c
		}
		return cmpInt64(a.physical, b.physical)
	})
	out := make([]movieResource, 0, len(hits))
	for _, h := range hits {
		out = append(out, in.movieResource(h.i, now))
	}
	writeJSON(w, http.StatusOK, out)
}

// tagResource is the apps' TagResource.
type tagResource struct {
	Label string `json:"label"`
	ID    int    `json:"id,omitempty"`
}

// handleTags serves GET tag and tag/{id}.
func (in *Instance) handleTags(w http.ResponseWriter, id int, byID bool) {
	if byID {
		if id < 1 || id > len(tagLabels) {
			writeNotFound(w, in.nextTrace())
			return
		}
		writeJSON(w, http.StatusOK, tagResource{Label: tagLabels[id-1], ID: id})
		return
	}
	out := make([]tagResource, len(tagLabels))
	for i, l := range tagLabels {
		out[i] = tagResource{Label: l, ID: i + 1}
	}
	writeJSON(w, http.StatusOK, out)
}
