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

// startInput takes an optional body.
type startInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body *struct {
		OverrideCooldown bool `json:"override_cooldown,omitempty" doc:"Search items even while they rest from an earlier search"`
	} `required:"false"`
}

type startOutput struct {
	Body struct {
		RunID   int64  `json:"run_id"`
		QueueID int64  `json:"queue_id"`
		Status  string `json:"status" example:"pending"`
	}
}

type runSummary struct {
	ID        int64      `json:"id"`
	Status    string     `json:"status"`
	Trigger   string     `json:"trigger"`
	Error     string     `json:"error,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	StartedAt *time.Time `json:"started_at"`
	EndedAt   *time.Time `json:"ended_at"`
}

type queueStatusOutput struct {
	Body struct {
		QueueID             int64       `json:"queue_id"`
		Status              string      `json:"status"`
		StatusReason        string      `json:"status_reason,omitempty"`
		IsActive            bool        `json:"is_active"`
		Running             bool        `json:"running"`
		NextRun             *time.Time  `json:"next_run"`
		LastRun             *time.Time  `json:"last_run"`
		LastError           string      `json:"last_error,omitempty"`
		ConsecutiveFailures int         `json:"consecutive_failures"`
		LatestRun           *runSummary `json:"latest_run"`
	}
}

func (s *Server) queueControlRoutes() {
	op := operation(http.MethodPost, "/api/search-queues/{id}/start", "start-search-queue", "search-queues",
		"Run a queue now: the run is created and handed to the engine. A start while a one-time queue's run is pending or running joins that run", http.StatusAccepted)
	op.Errors = []int{http.StatusNotFound, http.StatusConflict}
	handle(s, op, s.startQueue)
	handle(s, operation(http.MethodPost, "/api/search-queues/{id}/pause", "pause-search-queue", "search-queues", "Pause a queue", 0), s.pauseQueue)
	handle(s, operation(http.MethodPost, "/api/search-queues/{id}/resume", "resume-search-queue", "search-queues",
		"Resume a paused or deactivated queue; its failure count is cleared", 0), s.resumeQueue)
	handle(s, operation(http.MethodGet, "/api/search-queues/{id}/status", "search-queue-status", "search-queues",
		"A queue's state and its latest run", 0), s.queueStatus)
	s.queuePreviewRoutes()
}

// leaseHeld reports whether a run holds the queue now.
func leaseHeld(q domain.Queue, now time.Time) bool {
	return q.RunningRunID != nil && q.LeaseUntil != nil && q.LeaseUntil.After(now)
}

func (s *Server) startQueue(ctx context.Context, in *startInput) (*startOutput, error) {
	q, err := s.ownedQueue(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if open, err := s.openRun(ctx, q, now); err != nil || open != 0 {
		if err != nil {
			return nil, err
		}
		return s.joinRun(ctx, q, open)
	}
	correlation := "api-" + infoFrom(ctx).id
	ev := domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: q.ID, InstanceID: q.InstanceID, At: now,
		OverrideCooldown: in.Body != nil && in.Body.OverrideCooldown}
	origin := ev
	// The run is created holding the queue's lease: two starts at once
	// never open two runs.
	run, holder, err := s.deps.Runs.CreateLeased(ctx, domain.Run{
		QueueID: q.ID, QueueName: q.Name, InstanceID: q.InstanceID, Strategy: q.Strategy,
		Trigger: domain.TriggerAPI, CorrelationID: correlation, Status: domain.RunPending, CreatedAt: now,
		Origin: &origin,
	}, now.Add(domain.DefaultRunLease))
	if errors.Is(err, domain.ErrBusy) && holder != 0 {
		return s.joinRun(ctx, q, holder)
	}
	if err != nil {
		return nil, err
	}
	ev.RunID = run.ID
	if err := s.deps.Publisher.Publish(domain.WithCorrelationID(ctx, correlation), domain.TopicTriggers, domain.EventTrigger, ev); err != nil {
		requestLogger(ctx, s.log).Error("unable to publish trigger", "queue_id", q.ID, "run_id", run.ID, "error", err)
		// An ended run holds its queue no more.
		if ferr := s.deps.Runs.Finish(context.WithoutCancel(ctx), run.ID, domain.RunFailed, "the trigger could not be published"); ferr != nil {
			requestLogger(ctx, s.log).Error("unable to fail unpublished run", "run_id", run.ID, "error", ferr)
		}
		return nil, huma.Error503ServiceUnavailable("the run could not be handed to the engine; try again")
	}
	requestLogger(ctx, s.log).Info("search queue started", "queue_id", q.ID, "run_id", run.ID, "correlation_id", correlation,
		"override_cooldown", ev.OverrideCooldown)
	out := &startOutput{}
	out.Body.RunID, out.Body.QueueID, out.Body.Status = run.ID, q.ID, string(run.Status)
	return out, nil
}

// openRun returns the run that holds q or waits to start, zero when none
// does.
func (s *Server) openRun(ctx context.Context, q domain.Queue, now time.Time) (int64, error) {
	if leaseHeld(q, now) {
		run, err := s.deps.Runs.Get(ctx, *q.RunningRunID)
		if err == nil && !run.Status.Finished() {
			return run.ID, nil
		}
	}
	pending, err := s.deps.Runs.List(ctx, domain.RunFilter{OwnerID: q.OwnerID, QueueID: q.ID, Status: domain.RunPending, Limit: 1})
	if err != nil || len(pending) == 0 {
		return 0, err
	}
	return pending[0].ID, nil
}

// joinRun answers a start while run runID of q is pending or running: a
// one-time queue runs once, so the start joins that run; a recurring queue
// answers 409.
func (s *Server) joinRun(ctx context.Context, q domain.Queue, runID int64) (*startOutput, error) {
	run, err := s.deps.Runs.Get(ctx, runID)
	if err != nil {
		return nil, err
	}
	if q.Recurring || run.Status.Finished() {
		if run.Status == domain.RunPending {
			return nil, huma.Error409Conflict(fmt.Sprintf("search queue %d already has a run waiting to start (run %d)", q.ID, run.ID))
		}
		return nil, huma.Error409Conflict(fmt.Sprintf("search queue %d is already running (run %d)", q.ID, run.ID))
	}
	requestLogger(ctx, s.log).Info("start joined the open run of a one-time queue", "queue_id", q.ID, "run_id", run.ID)
	out := &startOutput{}
	out.Body.RunID, out.Body.QueueID, out.Body.Status = run.ID, q.ID, string(run.Status)
	return out, nil
}

func (s *Server) pauseQueue(ctx context.Context, in *idInput) (*queueOutput, error) {
	if _, err := s.ownedQueue(ctx, in.ID); err != nil {
		return nil, err
	}
	q, err := s.deps.Queues.Pause(ctx, in.ID)
	if err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("search queue %d", in.ID))
	}
	return &queueOutput{Body: toQueueOut(q)}, nil
}

func (s *Server) resumeQueue(ctx context.Context, in *idInput) (*queueOutput, error) {
	q, err := s.ownedQueue(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	var next *time.Time
	if now := s.now().UTC(); q.Recurring && (q.NextRun == nil || q.NextRun.Before(now)) {
		next = &now
	}
	q, err = s.deps.Queues.Resume(ctx, in.ID, next)
	if err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("search queue %d", in.ID))
	}
	return &queueOutput{Body: toQueueOut(q)}, nil
}

func (s *Server) queueStatus(ctx context.Context, in *idInput) (*queueStatusOutput, error) {
	q, err := s.ownedQueue(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	runs, err := s.deps.Runs.List(ctx, domain.RunFilter{OwnerID: q.OwnerID, QueueID: q.ID, Limit: 1})
	if err != nil {
		return nil, err
	}
	out := &queueStatusOutput{}
	b := &out.Body
	b.QueueID, b.Status, b.StatusReason, b.IsActive = q.ID, string(q.Status), q.StatusReason, q.IsActive
	if leaseHeld(q, s.now()) {
		// An ended run holds its queue no more, whatever its lease says.
		run, err := s.deps.Runs.Get(ctx, *q.RunningRunID)
		b.Running = err == nil && !run.Status.Finished()
	}
	b.NextRun, b.LastRun, b.LastError, b.ConsecutiveFailures = q.NextRun, q.LastRun, q.LastError, q.ConsecutiveFailures
	if len(runs) > 0 {
		r := runs[0]
		b.LatestRun = &runSummary{ID: r.ID, Status: string(r.Status), Trigger: string(r.Trigger), Error: r.Error,
			CreatedAt: r.CreatedAt, StartedAt: r.StartedAt, EndedAt: r.EndedAt}
	}
	return out, nil
}
