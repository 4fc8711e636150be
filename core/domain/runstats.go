package domain

// RunCommandStats counts the dispatched commands of one run.
type RunCommandStats struct {
	Pending         int
	Sent            int
	Failed          int
	IndexerSearches int
}
