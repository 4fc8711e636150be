package domain

import "time"

// The kinds of WebhookNotification, published on TopicNotifications.
const (
	// EventWebhookTest reports the arr's Test webhook arrived.
	EventWebhookTest EventKind = "webhook_test"
	// EventManualInteraction reports a download the arr cannot import
	// without the user.
	EventManualInteraction EventKind = "manual_interaction_required"
	// EventInstanceUnhealthy reports failing indexers: the instance's
	// dispatch is paused.
	EventInstanceUnhealthy EventKind = "instance_unhealthy"
	// EventInstanceRecovered reports the indexers work again: dispatch
	// resumed.
	EventInstanceRecovered EventKind = "instance_recovered"
	// EventGrabFound reports searched items grabbed afterwards.
	EventGrabFound EventKind = "grab_found"
)

// WebhookNotification is what a webhook or an outcome tells notification
// sinks about an instance.
type WebhookNotification struct {
	InstanceID int64            `json:"instance_id"`
	EventType  WebhookEventType `json:"event_type,omitempty"`
	// Title names what the event is about: a series and its episodes, a
	// movie, a health check.
	Title string `json:"title,omitempty"`
	// Message is the arr's own text (a health message, a download status).
	Message string    `json:"message,omitempty"`
	Level   string    `json:"level,omitempty"`
	Items   []ItemKey `json:"items,omitempty"`
	// RunIDs are the runs whose searches the items were matched to.
	RunIDs []int64   `json:"run_ids,omitempty"`
	At     time.Time `json:"at"`
}
