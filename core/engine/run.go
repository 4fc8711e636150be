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

// execute is the life of one run, owned by this call: claim the queue's
// lease, plan (or, for a run planned before a crash, pick up its
// commands), record, enqueue. The run ends here when nothing is to be
// sent; otherwise it ends when the dispatcher has handled its last command
// (see CommandHandled). Once the lease is claimed, every way out ends the
// run and releases the queue, except a stop of the process, which leaves
// both to the next start.
func (e *Engine) execute(ctx context.Context, run domain.Run, q domain.Queue, ev domain.TriggerEvent) error {
	if !e.begin(run.ID) {
		return nil // this process executes it already
	}
	defer e.done(run.ID)
	st := e.deps.Store
	log := e.log.With("queue_id", q.ID, "run_id", run.ID, "strategy", q.Strategy)

	if err := st.ClaimRun(ctx, q.ID, run.ID, e.claim()); err != nil {
		switch {
		case errors.Is(err, domain.ErrNotFound):
			return e.abandon(e.bookkeeping(ctx), run.ID, "queue no longer exists")
		case !errors.Is(err, domain.ErrBusy):
			return fmt.Errorf("engine: unable to lease queue %d: %w", q.ID, err)
		}
		if cur, gerr := st.GetQueue(ctx, q.ID); gerr == nil && cur.RunningRunID != nil && *cur.RunningRunID == run.ID {
			log.DebugContext(ctx, "run executed by another process")
			return nil
		}
		log.InfoContext(ctx, "queue already running; run skipped")
		return e.abandon(e.bookkeeping(ctx), run.ID, "queue is already running")
	}
	err := e.own(ctx, log, run, q, ev)
	if err == nil {
		return nil
	}
	if e.stopping() {
		log.InfoContext(ctx, "run interrupted by a stop; it resumes at the next start", "error", err)
		return nil
	}
	log.WarnContext(ctx, "run failed", "error", err)
	return e.endRun(e.bookkeeping(ctx), q, run.ID, domain.RunFailed, err.Error())
}

// own carries a claimed run to its plan and its commands. An error fails
// the run.
func (e *Engine) own(ctx context.Context, log *slog.Logger, run domain.Run, q domain.Queue, ev domain.TriggerEvent) error {
	st := e.deps.Store
	if run.PlannedAt != nil {
		log.DebugContext(ctx, "run resumed with its commands")
		e.deps.Waker.Wake(q.InstanceID)
		return e.CommandHandled(ctx, run.ID)
	}
	if run.Status == domain.RunPending {
		if err := st.StartRun(ctx, run.ID); err != nil && !errors.Is(err, domain.ErrConflict) {
			return fmt.Errorf("unable to start: %w", err)
		}
		log.InfoContext(ctx, "run started", "trigger", ev.Kind)
		e.notifyStarted(ctx, ev, q, run.ID, e.deps.Now().UTC())
	} else {
		log.InfoContext(ctx, "run planned again after an interruption", "trigger", ev.Kind)
	}
	pending, err := e.plan(ctx, log, ev, q, run.ID)
	if err != nil {
		return err
	}
	if ev.DryRun || pending == 0 {
		return e.endRun(ctx, q, run.ID, domain.RunSucceeded, "")
	}
	e.deps.Waker.Wake(q.InstanceID)
	// The dispatcher may already have handled every command while they were
	// being written; settle the run in case it did.
	return e.CommandHandled(ctx, run.ID)
}

// bookkeeping is the context of the writes that end a run after a
// failure: ctx's values, not its cancellation (it may be what failed the
// run), bounded by the engine's bookkeeping timeout.
func (e *Engine) bookkeeping(ctx context.Context) context.Context {
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.cfg.BookkeepingTimeout)
	context.AfterFunc(bctx, cancel)
	return bctx
}

// plan asks the strategy for intents, applies the policy and writes the
// results, while no other run of the instance plans: what the policy reads
// (pending commands, search history) and what the run writes are then
// never interleaved with another run's. It returns how many commands wait
// for the dispatcher.
func (e *Engine) plan(ctx context.Context, log *slog.Logger, ev domain.TriggerEvent, q domain.Queue, runID int64) (int, error) {
	var pending int
	err := e.deps.Store.WithPlanningLock(ctx, q.InstanceID, func(ctx context.Context) error {
		now := e.deps.Now().UTC()
		v, intents, err := e.decide(ctx, ev, q, now)
		if err != nil {
			return err
		}
		log.InfoContext(ctx, "plan ready", "intents", intents, "kept", len(v.kept), "considered", v.counts.ItemsConsidered)
		var cmds []domain.DispatchedCommand
		if !ev.DryRun {
			for i, in := range v.kept {
				cmds = append(cmds, domain.DispatchedCommand{
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
				})
			}
		}
		// Decisions, commands and counts are one transaction: a run is
		// either planned with all of them or not planned at all.
		if err := e.deps.Store.RecordPlan(ctx, runID, v.decisions, cmds, v.counts); err != nil {
			return fmt.Errorf("unable to record the plan: %w", err)
		}
		pending = len(cmds)
		return nil
	})
	return pending, err
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
func (e *Engine) endRun(ctx context.Context, q domain.Queue, runID int64, status domain.RunStatus, msg string) error {
	err := e.deps.Store.FinishRunWithCounts(ctx, runID, status, msg)
	if err != nil && !errors.Is(err, domain.ErrConflict) {
		return fmt.Errorf("engine: unable to finish run %d: %w", runID, err)
	}
	return e.release(ctx, q, runID, status, msg)
}

// release hands the queue back after a run ended and schedules its next run.
func (e *Engine) release(ctx context.Context, q domain.Queue, runID int64, status domain.RunStatus, msg string) error {
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
	err := e.deps.Store.ReleaseRun(ctx, q.ID, runID, res)
	switch {
	case errors.Is(err, domain.ErrConflict), errors.Is(err, domain.ErrNotFound):
		// Released already, or the queue is gone.
	case err != nil:
		return fmt.Errorf("engine: unable to release queue %d: %w", q.ID, err)
	}
	run, runErr := e.deps.Store.GetRun(ctx, runID)
	if runErr == nil && e.deps.Metrics != nil && run.StartedAt != nil && !run.DryRun {
		e.deps.Metrics.RunEnded(q.Strategy, string(status), now.Sub(*run.StartedAt))
	}
	e.notifyEnded(ctx, q, runID, status, msg, now)
	if runErr == nil {
		c := run.Counts
		e.log.InfoContext(ctx, "run ended", "queue_id", q.ID, "run_id", runID, "status", status,
			"selected", c.ItemsSelected, "commands", c.CommandsSent, "indexer_searches", c.IndexerSearches, "error", msg)
	}
	return nil
}

// CommandHandled is called by the dispatcher after each command of a run
// was sent or failed: the run's sent counters move with it, and the run
// ends with its last command. Whoever finishes the run first also releases
// its queue; a second caller finds it finished and does nothing.
func (e *Engine) CommandHandled(ctx context.Context, runID int64) error {
	st := e.deps.Store
	if err := st.CountRunSent(ctx, runID); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return nil
		}
		return fmt.Errorf("engine: unable to count what run %d sent: %w", runID, err)
	}
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
	if run.Status.Finished() || run.PlannedAt == nil {
		return nil
	}
	status, msg := domain.RunSucceeded, ""
	if stats.Sent == 0 && stats.Failed > 0 {
		status, msg = domain.RunFailed, fmt.Sprintf("all %d commands failed", stats.Failed)
	}
	// Ending the run and setting its final counts is one statement: a
	// reader never sees it ended without them, and a second caller finds
	// it ended.
	if err := st.FinishRunWithCounts(ctx, runID, status, msg); err != nil {
		if errors.Is(err, domain.ErrConflict) {
			return nil
		}
		return fmt.Errorf("engine: unable to finish run %d: %w", runID, err)
	}
	q, err := st.GetQueue(ctx, run.QueueID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("engine: unable to load queue %d: %w", run.QueueID, err)
	}
	return e.release(ctx, q, runID, status, msg)
}

// notifyStarted tells live views that a run began; dry runs stay quiet.
func (e *Engine) notifyStarted(ctx context.Context, ev domain.TriggerEvent, q domain.Queue, runID int64, at time.Time) {
	if e.deps.Publisher == nil || ev.DryRun {
		return
	}
	started := domain.RunStartedEvent{RunID: runID, QueueID: q.ID, QueueName: q.Name, InstanceID: q.InstanceID,
		OwnerID: q.OwnerID, Strategy: q.Strategy, Trigger: ev.Kind, At: at}
	if err := e.deps.Publisher.Publish(ctx, domain.TopicNotifications, domain.EventRunStarted, started); err != nil {
		e.log.WarnContext(ctx, "run start not published", "run_id", runID, "error", err)
	}
}

// notifyEnded tells notification sinks that a run ended. Dry runs stay
// quiet; a notification that cannot be published is logged, never fatal to
// the run.
func (e *Engine) notifyEnded(ctx context.Context, q domain.Queue, runID int64, status domain.RunStatus, msg string, at time.Time) {
	if e.deps.Publisher == nil {
		return
	}
	var counts domain.RunCounts
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
