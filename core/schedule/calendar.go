package schedule

import (
	"fmt"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// wallTime is a time of day, "HH:MM".
type wallTime struct{ hour, minute int }

// parseWallTime reads "HH:MM" (24-hour clock).
func parseWallTime(s string) (wallTime, error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return wallTime{}, fmt.Errorf("%q is not a time of day as HH:MM (00:00 to 23:59)", s)
	}
	return wallTime{hour: t.Hour(), minute: t.Minute()}, nil
}

func (w wallTime) minutes() int { return w.hour*60 + w.minute }

// on returns the wall time w on the given day in loc. A wall time skipped
// by a clock change (02:30 when clocks spring from 02:00 to 03:00) falls
// forward by the gap (03:30); a wall time that occurs twice (when clocks
// fall back) is its first occurrence, so a daily slot never runs twice.
// Both are the wall time read with the offset in force before the change.
func (w wallTime) on(year int, month time.Month, day int, loc *time.Location) time.Time {
	t := time.Date(year, month, day, w.hour, w.minute, 0, 0, loc)
	_, before := t.Add(-12 * time.Hour).Zone()
	_, after := t.Add(12 * time.Hour).Zone()
	if before == after {
		return t
	}
	early := time.Date(year, month, day, w.hour, w.minute, 0, 0, time.FixedZone("", before)).In(loc)
	if early.Hour() == w.hour && early.Minute() == w.minute {
		return early // valid under the earlier offset: the first occurrence
	}
	late := time.Date(year, month, day, w.hour, w.minute, 0, 0, time.FixedZone("", after)).In(loc)
	if late.Hour() == w.hour && late.Minute() == w.minute {
		return late
	}
	return early // in the gap: shifted forward by it
}

// nextWall returns the first instant strictly after t at which the wall
// clock of loc shows w on a day allowed by days (nil allows every day).
func nextWall(t time.Time, w wallTime, loc *time.Location, days map[time.Weekday]bool) time.Time {
	local := t.In(loc)
	y, m, d := local.Date()
	for i := 0; i < 8*7; i++ {
		day := time.Date(y, m, d+i, 12, 0, 0, 0, loc)
		if days != nil && !days[day.Weekday()] {
			continue
		}
		cand := w.on(day.Year(), day.Month(), day.Day(), loc)
		if cand.After(t) {
			return cand
		}
	}
	// Unreachable with at least one allowed day.
	return t.Add(24 * time.Hour)
}

// window is a compiled TimeWindow.
type window struct{ start, end wallTime }

// windows restrict runs to daily spans; an empty set allows any time.
type windows []window

func compileWindows(ws []domain.TimeWindow) (windows, error) {
	out := make(windows, 0, len(ws))
	for i, w := range ws {
		start, err := parseWallTime(w.Start)
		if err != nil {
			return nil, fieldErr(fmt.Sprintf("windows[%d].start", i), "%v", err)
		}
		end, err := parseWallTime(w.End)
		if err != nil {
			return nil, fieldErr(fmt.Sprintf("windows[%d].end", i), "%v", err)
		}
		if start == end {
			return nil, fieldErr(fmt.Sprintf("windows[%d].end", i), "a window must not start and end at the same time")
		}
		out = append(out, window{start: start, end: end})
	}
	return out, nil
}

// contains reports whether t falls in one of the windows, read on the wall
// clock of loc; a window crossing midnight holds both sides of it.
func (ws windows) contains(t time.Time, loc *time.Location) bool {
	if len(ws) == 0 {
		return true
	}
	local := t.In(loc)
	m := local.Hour()*60 + local.Minute()
	for _, w := range ws {
		s, e := w.start.minutes(), w.end.minutes()
		if s < e && m >= s && m < e {
			return true
		}
		if s > e && (m >= s || m < e) {
			return true
		}
	}
	return false
}

// nextOpen returns t when a window holds it, otherwise the next opening of
// a window after t.
func (ws windows) nextOpen(t time.Time, loc *time.Location) time.Time {
	if ws.contains(t, loc) {
		return t
	}
	var best time.Time
	for _, w := range ws {
		open := nextWall(t, w.start, loc, nil)
		if best.IsZero() || open.Before(best) {
			best = open
		}
	}
	return best
}
