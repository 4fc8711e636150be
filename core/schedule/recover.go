package schedule

import (
	"context"
	"errors"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// recover closes what no process resumed. Expired queue leases are
// released as failed runs with InterruptedMessage, keeping each queue's
// next run; then open runs created before createdBefore that hold no live
// lease are closed with the same message.
func (s *Scheduler) recover(ctx context.Context, now, createdBefore time.Time) error {
	st := s.deps.Store
	queues, err := st.ScheduleQueues(ctx)
	if err != nil {
		return err
	}
	released := 0
	for _, q := range queues {
		if q.RunningRunID == nil {
			continue
		}
		if q.LeaseUntil != nil && q.LeaseUntil.After(now) {
			continue // a live run on another replica
		}
		err := st.ReleaseRun(ctx, q.ID, *q.RunningRunID, domain.QueueRunResult{
			Error: InterruptedMessage, FinishedAt: now, NextRun: q.NextRun,
		})
		if errors.Is(err, domain.ErrConflict) || errors.Is(err, domain.ErrNotFound) {
			continue // released meanwhile
		}
		if err != nil {
			return err
		}
		released++
	}
	closed, err := st.FailOrphanedRuns(ctx, createdBefore, InterruptedMessage)
	if err != nil {
		return err
	}
	if released > 0 || closed > 0 {
		s.log.Warn("interrupted runs closed", "queues_released", released, "runs_closed", closed)
	}
	return nil
}
