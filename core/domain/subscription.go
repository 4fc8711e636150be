package domain

// QueueSubscription makes a queue run for a webhook event of its instance:
// an event type and an optional condition on the payload, an expr
// expression over `event`, the decoded JSON body (for example
// `event.deleteReason == "missingFromDisk"`). The run searches just the
// items the event names.
type QueueSubscription struct {
	QueueID   int64
	EventType WebhookEventType
	// Condition is empty for every event of the type.
	Condition string
}
