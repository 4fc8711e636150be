package domain

import "time"

// OutcomeMatchWindow is how far back a grab looks for the search that
// caused it: the most recent command covering the item sent within it.
const OutcomeMatchWindow = 7 * 24 * time.Hour

// Outcome is a grab or an import the arr reported for some items, by
// webhook or in its history.
type Outcome struct {
	InstanceID int64
	// Key identifies the download: its download id when the arr gave one,
	// else the delivery or history record. An item counts once per key, so
	// a Grab, its Download and the history record of the same grab are one
	// outcome.
	Key       string
	EventType WebhookEventType
	// Source says where it was read: "webhook" or "history".
	Source string
	Items  []ItemKey
	At     time.Time
}

// The outcome sources.
const (
	OutcomeFromWebhook = "webhook"
	OutcomeFromHistory = "history"
)

// OutcomeMatch is one item of an outcome and the search it was matched to;
// CommandID and RunID are zero when no search of the item was sent within
// OutcomeMatchWindow before it.
type OutcomeMatch struct {
	Item      ItemKey
	CommandID int64
	RunID     int64
	// Found is true when this outcome counted the item in its run's
	// items_found (once per item per run).
	Found bool
}

// OutcomeResult is what recording an outcome changed: the items new to its
// key (items already recorded under the key are left out).
type OutcomeResult struct {
	Matches []OutcomeMatch
}

// Found counts the items that raised a run's items_found.
func (r OutcomeResult) Found() int {
	n := 0
	for _, m := range r.Matches {
		if m.Found {
			n++
		}
	}
	return n
}
