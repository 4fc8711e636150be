package domain

import (
	"slices"
	"time"
)

// The kinds of the events notification sinks receive that are declared
// here; the others are EventQueueDeactivated (schedule_events.go) and the
// WebhookNotification kinds (webhook_event_notify.go). All travel on
// TopicNotifications.
const (
	// EventRunCompleted reports a run that ended well, with its summary
	// (RunNotification).
	EventRunCompleted EventKind = "run_completed"
	// EventRunFailed reports a run that failed (RunNotification).
	EventRunFailed EventKind = "run_failed"
	// EventBudgetExhausted reports an instance (or budget group) that used
	// all the indexer searches its caps allow for now
	// (BudgetExhaustedEvent).
	EventBudgetExhausted EventKind = "budget_exhausted"
)

// The kinds a sink delivers that never travel on the bus.
const (
	// EventNotificationTest is the message POST /api/notifications/{id}/test
	// sends.
	EventNotificationTest EventKind = "test"
	// EventNotificationSummary folds the events a sink's rate limit held
	// back into one message.
	EventNotificationSummary EventKind = "summary"
)

// NotificationEvents lists, in a stable order, every event kind a sink may
// subscribe to.
var NotificationEvents = []EventKind{
	EventRunCompleted, EventRunFailed, EventQueueDeactivated, EventGrabFound,
	EventInstanceUnhealthy, EventInstanceRecovered, EventBudgetExhausted,
	EventManualInteraction, EventWebhookTest,
}

// IsNotificationEvent reports whether a sink may subscribe to k.
func IsNotificationEvent(k EventKind) bool { return slices.Contains(NotificationEvents, k) }

// RunNotification is the payload of EventRunCompleted and EventRunFailed:
// what one run did.
type RunNotification struct {
	RunID      int64       `json:"run_id"`
	QueueID    int64       `json:"queue_id"`
	QueueName  string      `json:"queue_name"`
	InstanceID int64       `json:"instance_id"`
	OwnerID    int64       `json:"owner_id"`
	Strategy   string      `json:"strategy,omitempty"`
	Status     RunStatus   `json:"status"`
	Error      string      `json:"error,omitempty"`
	Considered int         `json:"considered"`
	Selected   int         `json:"selected"`
	Searched   int         `json:"searched"`
	Commands   int         `json:"commands"`
	Indexer    int         `json:"indexer_searches"`
	Found      int         `json:"found"`
	Skipped    SkipCounts  `json:"skipped"`
	Trigger    TriggerKind `json:"trigger,omitempty"`
	At         time.Time   `json:"at"`
}

// NewRunNotification summarises a run of q that ended with status.
func NewRunNotification(q Queue, runID int64, status RunStatus, errMsg string, c RunCounts, at time.Time) RunNotification {
	return RunNotification{
		RunID: runID, QueueID: q.ID, QueueName: q.Name, InstanceID: q.InstanceID, OwnerID: q.OwnerID,
		Strategy: q.Strategy, Status: status, Error: errMsg,
		Considered: c.ItemsConsidered, Selected: c.ItemsSelected, Searched: c.ItemsSearched,
		Commands: c.CommandsSent, Indexer: c.IndexerSearches, Found: c.ItemsFound, Skipped: c.Skipped,
		At: at.UTC(),
	}
}

// Kind is EventRunFailed for a failed run and EventRunCompleted otherwise.
func (n RunNotification) Kind() EventKind {
	if n.Status == RunFailed {
		return EventRunFailed
	}
	return EventRunCompleted
}

// BudgetExhaustedEvent is the payload of EventBudgetExhausted.
type BudgetExhaustedEvent struct {
	InstanceID int64 `json:"instance_id"`
	// OwnerID may be zero: the notifier then looks the instance's owner up.
	OwnerID     int64  `json:"owner_id,omitempty"`
	BudgetGroup string `json:"budget_group,omitempty"`
	// Window is the cap that was reached: "hourly" or "daily".
	Window string `json:"window"`
	Limit  int    `json:"limit"`
	Used   int    `json:"used"`
	// ResetsAt is when searches may go again, when known.
	ResetsAt *time.Time `json:"resets_at,omitempty"`
	At       time.Time  `json:"at"`
}

// NotificationSinkKind says how a sink delivers.
type NotificationSinkKind string

// The sink kinds.
const (
	// SinkWebhook posts signed JSON (or a custom templated payload) to an
	// http(s) URL.
	SinkWebhook NotificationSinkKind = "webhook"
	// SinkShoutrrr sends through a shoutrrr service URL (discord://,
	// slack://, ntfy://, generic://, …).
	SinkShoutrrr NotificationSinkKind = "shoutrrr"
)

// DeliveryStatus is the outcome of a sink's last delivery attempt.
type DeliveryStatus string

// The delivery outcomes; "" means nothing was sent yet.
const (
	DeliveryOK     DeliveryStatus = "ok"
	DeliveryFailed DeliveryStatus = "failed"
)

// NotificationSink is a user's notification destination. Its URL and
// signing secret are sealed at rest and never part of this struct; they
// come back only through NotificationTarget.
type NotificationSink struct {
	ID      int64
	OwnerID int64
	Name    string
	Kind    NotificationSinkKind
	// Service is the shoutrrr service (its URL scheme, e.g. "discord") or
	// "webhook"; with Kind it is all a response tells of the URL.
	Service string
	Events  []EventKind
	Enabled bool
	// Template, for webhook sinks, renders the request body instead of
	// the default JSON envelope.
	Template string
	// ContentType is the webhook's Content-Type; empty means
	// application/json.
	ContentType string
	// RatePerMinute caps the messages sent to the sink per minute; the
	// events past it are folded into one summary.
	RatePerMinute int
	HasSecret     bool

	LastStatus    DeliveryStatus
	LastAttemptAt *time.Time
	LastSentAt    *time.Time
	// LastError is the last failure, with no URL or secret in it.
	LastError string

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Wants reports whether the sink is enabled and subscribed to k.
func (s NotificationSink) Wants(k EventKind) bool {
	return s.Enabled && slices.Contains(s.Events, k)
}

// RedactedTarget is how a sink's URL is shown: its scheme only, such as
// "discord://***".
func (s NotificationSink) RedactedTarget() string {
	if s.Service == "" {
		return "***"
	}
	return s.Service + "://***"
}

// NotificationTarget is a sink's decrypted URL and signing secret, for the
// code that delivers.
type NotificationTarget struct {
	URL    Secret
	Secret Secret
}

// NotificationDelivery is the outcome of one delivery to a sink.
type NotificationDelivery struct {
	At time.Time
	OK bool
	// Error is the failure, already stripped of URLs and secrets.
	Error string
}

// NotificationSinkInput is what a user sends to create or change a sink.
// On a change, an empty URL keeps the stored one and an empty Secret keeps
// the stored secret while the sink stays a webhook.
type NotificationSinkInput struct {
	Name string
	// URL is a shoutrrr service URL (discord://…, ntfy://…) or an http(s)
	// URL, which makes a signed webhook sink.
	URL    Secret
	Secret Secret
	Events []EventKind
	// Enabled is nil for "keep" on a change and "enabled" on creation.
	Enabled       *bool
	Template      string
	ContentType   string
	RatePerMinute int
}
