package schedule

import (
	"time"

	"github.com/robfig/cron/v3"
)

// zonedCron corrects a cron schedule across clock changes the way daily
// schedules behave: a slot whose wall time is skipped when clocks spring
// forward runs shifted forward by the gap (02:30 → 03:30), and a wall time
// that occurs twice when clocks fall back runs only at its first
// occurrence. The cron library alone skips the first and runs the second
// twice.
type zonedCron struct{ s *cron.SpecSchedule }

// Next returns the first slot strictly after t.
func (z zonedCron) Next(t time.Time) time.Time {
	for range 1000 {
		n := z.s.Next(t)
		if n.IsZero() {
			return n
		}
		if g := z.gapSlot(t, n); !g.IsZero() {
			return g
		}
		if repeatedWall(n.In(z.s.Location)) {
			t = n
			continue
		}
		return n
	}
	return time.Time{}
}

// gapSlot returns the first slot after t and before n whose wall time
// fell into a spring-forward gap, read with the offset before the gap.
func (z zonedCron) gapSlot(t, n time.Time) time.Time {
	at := t.In(z.s.Location)
	for range 64 {
		_, end := at.ZoneBounds()
		if end.IsZero() || end.After(n) {
			return time.Time{}
		}
		_, before := at.Zone()
		_, after := end.Zone()
		if gap := time.Duration(after-before) * time.Second; gap > 0 {
			old := *z.s
			old.Location = time.FixedZone("", before)
			from := end.Add(-time.Second)
			if from.Before(t) {
				from = t
			}
			if g := old.Next(from); !g.IsZero() && g.Before(end.Add(gap)) {
				return g.In(z.s.Location)
			}
		}
		at = end
	}
	return time.Time{}
}

// repeatedWall reports whether t's wall time also occurred earlier, just
// before clocks fell back.
func repeatedWall(t time.Time) bool {
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return false
	}
	_, now := t.Zone()
	_, prev := start.Add(-time.Second).Zone()
	back := time.Duration(prev-now) * time.Second
	return back > 0 && t.Sub(start) < back
}
