package schedule

import (
	"context"
	"errors"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// recover closes what no process resumed. The engines of running
// processes take over a run whose lease expired within a minute, so a
// lease still expired an OrphanAge later (before createdBefore) is one no
// engine will take: it is released as a failed run with
// InterruptedMessage, keeping the queue's next run. Then open runs created
// before createdBefore that hold no live lease are closed with the same
// message.
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
		if q.LeaseUntil != nil && q.LeaseUntil.After(createdBefore) {
			continue // live, or recently expired and the engines' to take over
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
