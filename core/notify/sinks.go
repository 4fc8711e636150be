package notify

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ThreeDotsLabs/watermill"

	"github.com/vibequality/searcharr/core/domain"
)

// FieldError is a sink setting refused: Field names it as the API's body
// does ("url", "events", "template", …).
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return "notify: " + e.Field + " " + e.Message }

// Path returns the setting at fault.
func (e *FieldError) Path() string { return e.Field }

// Detail returns what is wrong with it.
func (e *FieldError) Detail() string { return e.Field + " " + e.Message }

// Unwrap makes a FieldError match domain.ErrInvalid.
func (e *FieldError) Unwrap() error { return domain.ErrInvalid }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Limits of a sink's settings.
const (
	maxNameLen    = 100
	maxURLLen     = 2048
	minSecretLen  = 16
	maxSecretLen  = 256
	maxRatePerMin = 600
)

// List returns a user's sinks.
func (n *Notifier) List(ctx context.Context, ownerID int64) ([]domain.NotificationSink, error) {
	return n.deps.Sinks.ListByOwner(ctx, ownerID)
}

// Get returns one sink.
func (n *Notifier) Get(ctx context.Context, id int64) (domain.NotificationSink, error) {
	return n.deps.Sinks.Get(ctx, id)
}

// Delete removes a sink; messages waiting for it are dropped.
func (n *Notifier) Delete(ctx context.Context, id int64) error {
	return n.deps.Sinks.Delete(ctx, id)
}

// Create validates and stores a new sink of ownerID. A refused setting is
// a *FieldError.
func (n *Notifier) Create(ctx context.Context, ownerID int64, in domain.NotificationSinkInput) (domain.NotificationSink, error) {
	sink := domain.NotificationSink{OwnerID: ownerID, Enabled: true}
	if in.URL.IsZero() {
		return domain.NotificationSink{}, fieldErr("url", "is required")
	}
	target, err := n.apply(ctx, &sink, domain.NotificationTarget{}, in)
	if err != nil {
		return domain.NotificationSink{}, err
	}
	return n.deps.Sinks.Create(ctx, sink, target)
}

// Update validates and stores new settings for sink id. An empty URL keeps
// the stored one; an empty secret keeps the stored one while the sink
// stays a webhook.
func (n *Notifier) Update(ctx context.Context, id int64, in domain.NotificationSinkInput) (domain.NotificationSink, error) {
	sink, err := n.deps.Sinks.Get(ctx, id)
	if err != nil {
		return domain.NotificationSink{}, err
	}
	old, err := n.deps.Sinks.Target(ctx, id)
	if err != nil {
		return domain.NotificationSink{}, err
	}
	target, err := n.apply(ctx, &sink, old, in)
	if err != nil {
		return domain.NotificationSink{}, err
	}
	if target != old {
		if err := n.deps.Sinks.SetTarget(ctx, id, target); err != nil {
			return domain.NotificationSink{}, err
		}
	}
	return n.deps.Sinks.Update(ctx, sink)
}

// apply validates in and writes it over sink, returning the target to
// store. Nothing is written to the store.
func (n *Notifier) apply(ctx context.Context, sink *domain.NotificationSink, old domain.NotificationTarget, in domain.NotificationSinkInput) (domain.NotificationTarget, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > maxNameLen {
		return old, fieldErr("name", "must be 1 to %d characters", maxNameLen)
	}
	target := old
	kind, service := sink.Kind, sink.Service
	if !in.URL.IsZero() {
		raw := strings.TrimSpace(in.URL.Reveal())
		var err error
		if kind, service, err = n.checkURL(raw); err != nil {
			return old, fieldErr("url", "%s", err.Error())
		}
		target.URL = domain.Secret(raw)
	}
	if kind == domain.SinkWebhook {
		switch {
		case !in.Secret.IsZero():
			s := in.Secret.Reveal()
			if len(s) < minSecretLen || len(s) > maxSecretLen {
				return old, fieldErr("secret", "must be %d to %d characters", minSecretLen, maxSecretLen)
			}
			target.Secret = in.Secret
		case sink.Kind != domain.SinkWebhook || target.Secret.IsZero():
			return old, fieldErr("secret", "is required for a webhook sink: the receiver checks the %s header with it", HeaderSignature)
		}
	} else {
		if !in.Secret.IsZero() {
			return old, fieldErr("secret", "is only for webhook sinks (an http or https URL); a %s URL carries its own credentials", service)
		}
		if in.Template != "" {
			return old, fieldErr("template", "is only for webhook sinks; %s formats its own messages", service)
		}
		if in.ContentType != "" {
			return old, fieldErr("content_type", "is only for webhook sinks")
		}
		target.Secret = ""
	}
	events, err := checkEvents(in.Events)
	if err != nil {
		return old, err
	}
	if in.RatePerMinute < 0 || in.RatePerMinute > maxRatePerMin {
		return old, fieldErr("rate_per_minute", "must be 0 (the default, %d) to %d", n.cfg.RatePerMinute, maxRatePerMin)
	}
	if in.ContentType != "" {
		if _, _, err := mime.ParseMediaType(in.ContentType); err != nil || len(in.ContentType) > 100 {
			return old, fieldErr("content_type", "must be a media type such as application/json")
		}
	}
	if in.Template != "" {
		if err := n.checkTemplate(ctx, in.Template); err != nil {
			return old, err
		}
	}
	sink.Name, sink.Kind, sink.Service, sink.Events = name, kind, service, events
	sink.Template, sink.ContentType, sink.RatePerMinute = in.Template, in.ContentType, in.RatePerMinute
	if in.Enabled != nil {
		sink.Enabled = *in.Enabled
	}
	return target, nil
}

// checkURL decides a sink's kind from its URL: http and https make a
// webhook, anything else must be a shoutrrr service URL.
func (n *Notifier) checkURL(raw string) (domain.NotificationSinkKind, string, error) {
	if raw == "" || len(raw) > maxURLLen {
		return "", "", fmt.Errorf("must be 1 to %d characters", maxURLLen)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "", "", errors.New("must be a shoutrrr service URL (discord://, slack://, ntfy://, …) or an http(s) URL for a webhook")
	}
	if err := n.checkHost(u.Hostname()); err != nil {
		return "", "", err
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", "", errors.New("must name a host")
		}
		return domain.SinkWebhook, "webhook", nil
	}
	if err := checkShoutrrrURL(raw); err != nil {
		return "", "", err
	}
	scheme := serviceScheme(u)
	if i := strings.Index(strings.ToLower(u.Scheme), "+"); i >= 0 {
		if inner, err := url.Parse(raw[i+1:]); err == nil {
			if err := n.checkHost(inner.Hostname()); err != nil {
				return "", "", err
			}
		}
	}
	return domain.SinkShoutrrr, scheme, nil
}

func checkEvents(in []domain.EventKind) ([]domain.EventKind, error) {
	if len(in) == 0 {
		return nil, fieldErr("events", "must name at least one event: %s", joinKinds(domain.NotificationEvents))
	}
	var out []domain.EventKind
	for _, k := range in {
		if !domain.IsNotificationEvent(k) {
			return nil, fieldErr("events", "has an unknown event %q; known events: %s", k, joinKinds(domain.NotificationEvents))
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

func joinKinds(ks []domain.EventKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// checkTemplate parses a custom payload template and tries it on a sample
// event, within the execution limits.
func (n *Notifier) checkTemplate(ctx context.Context, src string) error {
	t, err := parseTemplate(src)
	if err != nil {
		return fieldErr("template", "%s", err.Error())
	}
	sample := sampleMessage()
	if _, err := render(ctx, t, templateData(domain.NotificationSink{Name: "sample"}, sample), n.cfg.TemplateMaxBytes, n.cfg.TemplateTimeout); err != nil {
		return fieldErr("template", "fails on a sample run_completed event: %s", err.Error())
	}
	return nil
}

// Test sends a test message to sink id at once, one attempt, and returns
// the sink with the outcome recorded. The returned error, when the send
// failed, is sanitised and safe to show.
func (n *Notifier) Test(ctx context.Context, id int64) (domain.NotificationSink, error) {
	sink, err := n.deps.Sinks.Get(ctx, id)
	if err != nil {
		return domain.NotificationSink{}, err
	}
	m := testMessage(sink, n.deps.Now().UTC())
	m.ID = watermill.NewUUID()
	sendErr := n.deliverAttempts(ctx, sink, m, 1)
	updated, err := n.deps.Sinks.Get(ctx, id)
	if err != nil {
		return domain.NotificationSink{}, err
	}
	return updated, sendErr
}
