package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vibequality/searcharr/core/domain"
)

type previewInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body *struct {
		OverrideCooldown bool `json:"override_cooldown,omitempty" doc:"Plan as if no item were resting from an earlier search"`
	} `required:"false"`
}

type previewOutput struct {
	Body struct {
		Run       runOut       `json:"run" doc:"The dry run, recorded in the history with dry_run true"`
		Decisions []runItemOut `json:"decisions" doc:"Every item considered: kept (would be searched, with its command) or dropped, with the reason"`
		Summary   struct {
			Kept    int            `json:"kept"`
			Dropped int            `json:"dropped"`
			ByCode  map[string]int `json:"by_reason_code"`
		} `json:"summary"`
	}
}

type cloneInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body *struct {
		Name string `json:"name,omitempty" minLength:"1" maxLength:"100" doc:"The new queue's name; default: the original's with \" (copy)\""`
	} `required:"false"`
}

func (s *Server) queuePreviewRoutes() {
	op := operation(http.MethodPost, "/api/search-queues/{id}/preview", "preview-search-queue", "search-queues",
		"Dry run: what the queue would search now and why, with nothing sent to Sonarr/Radarr", 0)
	op.Errors = []int{http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable}
	handle(s, op, s.previewQueue)
	op = operation(http.MethodPost, "/api/search-queues/{id}/clone", "clone-search-queue", "search-queues",
		"Copy a queue's settings into a new, paused queue", http.StatusCreated)
	op.Errors = []int{http.StatusNotFound, http.StatusConflict}
	handle(s, op, s.cloneQueue)
}

func (s *Server) previewQueue(ctx context.Context, in *previewInput) (*previewOutput, error) {
	q, err := s.ownedQueue(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if s.deps.Previewer == nil {
		return nil, huma.Error503ServiceUnavailable("previews are not available on this server")
	}
	opts := PreviewOptions{OverrideCooldown: in.Body != nil && in.Body.OverrideCooldown}
	run, items, err := s.deps.Previewer.Preview(ctx, q.ID, opts)
	if err != nil {
		if errors.Is(err, domain.ErrNotFound) || errors.Is(err, domain.ErrBusy) || errors.Is(err, domain.ErrConflict) ||
			errors.Is(err, domain.ErrInvalid) {
			return nil, s.fail(ctx, err, fmt.Sprintf("search queue %d", q.ID))
		}
		requestLogger(ctx, s.log).Warn("preview failed", "queue_id", q.ID, "error", err)
		return nil, huma.Error503ServiceUnavailable(fmt.Sprintf("the preview of search queue %d failed; see its run in the history", q.ID))
	}
	out := &previewOutput{}
	b := &out.Body
	b.Run = toRunOut(run)
	b.Decisions = make([]runItemOut, len(items))
	b.Summary.ByCode = map[string]int{}
	for i, it := range items {
		b.Decisions[i] = toRunItemOut(it, domain.ItemOutcome{})
		if it.Decision == domain.DecisionKept {
			b.Summary.Kept++
		} else {
			b.Summary.Dropped++
		}
		if it.ReasonCode != "" {
			b.Summary.ByCode[string(it.ReasonCode)]++
		}
	}
	requestLogger(ctx, s.log).Info("search queue previewed", "queue_id", q.ID, "run_id", run.ID,
		"kept", b.Summary.Kept, "dropped", b.Summary.Dropped, "override_cooldown", opts.OverrideCooldown)
	return out, nil
}

// copyName is "name (copy)", cut to the 100 characters a name may hold.
func copyName(name string) string {
	const suffix = " (copy)"
	for utf8.RuneCountInString(name)+len(suffix) > 100 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return strings.TrimSpace(name) + suffix
}

func (s *Server) cloneQueue(ctx context.Context, in *cloneInput) (*queueOutput, error) {
	q, err := s.ownedQueue(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	name := copyName(q.Name)
	if in.Body != nil && strings.TrimSpace(in.Body.Name) != "" {
		name = strings.TrimSpace(in.Body.Name)
	}
	// Every setting is copied, whatever fields a queue gains; the state is
	// not. A copy waits, paused, until its owner has adjusted and resumed
	// it: two identical queues would search the same items twice.
	clone := q
	clone.ID, clone.Name, clone.Config = 0, name, append([]byte(nil), q.Config...)
	clone.IsActive, clone.Status, clone.StatusReason = false, domain.QueuePaused, ""
	clone.NextRun, clone.LastRun, clone.LastError, clone.ConsecutiveFailures = nil, nil, "", 0
	clone.RunningRunID, clone.LeaseUntil = nil, nil
	created, err := s.deps.Queues.Create(ctx, clone)
	if errors.Is(err, domain.ErrConflict) {
		return nil, huma.Error409Conflict("name already used",
			&huma.ErrorDetail{Location: "body.name", Message: "another queue of this instance has this name", Value: name})
	}
	if err != nil {
		return nil, err
	}
	requestLogger(ctx, s.log).Info("search queue cloned", "queue_id", q.ID, "clone_id", created.ID)
	return &queueOutput{Body: toQueueOut(created)}, nil
}
