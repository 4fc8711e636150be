package sdk

import "time"

// TriggerKind says what started a run.
type TriggerKind string

// The trigger kinds.
const (
	// TriggerSchedule is a run started by a queue's schedule.
	TriggerSchedule TriggerKind = "schedule"
	// TriggerWebhook is a run started by a Sonarr/Radarr webhook event.
	TriggerWebhook TriggerKind = "webhook"
	// TriggerAPI is a run started by a user through the API ("start now").
	TriggerAPI TriggerKind = "api"
)

// Trigger describes what started a run.
type Trigger struct {
	Kind TriggerKind
	// ID is the trigger's correlation id; it appears in the host's logs.
	ID string
	// At is when the trigger happened.
	At time.Time
	// Event is the webhook event type ("Grab", "Download", "SeriesAdd", ...)
	// for webhook triggers.
	Event string
	// Items are the items a webhook event concerns, if any.
	Items []ItemKey
	// DryRun is true when the run only previews: nothing will be sent.
	DryRun bool
}

// InstanceKind names the application behind an instance.
type InstanceKind string

// The instance kinds.
const (
	Sonarr InstanceKind = "sonarr"
	Radarr InstanceKind = "radarr"
)

// Instance identifies the Sonarr or Radarr instance a run searches. Its URL
// and API key stay in the host and never reach a plugin.
type Instance struct {
	ID   int64
	Name string
	Kind InstanceKind
}
