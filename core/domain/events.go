package domain

import (
	"context"
	"time"
)

// Topic is a Watermill topic name.
type Topic string

// The topics events travel on.
const (
	// TopicTriggers carries TriggerEvent: a queue should run.
	TopicTriggers Topic = "triggers"
	// TopicDispatched carries DispatchedEvent: a command reached an arr.
	TopicDispatched Topic = "dispatched"
	// TopicNotifications carries events for notification sinks.
	TopicNotifications Topic = "notifications"
	// TopicPoison receives messages whose handler kept failing.
	TopicPoison Topic = "poison"
)

// Metadata keys set on every message.
const (
	// MetaCorrelationID follows a trigger through every message it causes.
	MetaCorrelationID = "correlation_id"
	// MetaEventKind names the payload type.
	MetaEventKind = "event_kind"
)

// EventKind names a message's payload type.
type EventKind string

// The event kinds.
const (
	EventTrigger    EventKind = "trigger"
	EventDispatched EventKind = "dispatched"
	EventRunEnded   EventKind = "run_ended"
)

// TriggerKind says what started a run.
type TriggerKind string

// The trigger kinds; they match the SDK's.
const (
	TriggerSchedule TriggerKind = "schedule"
	TriggerWebhook  TriggerKind = "webhook"
	TriggerAPI      TriggerKind = "api"
)

// Valid reports whether k is a known trigger kind.
func (k TriggerKind) Valid() bool {
	return k == TriggerSchedule || k == TriggerWebhook || k == TriggerAPI
}

// TriggerEvent asks the engine to run a queue, or every queue of an
// instance that handles the trigger when QueueID is zero.
type TriggerEvent struct {
	Kind       TriggerKind `json:"kind"`
	QueueID    int64       `json:"queue_id,omitempty"`
	InstanceID int64       `json:"instance_id,omitempty"`
	// RunID is set when the source already opened the run (API start).
	RunID  int64     `json:"run_id,omitempty"`
	Event  string    `json:"event,omitempty"`
	Items  []ItemKey `json:"items,omitempty"`
	DryRun bool      `json:"dry_run,omitempty"`
	// OverrideCooldown lets a manual start search items still resting
	// from an earlier search.
	OverrideCooldown bool      `json:"override_cooldown,omitempty"`
	At               time.Time `json:"at"`
}

// DispatchedEvent reports a command sent to an instance.
type DispatchedEvent struct {
	CommandID    int64       `json:"command_id"`
	RunID        int64       `json:"run_id"`
	InstanceID   int64       `json:"instance_id"`
	Command      CommandName `json:"command"`
	ArrCommandID int64       `json:"arr_command_id"`
	Cost         int         `json:"cost"`
	Items        []ItemKey   `json:"items"`
	At           time.Time   `json:"at"`
}

type correlationKey struct{}

// WithCorrelationID returns ctx carrying a correlation id.
func WithCorrelationID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, correlationKey{}, id)
}

// CorrelationID returns the correlation id ctx carries, or "".
func CorrelationID(ctx context.Context) string {
	id, _ := ctx.Value(correlationKey{}).(string)
	return id
}
