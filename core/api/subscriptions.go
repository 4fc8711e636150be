package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/webhook/condition"
)

// QueueSubscriptions stores which webhook events make a queue run.
// *store.Queues implements it, so the Queues dependency provides it.
type QueueSubscriptions interface {
	Subscriptions(ctx context.Context, queueID int64) ([]domain.QueueSubscription, error)
	SetSubscriptions(ctx context.Context, queueID int64, subs []domain.QueueSubscription) ([]domain.QueueSubscription, error)
}

// maxSubscriptions bounds the subscriptions of one queue.
const maxSubscriptions = 50

type subscriptionBody struct {
	EventType string `json:"event_type" enum:"Test,Grab,Download,Rename,SeriesAdd,SeriesDelete,EpisodeFileDelete,MovieAdded,MovieDelete,MovieFileDelete,Health,HealthRestored,ApplicationUpdate,ManualInteractionRequired" doc:"The Sonarr/Radarr webhook eventType"`
	Condition string `json:"condition,omitempty" maxLength:"1024" doc:"An expr-lang condition on the payload, which it sees as event, e.g. event.deleteReason == \"missingFromDisk\"; empty matches every event of the type"`
}

type subscriptionsBody struct {
	Subscriptions []subscriptionBody `json:"subscriptions" maxItems:"50" doc:"Each matching event runs the queue for the items it names (a deleted file's episode, an added movie, ...)"`
}

type subscriptionsInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body subscriptionsBody
}

type subscriptionsOutput struct {
	Body struct {
		QueueID       int64              `json:"queue_id"`
		Subscriptions []subscriptionBody `json:"subscriptions"`
	}
}

func (s *Server) subscriptionRoutes() {
	handle(s, operation(http.MethodGet, "/api/search-queues/{id}/subscriptions", "get-search-queue-subscriptions", "search-queues",
		"The webhook events that make a queue run", 0), s.getSubscriptions)
	op := operation(http.MethodPut, "/api/search-queues/{id}/subscriptions", "set-search-queue-subscriptions", "search-queues",
		"Replace the webhook events that make a queue run, each with an optional condition", 0)
	op.Description = "A queue subscribed to an event type runs when its instance sends that webhook and the condition " +
		"holds, and searches just the items the event names. Conditions are checked when saved; an error names " +
		"the subscription and the line and column at fault."
	op.Errors = []int{http.StatusNotFound, http.StatusUnprocessableEntity}
	handle(s, op, s.setSubscriptions)
}

func (s *Server) subscriptionStore() (QueueSubscriptions, error) {
	subs, ok := s.deps.Queues.(QueueSubscriptions)
	if !ok {
		return nil, huma.Error501NotImplemented("queue subscriptions are not available")
	}
	return subs, nil
}

func (s *Server) getSubscriptions(ctx context.Context, in *idInput) (*subscriptionsOutput, error) {
	q, err := s.ownedQueue(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	store, err := s.subscriptionStore()
	if err != nil {
		return nil, err
	}
	list, err := store.Subscriptions(ctx, q.ID)
	if err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("search queue %d", q.ID))
	}
	return subscriptionsAnswer(q.ID, list), nil
}

func (s *Server) setSubscriptions(ctx context.Context, in *subscriptionsInput) (*subscriptionsOutput, error) {
	q, err := s.ownedQueue(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	store, err := s.subscriptionStore()
	if err != nil {
		return nil, err
	}
	subs, err := checkSubscriptions(in.Body.Subscriptions)
	if err != nil {
		return nil, err
	}
	list, err := store.SetSubscriptions(ctx, q.ID, subs)
	if err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("search queue %d", q.ID))
	}
	requestLogger(ctx, s.log).Info("queue subscriptions set", "queue_id", q.ID, "count", len(list))
	return subscriptionsAnswer(q.ID, list), nil
}

// checkSubscriptions validates every subscription and reports each fault
// with its place in the body.
func checkSubscriptions(in []subscriptionBody) ([]domain.QueueSubscription, error) {
	if len(in) > maxSubscriptions {
		return nil, fieldError("body.subscriptions", fmt.Sprintf("at most %d subscriptions allowed", maxSubscriptions), len(in))
	}
	var details []error
	out := make([]domain.QueueSubscription, 0, len(in))
	for i, b := range in {
		t := domain.WebhookEventType(b.EventType)
		if !t.Known() {
			details = append(details, &huma.ErrorDetail{Location: fmt.Sprintf("body.subscriptions[%d].event_type", i),
				Message: "unknown webhook event type", Value: b.EventType})
		}
		if b.Condition != "" {
			if _, err := condition.Compile(b.Condition); err != nil {
				var ce *condition.Error
				msg := err.Error()
				if errors.As(err, &ce) {
					msg = ce.Error()
				}
				details = append(details, &huma.ErrorDetail{Location: fmt.Sprintf("body.subscriptions[%d].condition", i),
					Message: "invalid condition: " + msg})
			}
		}
		out = append(out, domain.QueueSubscription{EventType: t, Condition: b.Condition})
	}
	if len(details) > 0 {
		return nil, huma.Error422UnprocessableEntity("validation failed", details...)
	}
	return out, nil
}

func subscriptionsAnswer(queueID int64, list []domain.QueueSubscription) *subscriptionsOutput {
	out := &subscriptionsOutput{}
	out.Body.QueueID = queueID
	out.Body.Subscriptions = make([]subscriptionBody, len(list))
	for i, sub := range list {
		out.Body.Subscriptions[i] = subscriptionBody{EventType: string(sub.EventType), Condition: sub.Condition}
	}
	return out
}
