package domain

import "time"

// ScheduleKind says how a queue's run times are computed.
type ScheduleKind string

// The schedule kinds.
const (
	// ScheduleOnce runs the queue one time, at its next run; it is the kind
	// of every queue that does not recur.
	ScheduleOnce ScheduleKind = "once"
	// ScheduleInterval runs the queue every Queue.IntervalMinutes, counted
	// from the previous slot (fixed rate, not from the end of the run).
	ScheduleInterval ScheduleKind = "interval"
	// ScheduleCron runs the queue at the times of a cron expression.
	ScheduleCron ScheduleKind = "cron"
	// ScheduleDaily runs the queue every day at At.
	ScheduleDaily ScheduleKind = "daily"
	// ScheduleWeekly runs the queue at At on each of Weekdays.
	ScheduleWeekly ScheduleKind = "weekly"
)

// Valid reports whether k is a known schedule kind.
func (k ScheduleKind) Valid() bool {
	switch k {
	case ScheduleOnce, ScheduleInterval, ScheduleCron, ScheduleDaily, ScheduleWeekly:
		return true
	}
	return false
}

// Recurring reports whether the kind runs more than once.
func (k ScheduleKind) Recurring() bool { return k != ScheduleOnce }

// DefaultMisfireGrace is how late a run may start and still run, when a
// schedule sets no grace of its own.
const DefaultMisfireGrace = 5 * time.Minute

// TimeWindow is a daily span of wall-clock time, "HH:MM" to "HH:MM" in the
// schedule's time zone; a window whose end is not after its start crosses
// midnight (22:00 to 06:00).
type TimeWindow struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Schedule is when a queue runs: its kind and settings, and the
// scheduler's bookkeeping of the next slot.
type Schedule struct {
	QueueID int64
	// Kind is empty for a queue the scheduler adopted without a schedule of
	// its own: it then runs every IntervalMinutes when it recurs, once
	// otherwise.
	Kind ScheduleKind
	// Cron is a standard five-field expression or a descriptor (@daily,
	// @every 90m), for ScheduleCron.
	Cron string
	// At is the "HH:MM" wall time of ScheduleDaily and ScheduleWeekly.
	At string
	// Weekdays are the days of ScheduleWeekly.
	Weekdays []time.Weekday
	// TimeZone is an IANA zone name; empty means UTC. At, Cron and Windows
	// are read in it.
	TimeZone string
	// Windows, when set, restrict runs to these daily spans.
	Windows []TimeWindow
	// JitterSeconds delays each run by up to this many seconds, the same
	// delay for the same queue and slot.
	JitterSeconds int
	// MisfireGraceSeconds is how late a run may start and still run; zero
	// means DefaultMisfireGrace.
	MisfireGraceSeconds int

	// NextRun is when the queue runs next (its slot plus jitter); nil
	// means no run is scheduled.
	NextRun *time.Time
	// NextSlot is the slot NextRun was computed from, the anchor of the
	// following interval.
	NextSlot *time.Time
	// SpecKey fingerprints the settings NextRun was computed from; when the
	// queue's settings change, the next run is computed again.
	SpecKey string
	// SeenNextRun and SeenLastRun are the queue's next_run and last_run as
	// the scheduler last saw them, which tells its own writes from a run's
	// release and from an owner's "run now".
	SeenNextRun *time.Time
	SeenLastRun *time.Time
	// LastFiredAt and LastCorrelationID identify the latest trigger the
	// scheduler published for the queue.
	LastFiredAt       *time.Time
	LastCorrelationID string
	// DeactivationAnnounced is set once the queue's deactivation has been
	// published, and cleared when the queue is active again.
	DeactivationAnnounced bool
	// Version increases with every write; writes compare it, so two
	// schedulers never both claim one slot.
	Version   int64
	UpdatedAt time.Time
}

// MisfireGrace returns the schedule's grace, DefaultMisfireGrace when unset.
func (s Schedule) MisfireGrace() time.Duration {
	if s.MisfireGraceSeconds <= 0 {
		return DefaultMisfireGrace
	}
	return time.Duration(s.MisfireGraceSeconds) * time.Second
}

// SchedulerStatus is the state of the scheduler as the API reports it.
type SchedulerStatus struct {
	// Running is true while the scheduler's loop is running.
	Running bool `json:"running"`
	// Paused is true while every scheduled run is held back; it survives
	// a restart.
	Paused bool `json:"paused"`
	// JobsCount is how many active queues have a run scheduled.
	JobsCount int `json:"jobs_count"`
	// NextDue is the earliest next run of an active queue.
	NextDue *time.Time `json:"next_due"`
}
