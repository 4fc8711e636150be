package schedule

import (
	"errors"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// NextRuns returns up to n times q would run by schedule in after from,
// computed as the scheduler does (windows and jitter included), each run
// taking place on time. A one-time queue has none: it runs when started.
// Invalid settings return a *FieldError, as Validate does.
func NextRuns(q domain.Queue, in domain.Schedule, from time.Time, n int) ([]time.Time, error) {
	sp, err := compile(q, in)
	if err != nil {
		return nil, err
	}
	if !sp.kind.Recurring() {
		return []time.Time{}, nil
	}
	out := make([]time.Time, 0, n)
	now := from
	var anchor *time.Time
	for len(out) < n {
		slot, run, err := sp.next(q.ID, now, anchor)
		if errors.Is(err, errNoSlot) {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, run)
		now, anchor = run, &slot
	}
	return out, nil
}

// NextRuns is NextRuns from the scheduler's clock.
func (s *Scheduler) NextRuns(q domain.Queue, in domain.Schedule, n int) ([]time.Time, error) {
	return NextRuns(q, in, s.deps.Clock.Now(), n)
}
