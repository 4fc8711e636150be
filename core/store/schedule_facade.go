package store

import (
	"context"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// The methods below serve the scheduler (core/schedule.Store).

// ScheduleQueues returns every search queue with its owner.
func (s *Store) ScheduleQueues(ctx context.Context) ([]domain.Queue, error) {
	return s.Queues().List(ctx, QueueFilter{})
}

// AdoptSchedules gives every queue without a schedule one.
func (s *Store) AdoptSchedules(ctx context.Context) (int64, error) { return s.Schedules().Adopt(ctx) }

// ListSchedules returns every schedule.
func (s *Store) ListSchedules(ctx context.Context) ([]domain.Schedule, error) {
	return s.Schedules().List(ctx)
}

// GetSchedule returns a queue's schedule.
func (s *Store) GetSchedule(ctx context.Context, queueID int64) (domain.Schedule, error) {
	return s.Schedules().Get(ctx, queueID)
}

// SaveSchedule writes a schedule if nobody changed it meanwhile.
func (s *Store) SaveSchedule(ctx context.Context, sc domain.Schedule) (domain.Schedule, error) {
	return s.Schedules().Save(ctx, sc)
}

// ScheduleRunState says whether a queue has an open run and whether a run
// carries correlationID.
func (s *Store) ScheduleRunState(ctx context.Context, queueID int64, correlationID string) (open, found bool, err error) {
	return s.Schedules().RunState(ctx, queueID, correlationID)
}

// SetQueueNextRun sets when a queue is due next.
func (s *Store) SetQueueNextRun(ctx context.Context, queueID int64, next *time.Time) error {
	return s.Queues().SetNextRun(ctx, queueID, next)
}

// FailOrphanedRuns closes runs left open by a process that died.
func (s *Store) FailOrphanedRuns(ctx context.Context, createdBefore time.Time, errMsg string) (int64, error) {
	return s.Runs().FailOrphaned(ctx, createdBefore, errMsg)
}

// SchedulerPaused reports whether the scheduler is paused.
func (s *Store) SchedulerPaused(ctx context.Context) (bool, error) { return s.Schedules().Paused(ctx) }

// SetSchedulerPaused stores the scheduler's global pause.
func (s *Store) SetSchedulerPaused(ctx context.Context, paused bool) error {
	return s.Schedules().SetPaused(ctx, paused)
}
