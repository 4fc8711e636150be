package schedule

import (
	"context"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// sync follows what changed on the queue since the last pass:
//   - its settings changed (interval, recurring): the next run is computed
//     again from now;
//   - its next_run was written by a run's release (its last_run moved
//     too): the scheduler's own next run stands;
//   - its next_run was written by its owner (created, resumed, made
//     recurring, "run now"): that time becomes the next run;
//   - a recurring active queue without a next run gets one.
//
// The result is mirrored into the queue's next_run.
func (s *Scheduler) sync(ctx context.Context, q domain.Queue, sc domain.Schedule, sp spec, now time.Time) (domain.Schedule, error) {
	orig := sc
	switch {
	case sc.SpecKey == "":
		sc.SpecKey = sp.key // adopted: its stored next run stands
	case sc.SpecKey != sp.key:
		sc.SpecKey = sp.key
		if sp.kind.Recurring() {
			slot, next, err := sp.next(q.ID, now, nil)
			if err == nil {
				sc.NextRun, sc.NextSlot = &next, &slot
			}
		}
	}
	if !sameTime(q.NextRun, sc.SeenNextRun) {
		if sameTime(q.LastRun, sc.SeenLastRun) {
			sc.NextRun, sc.NextSlot = q.NextRun, q.NextRun
		}
		sc.SeenNextRun = q.NextRun
	}
	sc.SeenLastRun = q.LastRun
	if sc.NextRun == nil && sp.kind.Recurring() && q.IsActive {
		if slot, next, err := sp.next(q.ID, now, nil); err == nil {
			sc.NextRun, sc.NextSlot = &next, &slot
		}
	}
	if !sameSchedule(orig, sc) {
		saved, err := s.deps.Store.SaveSchedule(ctx, sc)
		if err != nil {
			return orig, err
		}
		sc = saved
	}
	return s.mirror(ctx, q, sc)
}

// mirror copies the schedule's next run into the queue's next_run, which
// the API shows, and records that it did.
func (s *Scheduler) mirror(ctx context.Context, q domain.Queue, sc domain.Schedule) (domain.Schedule, error) {
	if sameTime(sc.NextRun, q.NextRun) && sameTime(sc.SeenNextRun, q.NextRun) {
		return sc, nil
	}
	if !sameTime(sc.NextRun, q.NextRun) {
		if err := s.deps.Store.SetQueueNextRun(ctx, q.ID, sc.NextRun); err != nil {
			return sc, err
		}
	}
	sc.SeenNextRun = sc.NextRun
	return s.deps.Store.SaveSchedule(ctx, sc)
}

// announce publishes a queue's deactivation once, and forgets it when the
// queue is active again.
func (s *Scheduler) announce(ctx context.Context, q domain.Queue, sc domain.Schedule, now time.Time) (domain.Schedule, error) {
	deactivated := !q.IsActive && q.Status == domain.QueueDeactivated
	switch {
	case deactivated && !sc.DeactivationAnnounced:
		sc.DeactivationAnnounced = true
		saved, err := s.deps.Store.SaveSchedule(ctx, sc)
		if err != nil {
			return sc, err
		}
		ev := domain.QueueDeactivatedEvent{
			QueueID: q.ID, QueueName: q.Name, InstanceID: q.InstanceID, OwnerID: q.OwnerID,
			Reason: q.StatusReason, ConsecutiveFailures: q.ConsecutiveFailures, At: now.UTC(),
		}
		cctx := domain.WithCorrelationID(ctx, "schedule-"+newID())
		if err := s.deps.Publisher.Publish(cctx, domain.TopicNotifications, domain.EventQueueDeactivated, ev); err != nil {
			saved.DeactivationAnnounced = false
			if back, berr := s.deps.Store.SaveSchedule(context.WithoutCancel(ctx), saved); berr == nil {
				saved = back
			}
			return saved, err
		}
		s.log.Warn("queue deactivated", "queue_id", q.ID, "reason", q.StatusReason)
		return saved, nil
	case q.IsActive && sc.DeactivationAnnounced:
		sc.DeactivationAnnounced = false
		return s.deps.Store.SaveSchedule(ctx, sc)
	}
	return sc, nil
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// sameSchedule compares what sync may change.
func sameSchedule(a, b domain.Schedule) bool {
	return a.SpecKey == b.SpecKey && sameTime(a.NextRun, b.NextRun) && sameTime(a.NextSlot, b.NextSlot) &&
		sameTime(a.SeenNextRun, b.SeenNextRun) && sameTime(a.SeenLastRun, b.SeenLastRun)
}
