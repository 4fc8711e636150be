package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/sdk"
)

// runQueue runs one queue for one trigger: lease, plan, policy, record,
// enqueue. The run ends here when nothing is to be sent; otherwise it ends
// when the dispatcher has handled its last command (see CommandHandled).
func (e *Engine) runQueue(ctx context.Context, ev domain.TriggerEvent, q domain.Queue) error {
	st := e.deps.Store
	now := e.deps.Now().UTC()
	runID := ev.RunID
	if runID == 0 || ev.QueueID == 0 {
		run, err := st.CreateRun(ctx, domain.Run{
			QueueID: q.ID, QueueName: q.Name, InstanceID: q.InstanceID, Strategy: q.Strategy,
			Trigger: ev.Kind, CorrelationID: domain.CorrelationID(ctx), DryRun: ev.DryRun,
			Status: domain.RunPending, CreatedAt: now,
		})
		if err != nil {
			return fmt.Errorf("engine: unable to open a run for queue %d: %w", q.ID, err)
		}
		runID = run.ID
	}
	log := e.log.With("queue_id", q.ID, "run_id", runID, "strategy", q.Strategy)

	if err := st.AcquireRun(ctx, q.ID, runID, now.Add(e.cfg.Lease)); err != nil {
		if errors.Is(err, domain.ErrBusy) {
			log.InfoContext(ctx, "queue already running; run skipped")
			return e.finishRun(ctx, runID, domain.RunFailed, "queue is already running")
		}
		return fmt.Errorf("engine: unable to lease queue %d: %w", q.ID, err)
	}
	if err := st.StartRun(ctx, runID); err != nil {
		return fmt.Errorf("engine: unable to start run %d: %w", runID, err)
	}
	log.InfoContext(ctx, "run started", "trigger", ev.Kind)

	counts, pending, err := e.plan(ctx, log, ev, q, runID)
	if err != nil {
		log.WarnContext(ctx, "run failed", "error", err)
		return e.endRun(ctx, q, runID, domain.RunFailed, err.Error(), counts)
	}
	if ev.DryRun || pending == 0 {
		return e.endRun(ctx, q, runID, domain.RunSucceeded, "", counts)
	}
	e.deps.Waker.Wake(q.InstanceID)
	// The dispatcher may already have handled every command while they were
	// being written; settle the run in case it did.
	return e.CommandHandled(ctx, runID)
}

// plan asks the strategy for intents, applies the policy and writes the
// results. It returns the run's counts and how many commands wait for the
// dispatcher.
func (e *Engine) plan(ctx context.Context, log *slog.Logger, ev domain.TriggerEvent, q domain.Queue, runID int64) (domain.RunCounts, int, error) {
	now := e.deps.Now().UTC()
	v, intents, err := e.decide(ctx, ev, q, now)
	if err != nil {
		return v.counts, 0, err
	}
	counts := v.counts
	if err := e.deps.Store.AddRunItems(ctx, runID, v.decisions); err != nil {
		return counts, 0, fmt.Errorf("unable to record decisions: %w", err)
	}
	log.InfoContext(ctx, "plan ready", "intents", intents, "kept", len(v.kept), "considered", counts.ItemsConsidered)
	if ev.DryRun {
		return counts, 0, e.deps.Store.AddRunCounts(ctx, runID, counts)
	}
	for i, in := range v.kept {
		if _, err := e.deps.Store.InsertPendingCommand(ctx, domain.DispatchedCommand{
			IdempotencyKey: fmt.Sprintf("run:%d:intent:%d", runID, i),
			RunID:          runID,
			QueueID:        q.ID,
			InstanceID:     q.InstanceID,
			Name:           in.command.Name,
			Body:           in.body,
			Cost:           in.command.Cost(),
			Items:          in.items,
			Status:         domain.CommandPending,
			CreatedAt:      now,
		}); err != nil {
			return counts, 0, fmt.Errorf("unable to queue command: %w", err)
		}
	}
	// The selected count is written last: a run whose selected count is
	// still zero is one whose commands are not all written yet.
	if err := e.deps.Store.AddRunCounts(ctx, runID, counts); err != nil {
		return counts, 0, fmt.Errorf("unable to record counts: %w", err)
	}
	return counts, len(v.kept), nil
}

// decide asks the queue's strategy for a plan and applies the policy to it,
// writing nothing. It returns the verdict and how many intents the strategy
// proposed.
func (e *Engine) decide(ctx context.Context, ev domain.TriggerEvent, q domain.Queue, now time.Time) (verdict, int, error) {
	inst, err := e.deps.Store.GetInstance(ctx, q.InstanceID)
	if err != nil {
		return verdict{}, 0, fmt.Errorf("instance %d: %w", q.InstanceID, err)
	}
	lib, err := e.deps.Libraries.Library(ctx, inst)
	if err != nil {
		return verdict{}, 0, fmt.Errorf("library of instance %q: %w", inst.Name, err)
	}
	b := e.budget(q)
	var (
		rec     *recorder
		planLib sdk.Library
	)
	if lib != nil {
		rec = newRecorder(lib)
		rec.cooldowns = e.cooldowns(q, rec, now, ev.OverrideCooldown)
		planLib = rec
	}
	trigger := sdk.Trigger{Kind: sdk.TriggerKind(ev.Kind), ID: domain.CorrelationID(ctx), At: ev.At, Event: ev.Event, DryRun: ev.DryRun}
	for _, k := range ev.Items {
		trigger.Items = append(trigger.Items, keyToSDK(k))
	}
	plan, err := e.deps.Planner.Plan(ctx, q.Strategy, sdk.PlanRequest{
		Trigger:  trigger,
		Instance: sdk.Instance{ID: inst.ID, Name: inst.Name, Kind: sdk.InstanceKind(inst.Kind)},
		Config:   q.Config,
		Budget:   sdk.Budget{MaxCost: b.searches},
		Now:      now,
		Library:  planLib,
	})
	if err != nil {
		return verdict{}, 0, err
	}
	var keys []domain.ItemKey
	for _, in := range plan.Intents {
		for _, k := range in.Items {
			keys = append(keys, keyFromSDK(k))
		}
	}
	f, err := e.gather(ctx, q, lib, rec, keys, now, ev.OverrideCooldown)
	if err != nil {
		return verdict{}, 0, err
	}
	v, err := e.applyPolicy(f, plan, b)
	nameDecisions(rec, v.decisions)
	return v, len(plan.Intents), err
}

// budget is what one run of q may send: MaxItemsPerRun items (the engine's
// default when unset) and MaxSearchesPerRun indexer searches (the item
// budget when unset).
func (e *Engine) budget(q domain.Queue) budget {
	b := budget{items: q.MaxItemsPerRun, searches: q.MaxSearchesPerRun}
	if b.items <= 0 {
		b.items = e.cfg.DefaultBudget
	}
	if b.searches <= 0 {
		b.searches = b.items
	}
	return b
}

// endRun finishes a run and releases its queue.
func (e *Engine) endRun(ctx context.Context, q domain.Queue, runID int64, status domain.RunStatus, msg string, counts domain.RunCounts) error {
	if err := e.finishRun(ctx, runID, status, msg); err != nil {
		return err
	}
	return e.release(ctx, q, runID, status, msg, counts)
}

// release hands the queue back after a run ended and schedules its next run.
func (e *Engine) release(ctx context.Context, q domain.Queue, runID int64, status domain.RunStatus, msg string, counts domain.RunCounts) error {
	now := e.deps.Now().UTC()
	res := domain.QueueRunResult{
		Succeeded:       status == domain.RunSucceeded,
		Error:           msg,
		FinishedAt:      now,
		DeactivateAfter: e.cfg.DeactivateAfter,
	}
	// The scheduler owns the queue's timing: a next run it already set (a
	// cron or daily slot, say) stays. Only a recurring queue without a
	// future next run gets one an interval from now.
	if fresh, err := e.deps.Store.GetQueue(ctx, q.ID); err == nil {
		q.NextRun = fresh.NextRun
	}
	switch {
	case q.NextRun != nil && q.NextRun.After(now):
		res.NextRun = q.NextRun
	case q.Recurring && q.IntervalMinutes > 0:
		next := now.Add(time.Duration(q.IntervalMinutes) * time.Minute)
		res.NextRun = &next
	}
	if err := e.deps.Store.ReleaseRun(ctx, q.ID, runID, res); err != nil {
		return fmt.Errorf("engine: unable to release queue %d: %w", q.ID, err)
	}
	run, runErr := e.deps.Store.GetRun(ctx, runID)
	if runErr == nil && e.deps.Metrics != nil && run.StartedAt != nil && !run.DryRun {
		e.deps.Metrics.RunEnded(q.Strategy, string(status), now.Sub(*run.StartedAt))
	}
	e.notifyEnded(ctx, q, runID, status, msg, counts, now)
	e.log.InfoContext(ctx, "run ended", "queue_id", q.ID, "run_id", runID, "status", status,
		"selected", counts.ItemsSelected, "commands", counts.CommandsSent, "indexer_searches", counts.IndexerSearches, "error", msg)
	return nil
}

// CommandHandled is called by the dispatcher after each command of a run
// was sent or failed; the run ends with its last command. Whoever finishes
// the run first also counts it and releases its queue; a second caller finds
// it finished and does nothing.
func (e *Engine) CommandHandled(ctx context.Context, runID int64) error {
	st := e.deps.Store
	stats, err := st.RunCommandStats(ctx, runID)
	if err != nil {
		return fmt.Errorf("engine: unable to count commands of run %d: %w", runID, err)
	}
	if stats.Pending > 0 {
		return nil
	}
	run, err := st.GetRun(ctx, runID)
	if err != nil {
		return fmt.Errorf("engine: unable to load run %d: %w", runID, err)
	}
	if run.Status.Finished() || run.Counts.ItemsSelected == 0 {
		return nil
	}
	status, msg := domain.RunSucceeded, ""
	if stats.Sent == 0 && stats.Failed > 0 {
		status, msg = domain.RunFailed, fmt.Sprintf("all %d commands failed", stats.Failed)
	}
	searched, err := st.RunSearchedItems(ctx, runID)
	if err != nil {
		return fmt.Errorf("engine: unable to count searched items of run %d: %w", runID, err)
	}
	// Ending the run and adding its final counts is one statement: a
	// reader never sees it ended without them, and a second caller finds
	// it ended and adds nothing.
	final := domain.RunCounts{CommandsSent: stats.Sent, IndexerSearches: stats.IndexerSearches, ItemsSearched: searched}
	if err := st.FinishRunWithCounts(ctx, runID, status, msg, final); err != nil {
		if errors.Is(err, domain.ErrConflict) {
			return nil
		}
		return fmt.Errorf("engine: unable to finish run %d: %w", runID, err)
	}
	counts := run.Counts
	counts.CommandsSent, counts.IndexerSearches, counts.ItemsSearched = stats.Sent, stats.IndexerSearches, searched
	q, err := st.GetQueue(ctx, run.QueueID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("engine: unable to load queue %d: %w", run.QueueID, err)
	}
	return e.release(ctx, q, runID, status, msg, counts)
}

// notifyEnded tells notification sinks that a run ended. Dry runs stay
// quiet; a notification that cannot be published is logged, never fatal to
// the run.
func (e *Engine) notifyEnded(ctx context.Context, q domain.Queue, runID int64, status domain.RunStatus, msg string, counts domain.RunCounts, at time.Time) {
	if e.deps.Publisher == nil {
		return
	}
	if run, err := e.deps.Store.GetRun(ctx, runID); err == nil {
		if run.DryRun {
			return
		}
		counts = run.Counts
	}
	n := domain.NewRunNotification(q, runID, status, msg, counts, at)
	if err := e.deps.Publisher.Publish(ctx, domain.TopicNotifications, n.Kind(), n); err != nil {
		e.log.WarnContext(ctx, "run notification not published", "run_id", runID, "error", err)
	}
}
