package wanted

import (
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// Check returns why an item must not be searched now, or ok: not wanted,
// unmonitored, not aired or not available, inside the grace period,
// downloading, resting after an earlier search, or grabbed since its last
// search. The search state must have been read with LoadStates.
func (r *Run) Check(it *sdk.Item) (reason string, ok bool) {
	if !r.want(it) {
		return Reason(ReasonFiltered, "not "+r.label), false
	}
	if !r.opts.IncludeUnmonitored && !Monitored(it) {
		return Reason(ReasonUnmonitored, "not monitored"), false
	}
	if reason, ok := r.released(it); !ok {
		return reason, false
	}
	if r.queued[it.Key] {
		return Reason(ReasonQueued, "in the download queue"), false
	}
	st := r.states[it.Key]
	if st.CooldownUntil != nil && st.CooldownUntil.After(r.now) {
		return Reason(ReasonCooldown, "searched recently, rests until "+st.CooldownUntil.Format(time.RFC3339)), false
	}
	if st.LastGrab != nil && (st.LastSearched == nil || !st.LastGrab.Before(*st.LastSearched)) && r.now.Before(st.LastGrab.Add(GrabRest)) {
		return Reason(ReasonGrabbed, "a release was grabbed "+st.LastGrab.Format(time.RFC3339)), false
	}
	return "", true
}

// GrabRest is how long an item grabbed after its last search is left
// alone. A grab that is still downloading shows in the queue; one that is
// still missing a day later failed or was removed, and is searched again.
const GrabRest = 24 * time.Hour

// released checks air dates, availability and the grace period.
func (r *Run) released(it *sdk.Item) (string, bool) {
	rel := it.Released()
	if it.Key.Type == sdk.Movie {
		if !it.IsAvailable {
			if !r.opts.IncludeUnavailable {
				return Reason(ReasonNotAvailable, "not yet available ("+orUnknown(it.MovieStatus)+", wants "+orUnknown(it.MinimumAvailability)+")"), false
			}
			return "", true
		}
		if rel != nil && rel.After(r.cutoff) && !rel.After(r.now) {
			return Reason(ReasonFuture, "released "+rel.Format(Day)+", inside the grace period"), false
		}
		return "", true
	}
	switch {
	case rel == nil:
		return Reason(ReasonFuture, "air date unknown"), false
	case rel.After(r.now):
		return Reason(ReasonFuture, "airs "+rel.Format(Day)), false
	case rel.After(r.cutoff):
		return Reason(ReasonFuture, "aired "+rel.Format(Day)+", inside the grace period"), false
	}
	return "", true
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// Monitored is true for a monitored movie, or a monitored episode of a
// monitored series.
func Monitored(it *sdk.Item) bool {
	if it.Key.Type == sdk.Episode {
		return it.Monitored && it.SeriesMonitored
	}
	return it.Monitored
}
