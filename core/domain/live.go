package domain

import "time"

// EventRunStarted reports that a run began (RunStartedEvent). It travels
// on TopicNotifications for the live event stream; notification sinks do
// not subscribe to it.
const EventRunStarted EventKind = "run_started"

// RunStartedEvent is the payload of EventRunStarted.
type RunStartedEvent struct {
	RunID      int64       `json:"run_id"`
	QueueID    int64       `json:"queue_id"`
	QueueName  string      `json:"queue_name"`
	InstanceID int64       `json:"instance_id"`
	OwnerID    int64       `json:"owner_id"`
	Strategy   string      `json:"strategy"`
	Trigger    TriggerKind `json:"trigger"`
	At         time.Time   `json:"at"`
}

// LiveEvent is one message of a user's live event stream
// (GET /api/events): a kind, its JSON data and the user it concerns.
type LiveEvent struct {
	// ID increases with each event of a process.
	ID      uint64
	Kind    string
	OwnerID int64
	Data    []byte
}
