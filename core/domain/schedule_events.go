package domain

import "time"

// EventQueueDeactivated is the kind of QueueDeactivatedEvent, published on
// TopicNotifications.
const EventQueueDeactivated EventKind = "queue_deactivated"

// QueueDeactivatedEvent reports a queue switched off after too many
// consecutive failed runs.
type QueueDeactivatedEvent struct {
	QueueID    int64  `json:"queue_id"`
	QueueName  string `json:"queue_name"`
	InstanceID int64  `json:"instance_id"`
	OwnerID    int64  `json:"owner_id"`
	// Reason is the queue's status reason, which names the last error.
	Reason              string    `json:"reason"`
	ConsecutiveFailures int       `json:"consecutive_failures"`
	At                  time.Time `json:"at"`
}
