package domain

import (
	"encoding/json"
	"time"
)

// QueueStatus is the state of a search queue as users see it.
type QueueStatus string

// The queue states.
const (
	// QueuePending waits for its next run.
	QueuePending QueueStatus = "pending"
	// QueueRunning has a run holding its lease.
	QueueRunning QueueStatus = "running"
	// QueueCompleted finished its last run successfully.
	QueueCompleted QueueStatus = "completed"
	// QueueFailed failed its last run.
	QueueFailed QueueStatus = "failed"
	// QueuePaused was paused by its owner.
	QueuePaused QueueStatus = "paused"
	// QueueDeactivated was switched off after too many consecutive
	// failures; StatusReason says why.
	QueueDeactivated QueueStatus = "deactivated"
)

// Queue is a search queue: a strategy plugin with its config, run on a
// schedule or on demand against one instance.
type Queue struct {
	ID         int64
	InstanceID int64
	// OwnerID is the owner of the queue's instance, filled on reads.
	OwnerID  int64
	Name     string
	Strategy string
	// Config is the strategy's configuration (the API's "filters"),
	// validated by the plugin.
	Config json.RawMessage

	Recurring       bool
	IntervalMinutes int
	// MaxItemsPerRun and CooldownHours are the budget every strategy
	// shares.
	MaxItemsPerRun int
	CooldownHours  int
	// MaxSearchesPerRun caps the indexer searches of one run (a season
	// search costs one, an episode search one per episode); zero means
	// MaxItemsPerRun.
	MaxSearchesPerRun int
	// CooldownMode is flat (CooldownHours for every item) or adaptive
	// (AdaptiveCooldown); empty means flat.
	CooldownMode CooldownMode
	// OwnCooldown opts the queue out of the cooldown its instance's queues
	// share: only the queue's own searches make its items rest. The API
	// calls its negation shared_cooldown.
	OwnCooldown bool
	// IncludeUnmonitored lets the queue search items that are not
	// monitored; by default the host drops them.
	IncludeUnmonitored bool

	IsActive     bool
	Status       QueueStatus
	StatusReason string
	NextRun      *time.Time
	LastRun      *time.Time
	// LastError is the error of the last failed run, empty after a
	// success.
	LastError           string
	ConsecutiveFailures int

	// RunningRunID and LeaseUntil form the run lease: while LeaseUntil is
	// in the future, the run RunningRunID owns the queue and no other run
	// may start.
	RunningRunID *int64
	LeaseUntil   *time.Time

	CreatedAt time.Time
	UpdatedAt time.Time
}

// QueueRunResult is how a run ended, recorded on its queue when the run
// releases the lease.
type QueueRunResult struct {
	Succeeded  bool
	Error      string
	FinishedAt time.Time
	// NextRun is the queue's next due time; nil leaves no run scheduled.
	NextRun *time.Time
	// DeactivateAfter deactivates the queue when its consecutive failures
	// reach this number; zero never deactivates.
	DeactivateAfter int
}
