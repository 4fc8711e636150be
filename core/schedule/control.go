package schedule

import (
	"context"
	"errors"
	"fmt"

	"github.com/vibequality/searcharr/core/domain"
)

// Pause holds every scheduled run back until Resume, across restarts.
// Runs already started finish; API starts and webhooks still run.
func (s *Scheduler) Pause(ctx context.Context) error {
	if err := s.deps.Store.SetSchedulerPaused(ctx, true); err != nil {
		return err
	}
	s.log.Info("scheduler paused")
	return nil
}

// Resume lets scheduled runs go again. Slots missed while paused follow
// the misfire rules: within the grace they run, otherwise recurring queues
// move to their next slot.
func (s *Scheduler) Resume(ctx context.Context) error {
	if err := s.deps.Store.SetSchedulerPaused(ctx, false); err != nil {
		return err
	}
	s.log.Info("scheduler resumed")
	s.Wake()
	return nil
}

// Status returns the scheduler's state.
func (s *Scheduler) Status(ctx context.Context) (domain.SchedulerStatus, error) {
	paused, err := s.deps.Store.SchedulerPaused(ctx)
	if err != nil {
		return domain.SchedulerStatus{}, err
	}
	s.mu.Lock()
	next := s.nextDue
	s.mu.Unlock()
	return domain.SchedulerStatus{Running: s.Running(), Paused: paused, JobsCount: s.JobsCount(), NextDue: next}, nil
}

// Schedule returns the schedule q runs by, with Kind filled in (a queue
// the scheduler has not seen yet gets the schedule its columns imply).
func (s *Scheduler) Schedule(ctx context.Context, q domain.Queue) (domain.Schedule, error) {
	sc, err := s.deps.Store.GetSchedule(ctx, q.ID)
	if errors.Is(err, domain.ErrNotFound) {
		sc, err = domain.Schedule{QueueID: q.ID, NextRun: q.NextRun}, nil
	}
	if err != nil {
		return domain.Schedule{}, err
	}
	sc.Kind = effectiveKind(q, sc)
	return sc, nil
}

// ValidateSchedule checks settings for q (with q's Recurring and
// IntervalMinutes as they will be stored) and returns a *FieldError naming
// the setting at fault.
func (s *Scheduler) ValidateSchedule(q domain.Queue, in domain.Schedule) error {
	return Validate(q, in)
}

// SetSchedule stores q's schedule settings from in (kind, cron, at,
// weekdays, time zone, windows, jitter, grace) and computes its next run
// from now. q must already carry the Recurring and IntervalMinutes the
// kind needs. It changes nothing when the settings are not valid.
func (s *Scheduler) SetSchedule(ctx context.Context, q domain.Queue, in domain.Schedule) (domain.Schedule, error) {
	sp, err := compile(q, in)
	if err != nil {
		return domain.Schedule{}, err
	}
	for range 5 {
		cur, err := s.deps.Store.GetSchedule(ctx, q.ID)
		if errors.Is(err, domain.ErrNotFound) {
			cur, err = domain.Schedule{QueueID: q.ID, SeenNextRun: q.NextRun, SeenLastRun: q.LastRun}, nil
		}
		if err != nil {
			return domain.Schedule{}, err
		}
		next := cur
		next.Kind, next.Cron, next.At, next.Weekdays = in.Kind, in.Cron, in.At, in.Weekdays
		next.TimeZone, next.Windows = in.TimeZone, in.Windows
		next.JitterSeconds, next.MisfireGraceSeconds = in.JitterSeconds, in.MisfireGraceSeconds
		next.SpecKey = sp.key
		if sp.kind.Recurring() {
			now := s.deps.Clock.Now()
			slot, run, err := sp.next(q.ID, now, nil)
			if err != nil {
				return domain.Schedule{}, fmt.Errorf("schedule: queue %d: %w", q.ID, err)
			}
			next.NextRun, next.NextSlot = &run, &slot
		}
		saved, err := s.deps.Store.SaveSchedule(ctx, next)
		if errors.Is(err, domain.ErrConflict) {
			continue
		}
		if err != nil {
			return domain.Schedule{}, err
		}
		if saved, err = s.mirror(ctx, q, saved); err != nil && !errors.Is(err, domain.ErrConflict) {
			return domain.Schedule{}, err
		}
		s.Wake()
		saved.Kind = effectiveKind(q, saved)
		return saved, nil
	}
	return domain.Schedule{}, fmt.Errorf("schedule: queue %d: the schedule kept changing: %w", q.ID, domain.ErrConflict)
}
