package domain

import "time"

// PendingCommand is a pending dispatched command as the dispatcher sees it:
// AttemptedAt is set once a POST of it began, so it may have reached the arr
// and must be reconciled before it is posted again.
type PendingCommand struct {
	DispatchedCommand
	AttemptedAt *time.Time
	// BatchID, set with AttemptedAt, names the batch the command was
	// attempted in: commands sent to the arr as one command, which are
	// settled together. Zero for a command attempted alone.
	BatchID int64
}

// CountedSend is one command counted against an instance's caps: when it
// reached (or may have reached) the arr, and the indexer searches it costs.
type CountedSend struct {
	CommandID int64
	At        time.Time
	Cost      int
}

// PauseReason says why an instance's dispatch is paused.
type PauseReason string

// The reasons dispatch to an instance may be held back.
const (
	// PauseManual: an operator or a Health event paused the instance.
	PauseManual PauseReason = "paused"
	// PauseBreaker: the instance failed repeatedly; the circuit breaker is
	// open until a probe succeeds.
	PauseBreaker PauseReason = "breaker_open"
	// PauseQueue: the arr's download queue is above max_queue_size.
	PauseQueue PauseReason = "queue_full"
	// PauseCap: the hourly or daily cap is used up until NextSendAt.
	PauseCap PauseReason = "cap_reached"
)

// BudgetWindow is the use of one rolling window (the last hour or day).
type BudgetWindow struct {
	// Cap is the indexer searches allowed in the window; 0 means no cap.
	Cap int `json:"cap"`
	// Used counts the indexer searches sent in the window (group-wide when
	// the instance is in a budget group).
	Used int `json:"used"`
	// Remaining is Cap-Used, never below 0; -1 when there is no cap.
	Remaining int `json:"remaining"`
	// FreesAt is when the oldest counted search leaves the window, if any.
	FreesAt *time.Time `json:"frees_at,omitempty"`
}

// BudgetStatus is what an instance may still send and why it may not.
type BudgetStatus struct {
	InstanceID int64 `json:"instance_id"`
	// BudgetGroup and GroupMembers name the instances sharing the windows.
	BudgetGroup  string       `json:"budget_group,omitempty"`
	GroupMembers []int64      `json:"group_members"`
	Hour         BudgetWindow `json:"hour"`
	Day          BudgetWindow `json:"day"`
	// RatePerSecond and Burst are the token bucket in effect.
	RatePerSecond float64 `json:"rate_per_second"`
	Burst         int     `json:"burst"`
	// NextTokenAt is when the token bucket allows the next command.
	NextTokenAt time.Time `json:"next_token_at"`
	// Pending counts commands waiting to be sent.
	Pending int `json:"pending"`
	// InFlight counts commands sent and not yet finished at the arr, out of
	// MaxInFlight.
	InFlight    int `json:"in_flight"`
	MaxInFlight int `json:"max_in_flight"`
	// QueueSize is the arr's download queue at the last check (-1 when not
	// checked), gated above MaxQueueSize (0: no gate).
	QueueSize    int `json:"queue_size"`
	MaxQueueSize int `json:"max_queue_size"`
	// Paused is true while anything holds dispatch back; Reasons says what,
	// and PauseMessage carries the manual or health pause's own words.
	Paused       bool          `json:"paused"`
	Reasons      []PauseReason `json:"reasons"`
	PauseMessage string        `json:"pause_message,omitempty"`
	// LastError is the error the last attempt met, until a send succeeds.
	LastError string `json:"last_error,omitempty"`
	// BreakerState is closed, open or half-open.
	BreakerState string `json:"breaker_state"`
	// NextSendAt is the earliest time the next command may go out, when
	// something holds it back.
	NextSendAt *time.Time `json:"next_send_at,omitempty"`
}
