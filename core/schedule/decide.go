package schedule

import (
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// decision is what a due queue does now.
type decision struct {
	// fire publishes a trigger.
	fire bool
	// next and slot are the queue's next run and the slot it comes from;
	// nil when the queue has no further run.
	next, slot *time.Time
	// why explains a skipped run, for the log.
	why string
}

// decide handles a queue whose next run (due) is at or before now. A
// one-time queue runs (however late) once a window allows it, unless it
// already ran since it came due. A recurring
// queue looks at the latest of its slots that came due by now: it runs when
// that slot is no later than its grace and was in a window, and moves in
// any case to its first slot after now, so however many slots were missed
// they coalesce into at most one run.
func decide(sp spec, q domain.Queue, sc domain.Schedule, now time.Time) (decision, error) {
	due := *sc.NextRun
	if sp.kind == domain.ScheduleOnce {
		if q.LastRun != nil && !q.LastRun.Before(due) {
			// It ran since it came due (started by hand, say): once is
			// done.
			return decision{why: "it already ran"}, nil
		}
		if !sp.windows.contains(now, sp.loc) {
			open := sp.windows.nextOpen(now, sp.loc)
			return decision{next: &open, slot: &open, why: "outside the queue's windows"}, nil
		}
		return decision{fire: true}, nil
	}
	slot := due
	if sc.NextSlot != nil && !sc.NextSlot.After(due) {
		slot = *sc.NextSlot
	}
	latest, latestRun, caughtUp := slot, due, false
	for range maxMissedSlots {
		s, run, err := sp.next(q.ID, latest, &latest)
		if err != nil || run.After(now) {
			caughtUp = true
			break
		}
		latest, latestRun = s, run
	}
	next, nextRun, err := sp.next(q.ID, now, &latest)
	if err != nil {
		return decision{why: "no further slot"}, nil
	}
	d := decision{next: &nextRun, slot: &next}
	switch late := now.Sub(latestRun); {
	case !caughtUp || late > sp.grace:
		d.why = "missed by more than the misfire grace"
	case !sp.windows.contains(latestRun, sp.loc):
		d.why = "outside the queue's windows"
	default:
		d.fire = true
	}
	return d, nil
}

// maxMissedSlots bounds the walk over missed slots; a queue further behind
// counts as missed beyond its grace.
const maxMissedSlots = 100_000
