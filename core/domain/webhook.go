package domain

import "time"

// WebhookDelivery is one webhook call from Sonarr/Radarr, stored before it
// is answered and processed afterwards: the inbox that makes its effect
// happen once even across crashes.
type WebhookDelivery struct {
	ID         int64
	InstanceID int64
	EventType  string
	// DedupeKey identifies identical deliveries (a hash of the body), so
	// repeats within a short window fold into one.
	DedupeKey   string
	Payload     []byte
	ReceivedAt  time.Time
	ProcessedAt *time.Time
	// Attempts counts processing attempts, each when it starts; StartedAt
	// is when the last one started.
	Attempts  int
	StartedAt *time.Time
	// ParkedAt is when the delivery was given up on (Error says why): it
	// is not tried again.
	ParkedAt *time.Time
	Error    string
}
