package domain

import "time"

// Instance is a Sonarr or Radarr server a user connected, with the limits
// the dispatcher enforces on it. It never carries the API key or the webhook
// password: those are read through InstanceCredentials only.
type Instance struct {
	ID      int64
	OwnerID int64
	Name    string
	Kind    InstanceKind
	URL     string

	VerifyTLS      bool
	TimeoutSeconds int

	// RatePerSecond and Burst configure the instance's token bucket.
	RatePerSecond float64
	Burst         int
	// HourlyCap and DailyCap limit indexer searches in rolling windows;
	// zero means no cap.
	HourlyCap int
	DailyCap  int
	// BudgetGroup names instances that share one hourly/daily budget
	// because they share indexers; empty means the instance is alone.
	BudgetGroup string
	// MaxInFlight limits commands sent and not yet finished; zero means
	// the dispatcher's default.
	MaxInFlight int
	// MaxQueueSize pauses dispatch while the arr's download queue holds
	// more records than this; zero disables the gate.
	MaxQueueSize int

	// WebhookUsername is the basic-auth user Sonarr/Radarr send with
	// webhooks; HasWebhookSecret reports whether a password is set.
	WebhookUsername  string
	HasWebhookSecret bool
	// WebhookLastTestAt is when the arr's Test event last arrived.
	WebhookLastTestAt *time.Time

	CreatedAt time.Time
	UpdatedAt time.Time
}

// InstanceCredentials is what it takes to talk to an instance and to check
// its webhooks. Secrets are wrapped so they cannot leak through printing or
// logging by accident.
type InstanceCredentials struct {
	InstanceID      int64
	Kind            InstanceKind
	URL             string
	APIKey          Secret
	VerifyTLS       bool
	TimeoutSeconds  int
	WebhookUsername string
	WebhookPassword Secret
}
