package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/vibequality/searcharr/core/domain"
)

// PreviewOptions tune a preview.
type PreviewOptions struct {
	// OverrideCooldown previews a manual start that searches items still
	// resting from an earlier search.
	OverrideCooldown bool
}

// Preview plans a run of the queue without sending anything: the strategy
// plans, the policy decides, and the run is recorded as a dry run with its
// decisions, which Preview returns. It does not take the queue's run lease,
// so a preview works while the queue runs; the queue's schedule and results
// are untouched.
func (e *Engine) Preview(ctx context.Context, queueID int64, opts PreviewOptions) (domain.Run, []domain.RunItem, error) {
	st := e.deps.Store
	q, err := st.GetQueue(ctx, queueID)
	if err != nil {
		return domain.Run{}, nil, fmt.Errorf("engine: unable to load queue %d: %w", queueID, err)
	}
	now := e.deps.Now().UTC()
	run, err := st.CreateRun(ctx, domain.Run{
		QueueID: q.ID, QueueName: q.Name, InstanceID: q.InstanceID, Strategy: q.Strategy,
		Trigger: domain.TriggerAPI, CorrelationID: domain.CorrelationID(ctx), DryRun: true,
		Status: domain.RunRunning, CreatedAt: now,
	})
	if err != nil {
		return domain.Run{}, nil, fmt.Errorf("engine: unable to open a preview of queue %d: %w", q.ID, err)
	}
	ev := domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: q.ID, InstanceID: q.InstanceID, DryRun: true, OverrideCooldown: opts.OverrideCooldown, At: now}
	v, _, planErr := e.decide(ctx, ev, q, now)
	if planErr == nil {
		if err := st.AddRunItems(ctx, run.ID, v.decisions); err != nil {
			planErr = fmt.Errorf("unable to record decisions: %w", err)
		} else if err := st.AddRunCounts(ctx, run.ID, v.counts); err != nil {
			planErr = fmt.Errorf("unable to record counts: %w", err)
		}
	}
	status, msg := domain.RunSucceeded, ""
	if planErr != nil {
		status, msg = domain.RunFailed, planErr.Error()
	}
	if err := st.FinishRun(ctx, run.ID, status, msg); err != nil {
		return domain.Run{}, nil, fmt.Errorf("engine: unable to finish preview run %d: %w", run.ID, err)
	}
	if run, err = st.GetRun(ctx, run.ID); err != nil {
		return domain.Run{}, nil, fmt.Errorf("engine: unable to load preview run: %w", err)
	}
	if planErr != nil {
		return run, nil, errors.Join(fmt.Errorf("engine: preview of queue %d failed", q.ID), planErr)
	}
	items, err := st.ListRunItems(ctx, run.ID)
	if err != nil {
		return run, nil, fmt.Errorf("engine: unable to read preview decisions: %w", err)
	}
	return run, items, nil
}
