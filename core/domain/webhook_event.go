package domain

import "time"

// TopicWebhooks carries WebhookDeliveryEvent: a stored webhook delivery to
// process.
const TopicWebhooks Topic = "webhooks"

// EventWebhookDelivery is the kind of WebhookDeliveryEvent.
const EventWebhookDelivery EventKind = "webhook_delivery"

// WebhookDeliveryEvent points at a delivery of the webhook inbox. The
// delivery itself, payload included, stays in the database: the message
// only says which one to process, so processing it twice is harmless.
type WebhookDeliveryEvent struct {
	DeliveryID int64     `json:"delivery_id"`
	InstanceID int64     `json:"instance_id"`
	EventType  string    `json:"event_type"`
	At         time.Time `json:"at"`
}

// WebhookEventType is the eventType of a Sonarr/Radarr webhook payload, in
// the apps' own PascalCase spelling.
type WebhookEventType string

// The webhook event types of Sonarr and Radarr. Types not listed here are
// stored and acknowledged but not acted on.
const (
	HookTest                      WebhookEventType = "Test"
	HookGrab                      WebhookEventType = "Grab"
	HookDownload                  WebhookEventType = "Download"
	HookRename                    WebhookEventType = "Rename"
	HookSeriesAdd                 WebhookEventType = "SeriesAdd"
	HookSeriesDelete              WebhookEventType = "SeriesDelete"
	HookEpisodeFileDelete         WebhookEventType = "EpisodeFileDelete"
	HookMovieAdded                WebhookEventType = "MovieAdded"
	HookMovieDelete               WebhookEventType = "MovieDelete"
	HookMovieFileDelete           WebhookEventType = "MovieFileDelete"
	HookHealth                    WebhookEventType = "Health"
	HookHealthRestored            WebhookEventType = "HealthRestored"
	HookApplicationUpdate         WebhookEventType = "ApplicationUpdate"
	HookManualInteractionRequired WebhookEventType = "ManualInteractionRequired"
)

// WebhookEventTypes lists every known event type of either app.
var WebhookEventTypes = []WebhookEventType{
	HookTest, HookGrab, HookDownload, HookRename, HookSeriesAdd, HookSeriesDelete, HookEpisodeFileDelete,
	HookMovieAdded, HookMovieDelete, HookMovieFileDelete, HookHealth, HookHealthRestored,
	HookApplicationUpdate, HookManualInteractionRequired,
}

// Known reports whether t is an event type of Sonarr or Radarr.
func (t WebhookEventType) Known() bool {
	for _, k := range WebhookEventTypes {
		if k == t {
			return true
		}
	}
	return false
}
