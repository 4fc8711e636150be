package domain

import "time"

// ActivityDay is what one user's instances did on one UTC day: the
// searches sent and the searched items found.
type ActivityDay struct {
	// Date is the UTC day, 2006-01-02.
	Date string
	// Commands counts the commands that reached the arr that day, and
	// IndexerSearches their summed cost.
	Commands        int
	IndexerSearches int
	// ItemsFound counts the searched items grabbed that day.
	ItemsFound int
}

// ItemOutcome is what became of one item a run searched: found when a
// grab of it matched a search sent by this run or a later one.
type ItemOutcome struct {
	Found bool
	// FoundAt is when the matching grab happened.
	FoundAt time.Time
	// RunID is the run whose search the grab matched: the run asked
	// about, or a later run that searched the item again.
	RunID int64
}
