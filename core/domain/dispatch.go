package domain

import (
	"encoding/json"
	"time"
)

// CommandStatus is the lifecycle of a dispatched command.
type CommandStatus string

// The dispatched command states. A command is written pending before it is
// sent, so a crash between the two is found and reconciled at start.
const (
	CommandPending   CommandStatus = "pending"
	CommandSent      CommandStatus = "sent"
	CommandCompleted CommandStatus = "completed"
	CommandFailed    CommandStatus = "failed"
	CommandExpired   CommandStatus = "expired"
)

// Finished reports whether the command has reached a final state.
func (s CommandStatus) Finished() bool {
	return s == CommandCompleted || s == CommandFailed || s == CommandExpired
}

// DispatchedCommand is the record of one command the dispatcher sends (or
// sent) to an instance.
type DispatchedCommand struct {
	ID int64
	// IdempotencyKey identifies the intent; the same key never yields a
	// second command.
	IdempotencyKey string
	RunID          int64 // zero when not tied to a run
	QueueID        int64 // zero when not tied to a queue
	InstanceID     int64
	Name           CommandName
	// Body is the JSON body posted to /api/v3/command.
	Body json.RawMessage
	// Cost is the number of indexer searches the command causes.
	Cost int
	// Items are the items the command searches.
	Items []ItemKey
	// ArrCommandID is the id the arr gave the command, zero until sent.
	ArrCommandID int64
	Status       CommandStatus
	Error        string
	CreatedAt    time.Time
	SentAt       *time.Time
	EndedAt      *time.Time
	// CorrelationID and Strategy are those of the command's run, read
	// with pending and sent commands for logs and metrics (empty without
	// a run); they are not stored with the command.
	CorrelationID string
	Strategy      string
}

// DispatchRecord is what the dispatcher records once the arr accepted a
// command: the command becomes sent and each item's search state and
// cooldown are updated, all at once.
type DispatchRecord struct {
	CommandID    int64
	ArrCommandID int64
	SentAt       time.Time
	// Items are the items whose state is updated; nil means the items
	// stored with the command.
	Items []ItemKey
	// CooldownUntil is when the items may be searched again.
	CooldownUntil time.Time
}

// DispatchLease says which dispatcher process holds the sending of an
// instance, and until when. Holder is empty when no process holds it.
type DispatchLease struct {
	InstanceID int64
	Holder     string
	Until      time.Time
}
