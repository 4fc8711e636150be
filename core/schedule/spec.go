package schedule

import (
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // IANA zones even where the system has none (containers)

	"github.com/robfig/cron/v3"

	"github.com/vibequality/searcharr/core/domain"
)

// FieldError is a schedule setting that is not valid; Field names it as
// the API body does ("cron", "windows[0].start").
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return "schedule: " + e.Field + ": " + e.Message }

// Path is the setting at fault, as Field.
func (e *FieldError) Path() string { return e.Field }

// Detail is what is wrong with it, as Message.
func (e *FieldError) Detail() string { return e.Message }

// Unwrap makes a FieldError match domain.ErrInvalid.
func (e *FieldError) Unwrap() error { return domain.ErrInvalid }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Limits of the settings.
const (
	// MaxJitter bounds JitterSeconds.
	MaxJitter = 24 * time.Hour
	// MaxMisfireGrace bounds MisfireGraceSeconds.
	MaxMisfireGrace = 24 * time.Hour
	maxWindows      = 24
)

// spec is a queue's schedule compiled: everything needed to compute its
// slots.
type spec struct {
	kind    domain.ScheduleKind
	every   time.Duration
	cron    cron.Schedule
	at      wallTime
	days    map[time.Weekday]bool
	loc     *time.Location
	windows windows
	jitter  time.Duration
	grace   time.Duration
	key     string
}

// effectiveKind is the kind a queue runs by: once when it does not recur,
// its interval when it recurs without a kind of its own.
func effectiveKind(q domain.Queue, s domain.Schedule) domain.ScheduleKind {
	if !q.Recurring {
		return domain.ScheduleOnce
	}
	if s.Kind == "" || s.Kind == domain.ScheduleOnce {
		return domain.ScheduleInterval
	}
	return s.Kind
}

// Validate checks a schedule's settings and returns a *FieldError naming
// the first one at fault. The queue's own interval is checked for the
// interval kind.
func Validate(q domain.Queue, s domain.Schedule) error {
	_, err := compile(q, s)
	return err
}

// compile checks and compiles the schedule a queue runs by.
func compile(q domain.Queue, s domain.Schedule) (spec, error) {
	if s.Kind != "" && !s.Kind.Valid() {
		return spec{}, fieldErr("kind", "%q is not one of once, interval, cron, daily, weekly", s.Kind)
	}
	sp := spec{kind: effectiveKind(q, s), loc: time.UTC}
	if s.TimeZone != "" {
		loc, err := time.LoadLocation(s.TimeZone)
		if err != nil || s.TimeZone == "Local" {
			return spec{}, fieldErr("time_zone", "%q is not an IANA time zone such as Europe/Berlin", s.TimeZone)
		}
		sp.loc = loc
	}
	switch sp.kind {
	case domain.ScheduleInterval:
		if q.IntervalMinutes <= 0 {
			return spec{}, fieldErr("interval_minutes", "a recurring interval must be at least 1 minute")
		}
		sp.every = time.Duration(q.IntervalMinutes) * time.Minute
	case domain.ScheduleCron:
		expr := strings.TrimSpace(s.Cron)
		if expr == "" {
			return spec{}, fieldErr("cron", "a cron schedule needs an expression such as \"0 3 * * *\"")
		}
		if strings.HasPrefix(expr, "TZ=") || strings.HasPrefix(expr, "CRON_TZ=") {
			return spec{}, fieldErr("cron", "set the zone in time_zone, not in the expression")
		}
		c, err := cron.ParseStandard(expr)
		if err != nil {
			return spec{}, fieldErr("cron", "%v", err)
		}
		if cs, ok := c.(*cron.SpecSchedule); ok {
			cs.Location = sp.loc
			c = zonedCron{s: cs}
		}
		if cd, ok := c.(cron.ConstantDelaySchedule); ok && cd.Delay < time.Minute {
			return spec{}, fieldErr("cron", "@every must be at least 1m")
		}
		sp.cron = c
	case domain.ScheduleDaily, domain.ScheduleWeekly:
		at, err := parseWallTime(s.At)
		if err != nil {
			return spec{}, fieldErr("at", "%v", err)
		}
		sp.at = at
		if sp.kind == domain.ScheduleWeekly {
			if len(s.Weekdays) == 0 {
				return spec{}, fieldErr("weekdays", "a weekly schedule needs at least one day (0 = Sunday … 6 = Saturday)")
			}
			sp.days = map[time.Weekday]bool{}
			for i, d := range s.Weekdays {
				if d < time.Sunday || d > time.Saturday {
					return spec{}, fieldErr(fmt.Sprintf("weekdays[%d]", i), "%d is not a day (0 = Sunday … 6 = Saturday)", d)
				}
				sp.days[d] = true
			}
		}
	}
	if len(s.Windows) > maxWindows {
		return spec{}, fieldErr("windows", "at most %d windows", maxWindows)
	}
	ws, err := compileWindows(s.Windows)
	if err != nil {
		return spec{}, err
	}
	sp.windows = ws
	if s.JitterSeconds < 0 || time.Duration(s.JitterSeconds)*time.Second > MaxJitter {
		return spec{}, fieldErr("jitter_seconds", "must be between 0 and %d", int(MaxJitter/time.Second))
	}
	sp.jitter = time.Duration(s.JitterSeconds) * time.Second
	if s.MisfireGraceSeconds < 0 || time.Duration(s.MisfireGraceSeconds)*time.Second > MaxMisfireGrace {
		return spec{}, fieldErr("misfire_grace_seconds", "must be between 0 (the default, %s) and %d", domain.DefaultMisfireGrace, int(MaxMisfireGrace/time.Second))
	}
	sp.grace = s.MisfireGrace()
	sp.key = specKey(q, s, sp.kind)
	return sp, nil
}

// specKey fingerprints what a queue's slots are computed from.
func specKey(q domain.Queue, s domain.Schedule, kind domain.ScheduleKind) string {
	days := slices.Clone(s.Weekdays)
	slices.Sort(days)
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%d|%s|%s|%v|%s|%d", kind, q.IntervalMinutes, s.Cron, s.At, days, s.TimeZone, s.JitterSeconds)
	for _, w := range s.Windows {
		b.WriteString("|" + w.Start + "-" + w.End)
	}
	return b.String()
}

// errNoSlot means a schedule has no further slot.
var errNoSlot = errors.New("schedule: no further slot")

// slotAfter returns the schedule's first slot strictly after now,
// ignoring windows and jitter. anchor is the previous slot of an interval
// (nil starts the interval at now).
func (sp spec) slotAfter(now time.Time, anchor *time.Time) (time.Time, error) {
	switch sp.kind {
	case domain.ScheduleInterval:
		if anchor == nil || anchor.After(now) {
			return now.Add(sp.every), nil
		}
		k := now.Sub(*anchor)/sp.every + 1
		return anchor.Add(k * sp.every), nil
	case domain.ScheduleCron:
		n := sp.cron.Next(now)
		if n.IsZero() {
			return time.Time{}, errNoSlot
		}
		return n, nil
	case domain.ScheduleDaily, domain.ScheduleWeekly:
		return nextWall(now, sp.at, sp.loc, sp.days), nil
	}
	return time.Time{}, errNoSlot
}

// next returns the queue's next slot after now and when it runs: the slot
// moved into the next window if it falls outside every window, then
// delayed by the queue's jitter when the delayed time is still in a
// window.
func (sp spec) next(queueID int64, now time.Time, anchor *time.Time) (slot, runAt time.Time, err error) {
	slot, err = sp.slotAfter(now, anchor)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	slot = sp.windows.nextOpen(slot, sp.loc)
	runAt = slot.Add(jitterFor(queueID, slot, sp.jitter))
	if !sp.windows.contains(runAt, sp.loc) {
		runAt = slot
	}
	return slot, runAt, nil
}

// jitterFor is a delay in [0, max], the same for the same queue and slot,
// so every replica computes the same run time.
func jitterFor(queueID int64, slot time.Time, max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(strconv.FormatInt(queueID, 10) + "@" + strconv.FormatInt(slot.Unix(), 10)))
	return time.Duration(h.Sum64()%uint64(max/time.Second+1)) * time.Second
}
