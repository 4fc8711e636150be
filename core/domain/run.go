package domain

import "time"

// RunStatus is the state of one run of a queue.
type RunStatus string

// The run states.
const (
	RunPending   RunStatus = "pending"
	RunRunning   RunStatus = "running"
	RunSucceeded RunStatus = "succeeded"
	RunFailed    RunStatus = "failed"
)

// Valid reports whether s is a known run status.
func (s RunStatus) Valid() bool {
	switch s {
	case RunPending, RunRunning, RunSucceeded, RunFailed:
		return true
	}
	return false
}

// Finished reports whether the run has ended.
func (s RunStatus) Finished() bool { return s == RunSucceeded || s == RunFailed }

// RunCounts are the counters of one run.
type RunCounts struct {
	// ItemsConsidered is how many candidates the plugin and policy looked at.
	ItemsConsidered int
	// ItemsSelected is how many items were kept for searching.
	ItemsSelected int
	// ItemsSearched is how many items the commands sent cover.
	ItemsSearched int
	// CommandsSent is how many commands reached the arr.
	CommandsSent int
	// IndexerSearches is the summed cost of the commands sent.
	IndexerSearches int
	// ItemsFound is how many searched items were grabbed afterwards.
	ItemsFound int
	// Skipped counts the dropped items by reason code.
	Skipped SkipCounts
}

// Run is one execution of a queue: the search history row.
type Run struct {
	ID int64
	// QueueID is zero once the queue has been deleted; QueueName keeps its
	// name for history.
	QueueID    int64
	QueueName  string
	InstanceID int64
	// OwnerID is the owner of the run's instance, filled on reads.
	OwnerID       int64
	Strategy      string
	Trigger       TriggerKind
	CorrelationID string
	DryRun        bool
	Status        RunStatus
	Error         string
	Counts        RunCounts
	// Origin is the trigger that opened the run, when it was kept: a run
	// interrupted before it was planned is planned again from it.
	Origin *TriggerEvent

	CreatedAt time.Time
	StartedAt *time.Time
	// PlannedAt is when the run's decisions, commands and counts were
	// written, all at once; nil while the run has not been planned.
	PlannedAt *time.Time
	EndedAt   *time.Time
}

// Duration is how long the run took, zero while it has not ended.
func (r Run) Duration() time.Duration {
	if r.StartedAt == nil || r.EndedAt == nil {
		return 0
	}
	return r.EndedAt.Sub(*r.StartedAt)
}

// RunFilter selects runs; zero fields do not filter. Lists are newest first.
type RunFilter struct {
	OwnerID    int64
	InstanceID int64
	QueueID    int64
	Strategy   string
	Status     RunStatus
	// CreatedFrom and CreatedTo bound the creation time (inclusive,
	// exclusive).
	CreatedFrom *time.Time
	CreatedTo   *time.Time
	Limit       int
	Offset      int
}

// Decision says whether the policy kept or dropped an item in a run.
type Decision string

// The decisions.
const (
	DecisionKept    Decision = "kept"
	DecisionDropped Decision = "dropped"
)

// RunItem is the decision taken on one item in one run, with its reason.
type RunItem struct {
	ID       int64
	RunID    int64
	Key      ItemKey
	Title    string
	Decision Decision
	// ReasonCode classifies the decision; Reason holds its detail.
	ReasonCode ReasonCode
	Reason     string
	Score      float64
	// Command is the command the item was searched with, empty when dropped.
	Command CommandName
}
