package missing

import (
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// Reason codes of decisions, shared with the host's vocabulary. A decision's
// reason is the code, a colon and details.
const (
	reasonSearched     = "searched"
	reasonUnmonitored  = "unmonitored"
	reasonFuture       = "future"
	reasonNotAvailable = "not_available"
	reasonQueued       = "queued"
	reasonHasFile      = "has_file"
	reasonCooldown     = "cooldown"
)

const day = "2006-01-02"

// consider decides about one wanted item and, when kept, emits its search.
func (r *run) consider(it *sdk.Item) {
	if r.seen[it.Key] {
		return // the list shifted between pages
	}
	r.seen[it.Key] = true
	if reason, ok := r.skip(it); !ok {
		r.decide(it.Key, false, reason)
		return
	}
	if !r.budget.Fits(len(r.intents)+1, r.cost+1) {
		r.full = true
		return
	}
	detail := released(it)
	r.intents = append(r.intents, searchFor(it, "missing, "+detail))
	r.cost++
	r.decide(it.Key, true, reasonSearched+": missing, "+detail)
	if !r.budget.Fits(len(r.intents)+1, r.cost+1) {
		r.full = true
	}
}

// skip returns why an item must not be searched, or ok.
func (r *run) skip(it *sdk.Item) (reason string, ok bool) {
	if it.HasFile {
		return reasonHasFile + ": already downloaded", false
	}
	if !r.cfg.IncludeUnmonitored && !monitored(it) {
		return reasonUnmonitored + ": not monitored", false
	}
	rel := it.Released()
	switch it.Key.Type {
	case sdk.Movie:
		if !it.IsAvailable {
			return reasonNotAvailable + ": not yet available (" + it.MinimumAvailability + ")", false
		}
		if rel != nil && rel.After(r.cutoff) {
			return reasonFuture + ": released " + rel.Format(day) + ", inside the grace period", false
		}
	default:
		if rel == nil {
			return reasonFuture + ": air date unknown", false
		}
		if rel.After(r.now) {
			return reasonFuture + ": airs " + rel.Format(day), false
		}
		if rel.After(r.cutoff) {
			return reasonFuture + ": aired " + rel.Format(day) + ", inside the grace period", false
		}
	}
	if r.queued[it.Key] {
		return reasonQueued + ": in the download queue", false
	}
	if until, ok := r.resting[it.Key]; ok {
		return reasonCooldown + ": searched recently, rests until " + until.Format(time.RFC3339), false
	}
	return "", true
}

func (r *run) decide(k sdk.ItemKey, kept bool, reason string) {
	r.decisions = append(r.decisions, sdk.Decision{Item: k, Kept: kept, Reason: reason})
}

// monitored is true for a monitored movie, or a monitored episode of a
// monitored series.
func monitored(it *sdk.Item) bool {
	if it.Key.Type == sdk.Episode {
		return it.Monitored && it.SeriesMonitored
	}
	return it.Monitored
}

func released(it *sdk.Item) string {
	rel := it.Released()
	switch {
	case rel == nil:
		return "release date unknown"
	case it.Key.Type == sdk.Movie:
		return "released " + rel.Format(day)
	}
	return "aired " + rel.Format(day)
}

// searchFor is the search of one item: one EpisodeSearch per episode, one
// MoviesSearch per movie. Grouping episodes into season searches belongs
// here.
func searchFor(it *sdk.Item, reason string) sdk.Intent {
	cmd := sdk.SearchEpisodes(it.Key.ID)
	if it.Key.Type == sdk.Movie {
		cmd = sdk.SearchMovies(it.Key.ID)
	}
	return sdk.Intent{Command: cmd, Items: []sdk.ItemKey{it.Key}, Reason: reason}
}
