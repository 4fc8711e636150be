package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// NotificationSinks manages users' notification sinks: it validates their
// settings, seals their URLs and secrets, and sends test messages.
// *notify.Notifier implements it. Refused settings are errors with Path()
// and Detail() naming the body field at fault.
type NotificationSinks interface {
	List(ctx context.Context, ownerID int64) ([]domain.NotificationSink, error)
	Get(ctx context.Context, id int64) (domain.NotificationSink, error)
	Create(ctx context.Context, ownerID int64, in domain.NotificationSinkInput) (domain.NotificationSink, error)
	Update(ctx context.Context, id int64, in domain.NotificationSinkInput) (domain.NotificationSink, error)
	Delete(ctx context.Context, id int64) error
	// Test sends a test message at once; its error, when the send failed,
	// is already stripped of the URL and secret.
	Test(ctx context.Context, id int64) (domain.NotificationSink, error)
}

// notificationBody is what POST and PUT /api/notifications accept.
type notificationBody struct {
	Name string `json:"name" minLength:"1" maxLength:"100"`
	URL  string `json:"url,omitempty" maxLength:"2048" writeOnly:"true" doc:"A shoutrrr service URL (discord://…, slack://…, telegram://…, pushover://…, ntfy://…, generic://…; not gotify, mattermost or smtp, whose connections cannot be checked) or an http(s) URL for a signed webhook. Required on create, kept when omitted on update, never returned"`
	// Secret signs webhook requests.
	Secret string   `json:"secret,omitempty" maxLength:"256" writeOnly:"true" doc:"Webhook sinks: the HMAC-SHA256 key of the X-Searcharr-Signature header (16 to 256 characters). Required for a new webhook, kept when omitted, never returned"`
	Events []string `json:"events" maxItems:"20" doc:"The events to send: run_completed, run_failed, queue_deactivated, grab_found, instance_unhealthy, instance_recovered, budget_exhausted, manual_interaction_required, webhook_test"`
	// Enabled omitted means true on create and unchanged on update.
	Enabled       *bool  `json:"enabled,omitempty" doc:"Omitted: true on create, unchanged on update"`
	Template      string `json:"template,omitempty" maxLength:"16384" doc:"Webhook sinks: a Go text/template rendering the request body instead of the default JSON (fields .Event .Title .Message .Sink .At .InstanceID .Data; json encodes a value)"`
	ContentType   string `json:"content_type,omitempty" maxLength:"100" doc:"Webhook sinks: the Content-Type of the body; default application/json"`
	RatePerMinute int    `json:"rate_per_minute,omitempty" minimum:"0" maximum:"600" doc:"At most this many messages a minute, the rest folded into one summary; 0 means 10"`
}

type notificationOut struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	Kind          string     `json:"kind" doc:"webhook or shoutrrr"`
	Service       string     `json:"service" doc:"The shoutrrr service, or webhook"`
	Target        string     `json:"target" doc:"The URL's scheme only, e.g. discord://***"`
	Events        []string   `json:"events"`
	Enabled       bool       `json:"enabled"`
	Template      string     `json:"template"`
	ContentType   string     `json:"content_type"`
	RatePerMinute int        `json:"rate_per_minute"`
	HasSecret     bool       `json:"has_secret"`
	LastStatus    string     `json:"last_status" doc:"ok, failed, or empty before the first delivery"`
	LastAttemptAt *time.Time `json:"last_attempt_at"`
	LastSentAt    *time.Time `json:"last_sent_at"`
	LastError     string     `json:"last_error"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

func toNotificationOut(s domain.NotificationSink) notificationOut {
	events := make([]string, len(s.Events))
	for i, e := range s.Events {
		events[i] = string(e)
	}
	return notificationOut{
		ID: s.ID, Name: s.Name, Kind: string(s.Kind), Service: s.Service, Target: s.RedactedTarget(), Events: events,
		Enabled: s.Enabled, Template: s.Template, ContentType: s.ContentType, RatePerMinute: s.RatePerMinute,
		HasSecret: s.HasSecret, LastStatus: string(s.LastStatus), LastAttemptAt: s.LastAttemptAt, LastSentAt: s.LastSentAt,
		LastError: s.LastError, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
	}
}

func (b notificationBody) input() domain.NotificationSinkInput {
	in := domain.NotificationSinkInput{Name: b.Name, URL: domain.Secret(b.URL), Secret: domain.Secret(b.Secret),
		Enabled: b.Enabled, Template: b.Template, ContentType: b.ContentType, RatePerMinute: b.RatePerMinute}
	for _, e := range b.Events {
		in.Events = append(in.Events, domain.EventKind(e))
	}
	return in
}

type notificationInput struct{ Body notificationBody }

type notificationUpdateInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body notificationBody
}

type notificationOutput struct{ Body notificationOut }

type notificationListOutput struct{ Body []notificationOut }

type notificationTestOutput struct {
	Body struct {
		Delivered bool            `json:"delivered"`
		Error     string          `json:"error,omitempty" doc:"Why the test message was not delivered, without the URL or secret"`
		Sink      notificationOut `json:"sink"`
	}
}

// notificationRoutes registers /api/notifications when the server has a
// notifier.
func (s *Server) notificationRoutes() {
	if s.deps.Notifications == nil {
		return
	}
	handle(s, operation(http.MethodGet, "/api/notifications", "list-notifications", "notifications",
		"The user's notification sinks with their last delivery status", 0), s.listNotifications)
	op := operation(http.MethodPost, "/api/notifications", "create-notification", "notifications",
		"Add a notification sink: a shoutrrr service URL or a signed webhook", http.StatusCreated)
	op.Errors = []int{http.StatusConflict, http.StatusUnprocessableEntity}
	handle(s, op, s.createNotification)
	handle(s, operation(http.MethodGet, "/api/notifications/{id}", "get-notification", "notifications", "One notification sink", 0), s.getNotification)
	handle(s, operation(http.MethodPut, "/api/notifications/{id}", "update-notification", "notifications",
		"Replace a sink's settings; an omitted url or secret is kept", 0), s.updateNotification)
	handle(s, operation(http.MethodDelete, "/api/notifications/{id}", "delete-notification", "notifications",
		"Remove a notification sink", http.StatusNoContent), s.deleteNotification)
	handle(s, operation(http.MethodPost, "/api/notifications/{id}/test", "test-notification", "notifications",
		"Send a test message now and report whether it was delivered", 0), s.testNotification)
}

// ownedNotification loads a sink of the request's user; another user's is
// not found, exactly like a missing one.
func (s *Server) ownedNotification(ctx context.Context, id int64) (domain.NotificationSink, error) {
	n, err := s.deps.Notifications.Get(ctx, id)
	if err == nil && n.OwnerID != principalFrom(ctx).user.ID {
		err = domain.ErrNotFound
	}
	if err != nil {
		return domain.NotificationSink{}, s.fail(ctx, err, fmt.Sprintf("notification sink %d", id))
	}
	return n, nil
}

// sinkError turns a refused setting into a 422 naming the body field.
func (s *Server) sinkError(ctx context.Context, err error, subject string) error {
	var fe interface {
		Path() string
		Detail() string
	}
	if errors.As(err, &fe) {
		return fieldError("body."+fe.Path(), fe.Detail(), nil)
	}
	return s.fail(ctx, err, subject)
}

func (s *Server) listNotifications(ctx context.Context, _ *struct{}) (*notificationListOutput, error) {
	list, err := s.deps.Notifications.List(ctx, principalFrom(ctx).user.ID)
	if err != nil {
		return nil, err
	}
	out := &notificationListOutput{Body: []notificationOut{}}
	for _, n := range list {
		out.Body = append(out.Body, toNotificationOut(n))
	}
	return out, nil
}

func (s *Server) createNotification(ctx context.Context, in *notificationInput) (*notificationOutput, error) {
	n, err := s.deps.Notifications.Create(ctx, principalFrom(ctx).user.ID, in.Body.input())
	if err != nil {
		return nil, s.sinkError(ctx, err, "notification sink")
	}
	requestLogger(ctx, s.log).Info("notification sink created", "sink_id", n.ID, "service", n.Service)
	return &notificationOutput{Body: toNotificationOut(n)}, nil
}

func (s *Server) getNotification(ctx context.Context, in *idInput) (*notificationOutput, error) {
	n, err := s.ownedNotification(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &notificationOutput{Body: toNotificationOut(n)}, nil
}

func (s *Server) updateNotification(ctx context.Context, in *notificationUpdateInput) (*notificationOutput, error) {
	if _, err := s.ownedNotification(ctx, in.ID); err != nil {
		return nil, err
	}
	n, err := s.deps.Notifications.Update(ctx, in.ID, in.Body.input())
	if err != nil {
		return nil, s.sinkError(ctx, err, fmt.Sprintf("notification sink %d", in.ID))
	}
	return &notificationOutput{Body: toNotificationOut(n)}, nil
}

func (s *Server) deleteNotification(ctx context.Context, in *idInput) (*struct{}, error) {
	if _, err := s.ownedNotification(ctx, in.ID); err != nil {
		return nil, err
	}
	if err := s.deps.Notifications.Delete(ctx, in.ID); err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("notification sink %d", in.ID))
	}
	return nil, nil
}

func (s *Server) testNotification(ctx context.Context, in *idInput) (*notificationTestOutput, error) {
	if _, err := s.ownedNotification(ctx, in.ID); err != nil {
		return nil, err
	}
	n, sendErr := s.deps.Notifications.Test(ctx, in.ID)
	if n.ID == 0 {
		// The sink could not be read back: not a delivery failure.
		return nil, s.fail(ctx, sendErr, fmt.Sprintf("notification sink %d", in.ID))
	}
	out := &notificationTestOutput{}
	out.Body.Delivered = sendErr == nil
	if sendErr != nil {
		out.Body.Error = n.LastError
	}
	out.Body.Sink = toNotificationOut(n)
	return out, nil
}
