package store

import (
	"context"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// This file gives the store the flat methods the engine and the dispatcher
// declare in their Store interfaces, over the repositories.

func (s *Store) GetQueue(ctx context.Context, id int64) (domain.Queue, error) {
	return s.Queues().Get(ctx, id)
}

func (s *Store) ListQueuesByInstance(ctx context.Context, instanceID int64) ([]domain.Queue, error) {
	return s.Queues().List(ctx, QueueFilter{InstanceID: instanceID})
}

func (s *Store) GetInstance(ctx context.Context, id int64) (domain.Instance, error) {
	return s.Instances().Get(ctx, id)
}

func (s *Store) CreateRun(ctx context.Context, run domain.Run) (domain.Run, error) {
	return s.Runs().Create(ctx, run)
}

func (s *Store) GetRun(ctx context.Context, id int64) (domain.Run, error) {
	return s.Runs().Get(ctx, id)
}

func (s *Store) StartRun(ctx context.Context, id int64) error { return s.Runs().Start(ctx, id) }

func (s *Store) AddRunCounts(ctx context.Context, id int64, delta domain.RunCounts) error {
	return s.Runs().AddCounts(ctx, id, delta)
}

func (s *Store) FinishRun(ctx context.Context, id int64, status domain.RunStatus, errMsg string) error {
	return s.Runs().Finish(ctx, id, status, errMsg)
}

func (s *Store) AddRunItems(ctx context.Context, runID int64, items []domain.RunItem) error {
	return s.RunItems().Insert(ctx, runID, items)
}

func (s *Store) AcquireRun(ctx context.Context, queueID, runID int64, leaseUntil time.Time) error {
	return s.Queues().AcquireRun(ctx, queueID, runID, leaseUntil)
}

func (s *Store) ReleaseRun(ctx context.Context, queueID, runID int64, res domain.QueueRunResult) error {
	_, err := s.Queues().ReleaseRun(ctx, queueID, runID, res)
	return err
}

func (s *Store) RunCommandStats(ctx context.Context, runID int64) (domain.RunCommandStats, error) {
	return s.Commands().RunStats(ctx, runID)
}

func (s *Store) GetItemStates(ctx context.Context, instanceID int64, keys []domain.ItemKey) (map[domain.ItemKey]domain.ItemState, error) {
	return s.ItemStates().Get(ctx, instanceID, keys)
}

func (s *Store) InstancesWithPendingCommands(ctx context.Context) ([]int64, error) {
	return s.Commands().PendingInstances(ctx)
}

func (s *Store) RecordDispatch(ctx context.Context, recs ...domain.DispatchRecord) error {
	return s.Commands().RecordDispatch(ctx, recs...)
}

func (s *Store) CooldownFor(ctx context.Context, queueID int64) (time.Duration, error) {
	if queueID == 0 {
		return 0, nil
	}
	q, err := s.Queues().Get(ctx, queueID)
	if err != nil {
		return 0, err
	}
	if q.CooldownMode == domain.CooldownAdaptive {
		// The engine holds each item to its own adaptive window, counted
		// from its last search; the stored cooldown is the shortest one.
		return domain.AdaptiveCooldownMin, nil
	}
	return time.Duration(q.CooldownHours) * time.Hour, nil
}

func (s *Store) FairPendingCommands(ctx context.Context, instanceID, afterQueue int64, limit int) ([]domain.PendingCommand, error) {
	return s.Commands().FairPending(ctx, instanceID, afterQueue, limit)
}

func (s *Store) MarkCommandsAttempted(ctx context.Context, ids []int64, at time.Time) error {
	return s.Commands().MarkAttempted(ctx, ids, at)
}

func (s *Store) CountedSends(ctx context.Context, instanceIDs []int64, since time.Time, exclude []int64) ([]domain.CountedSend, error) {
	return s.Commands().CountedSends(ctx, instanceIDs, since, exclude)
}

func (s *Store) ExpirePendingCommands(ctx context.Context, instanceID int64, before time.Time, reason string, at time.Time) ([]domain.DispatchedCommand, error) {
	return s.Commands().ExpirePending(ctx, instanceID, before, reason, at)
}

func (s *Store) CountPendingCommands(ctx context.Context, instanceID int64) (int, error) {
	return s.Commands().CountPending(ctx, instanceID)
}

func (s *Store) SentCommands(ctx context.Context, instanceID int64) ([]domain.DispatchedCommand, error) {
	return s.Commands().ListByStatus(ctx, instanceID, domain.CommandSent)
}

func (s *Store) EndCommand(ctx context.Context, id int64, status domain.CommandStatus, reason string, at time.Time) error {
	return s.Commands().MarkEnded(ctx, id, status, reason, at)
}

func (s *Store) NoteCommandError(ctx context.Context, id int64, msg string) error {
	return s.Commands().NoteError(ctx, id, msg)
}

func (s *Store) CountedCost(ctx context.Context, instanceIDs []int64, since time.Time, exclude []int64) (int, error) {
	return s.Commands().CountedCost(ctx, instanceIDs, since, exclude)
}

func (s *Store) ClaimRun(ctx context.Context, queueID, runID int64, c domain.RunClaim) error {
	return s.Queues().ClaimRun(ctx, queueID, runID, c)
}

func (s *Store) OpenRuns(ctx context.Context) ([]domain.Run, error) { return s.Runs().Open(ctx) }

func (s *Store) FindRunByCorrelation(ctx context.Context, queueID int64, correlationID string) (domain.Run, error) {
	return s.Runs().FindByCorrelation(ctx, queueID, correlationID)
}

func (s *Store) RecordPlan(ctx context.Context, runID int64, items []domain.RunItem, cmds []domain.DispatchedCommand, counts domain.RunCounts) error {
	return s.Runs().RecordPlan(ctx, runID, items, cmds, counts)
}

func (s *Store) CountRunSent(ctx context.Context, id int64) error { return s.Runs().CountSent(ctx, id) }
