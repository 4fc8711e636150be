package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vibequality/searcharr/core/domain"
)

// Schedules reads and changes when queues run, and pauses the scheduler.
// *schedule.Scheduler implements it.
type Schedules interface {
	// Schedule returns the schedule q runs by, with its kind filled in.
	Schedule(ctx context.Context, q domain.Queue) (domain.Schedule, error)
	// ValidateSchedule returns an error with Path() and Detail() naming
	// the setting at fault.
	ValidateSchedule(q domain.Queue, s domain.Schedule) error
	// NextRuns returns up to n times q would run by s from now, or an
	// error like ValidateSchedule's.
	NextRuns(q domain.Queue, s domain.Schedule, n int) ([]time.Time, error)
	// SetSchedule stores s for q and computes q's next run.
	SetSchedule(ctx context.Context, q domain.Queue, s domain.Schedule) (domain.Schedule, error)
	Pause(ctx context.Context) error
	Resume(ctx context.Context) error
	Status(ctx context.Context) (domain.SchedulerStatus, error)
}

type windowBody struct {
	Start string `json:"start" example:"22:00" doc:"HH:MM in the schedule's time zone"`
	End   string `json:"end" example:"06:00" doc:"HH:MM; an end not after the start crosses midnight"`
}

type scheduleBody struct {
	Kind            string       `json:"kind" enum:"once,interval,cron,daily,weekly" doc:"once runs one time; interval every interval_minutes; cron at a cron expression's times; daily and weekly at a wall time"`
	IntervalMinutes int          `json:"interval_minutes,omitempty" minimum:"0" doc:"interval: minutes between runs; 0 keeps the queue's interval"`
	Cron            string       `json:"cron,omitempty" example:"0 3 * * *" doc:"cron: five fields (minute hour day-of-month month day-of-week) or a descriptor (@daily, @every 90m)"`
	At              string       `json:"at,omitempty" example:"02:30" doc:"daily, weekly: HH:MM"`
	Weekdays        []int        `json:"weekdays,omitempty" doc:"weekly: days, 0 = Sunday … 6 = Saturday"`
	TimeZone        string       `json:"time_zone,omitempty" example:"Europe/Berlin" doc:"IANA time zone of at, cron and windows; empty means UTC"`
	Windows         []windowBody `json:"windows,omitempty" doc:"Daily spans outside which the queue does not run"`
	JitterSeconds   int          `json:"jitter_seconds,omitempty" doc:"Delay each run by up to this many seconds"`
	// MisfireGraceSeconds is how late a run may start.
	MisfireGraceSeconds int `json:"misfire_grace_seconds,omitempty" doc:"How late a run may start and still run; 0 means 300. A recurring queue later than that waits for its next slot"`
}

type scheduleOut struct {
	QueueID int64 `json:"queue_id"`
	scheduleBody
	NextRun     *time.Time `json:"next_run"`
	LastFiredAt *time.Time `json:"last_triggered_at"`
}

type scheduleOutput struct{ Body scheduleOut }

type scheduleInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body scheduleBody
}

type schedulerStatusOutput struct{ Body domain.SchedulerStatus }

// scheduleRoutes registers the schedule and scheduler routes when the
// server runs a scheduler.
func (s *Server) scheduleRoutes() {
	if s.deps.Schedules == nil {
		return
	}
	handle(s, operation(http.MethodGet, "/api/search-queues/{id}/schedule", "get-search-queue-schedule", "search-queues",
		"When a queue runs", 0), s.getSchedule)
	handle(s, operation(http.MethodPut, "/api/search-queues/{id}/schedule", "set-search-queue-schedule", "search-queues",
		"Change when a queue runs; its next run is computed from now", 0), s.setSchedule)
	s.scheduleCheckRoute()
	handle(s, operation(http.MethodGet, "/api/scheduler", "scheduler-status", "scheduler",
		"Whether the scheduler runs or is paused, how many queues it schedules and the next due run", 0), s.schedulerStatus)
	handle(s, operation(http.MethodPost, "/api/scheduler/pause", "pause-scheduler", "scheduler",
		"Hold every scheduled run back, across restarts (administrators)", 0), s.pauseScheduler)
	handle(s, operation(http.MethodPost, "/api/scheduler/resume", "resume-scheduler", "scheduler",
		"Let scheduled runs go again (administrators)", 0), s.resumeScheduler)
}

func toScheduleOut(sc domain.Schedule, q domain.Queue) scheduleOut {
	out := scheduleOut{QueueID: q.ID, NextRun: sc.NextRun, LastFiredAt: sc.LastFiredAt}
	b := &out.scheduleBody
	b.Kind, b.Cron, b.At, b.TimeZone = string(sc.Kind), sc.Cron, sc.At, sc.TimeZone
	b.JitterSeconds, b.MisfireGraceSeconds = sc.JitterSeconds, sc.MisfireGraceSeconds
	if sc.Kind == domain.ScheduleInterval {
		b.IntervalMinutes = q.IntervalMinutes
	}
	for _, d := range sc.Weekdays {
		b.Weekdays = append(b.Weekdays, int(d))
	}
	for _, w := range sc.Windows {
		b.Windows = append(b.Windows, windowBody(w))
	}
	return out
}

func (s *Server) getSchedule(ctx context.Context, in *idInput) (*scheduleOutput, error) {
	svc := s.deps.Schedules
	q, err := s.ownedQueue(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	sc, err := svc.Schedule(ctx, q)
	if err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("schedule of search queue %d", q.ID))
	}
	return &scheduleOutput{Body: toScheduleOut(sc, q)}, nil
}

func (s *Server) setSchedule(ctx context.Context, in *scheduleInput) (*scheduleOutput, error) {
	svc := s.deps.Schedules
	q, err := s.ownedQueue(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	want, sc := in.Body.apply(q)
	if err := svc.ValidateSchedule(want, sc); err != nil {
		return nil, scheduleProblem(err)
	}
	if want.Recurring != q.Recurring || want.IntervalMinutes != q.IntervalMinutes {
		if q, err = s.deps.Queues.Update(ctx, want); err != nil {
			return nil, s.fail(ctx, err, fmt.Sprintf("search queue %d", want.ID))
		}
	}
	saved, err := svc.SetSchedule(ctx, q, sc)
	if err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("schedule of search queue %d", q.ID))
	}
	requestLogger(ctx, s.log).Info("search queue schedule changed", "queue_id", q.ID, "kind", saved.Kind, "next_run", saved.NextRun)
	return &scheduleOutput{Body: toScheduleOut(saved, q)}, nil
}

// apply returns q as the schedule b makes it run (recurring or not, its
// interval) and the schedule itself.
func (b scheduleBody) apply(q domain.Queue) (domain.Queue, domain.Schedule) {
	kind := domain.ScheduleKind(b.Kind)
	q.Recurring = kind.Recurring()
	if kind == domain.ScheduleInterval && b.IntervalMinutes > 0 {
		q.IntervalMinutes = b.IntervalMinutes
	}
	sc := domain.Schedule{
		QueueID: q.ID, Kind: kind, Cron: b.Cron, At: b.At, TimeZone: b.TimeZone,
		JitterSeconds: b.JitterSeconds, MisfireGraceSeconds: b.MisfireGraceSeconds,
	}
	for _, d := range b.Weekdays {
		sc.Weekdays = append(sc.Weekdays, time.Weekday(d))
	}
	for _, w := range b.Windows {
		sc.Windows = append(sc.Windows, domain.TimeWindow(w))
	}
	return q, sc
}

// scheduleProblem answers a schedule the scheduler refused with a 422
// naming the setting at fault.
func scheduleProblem(err error) error {
	var fe interface {
		Path() string
		Detail() string
	}
	if errors.As(err, &fe) {
		return fieldError("body."+fe.Path(), fe.Detail(), nil)
	}
	return err
}

func (s *Server) schedulerStatus(ctx context.Context, _ *struct{}) (*schedulerStatusOutput, error) {
	svc := s.deps.Schedules
	st, err := svc.Status(ctx)
	if err != nil {
		return nil, err
	}
	return &schedulerStatusOutput{Body: st}, nil
}

func (s *Server) pauseScheduler(ctx context.Context, _ *struct{}) (*schedulerStatusOutput, error) {
	return s.switchScheduler(ctx, true)
}

func (s *Server) resumeScheduler(ctx context.Context, _ *struct{}) (*schedulerStatusOutput, error) {
	return s.switchScheduler(ctx, false)
}

// switchScheduler pauses or resumes the scheduler; it concerns every
// user's queues, so only an administrator may.
func (s *Server) switchScheduler(ctx context.Context, pause bool) (*schedulerStatusOutput, error) {
	if !principalFrom(ctx).user.IsAdmin {
		return nil, huma.Error403Forbidden("only an administrator may pause or resume the scheduler")
	}
	svc := s.deps.Schedules
	change := svc.Resume
	if pause {
		change = svc.Pause
	}
	if err := change(ctx); err != nil {
		return nil, err
	}
	requestLogger(ctx, s.log).Info("scheduler switched", "paused", pause)
	return s.schedulerStatus(ctx, nil)
}
