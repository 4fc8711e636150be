package domain

import "time"

// HistoryStats summarises the runs a RunFilter selects (its Limit, Offset
// and Status are ignored). Dry runs are left out: they search nothing.
type HistoryStats struct {
	Total     int
	Succeeded int
	Failed    int
	// Unfinished counts runs still pending or running.
	Unfinished int
	// ItemsSearched sums the items each run selected for searching.
	ItemsSearched int
	// IndexerSearches sums the indexer searches the runs' commands cost.
	IndexerSearches int
	// ItemsFound sums the items grabbed after being searched.
	ItemsFound int
	// AverageDuration is the mean duration of finished runs.
	AverageDuration time.Duration
	ByStrategy      []StrategyStats
	// ByInstance tallies the runs of each instance, by instance id.
	ByInstance []InstanceStats
	// Daily holds one entry per UTC day that has runs, oldest first.
	Daily []DailyStats
}

// SuccessRate is the share of finished runs that succeeded, in [0, 1].
func (s HistoryStats) SuccessRate() float64 {
	if n := s.Succeeded + s.Failed; n > 0 {
		return float64(s.Succeeded) / float64(n)
	}
	return 0
}

// RunTally counts a group of runs.
type RunTally struct {
	Total         int
	Succeeded     int
	Failed        int
	ItemsSearched int
	// IndexerSearches sums the indexer searches the runs' commands cost.
	IndexerSearches int
	ItemsFound      int
}

// InstanceStats tallies the runs of one instance.
type InstanceStats struct {
	InstanceID int64
	RunTally
}

// StrategyStats tallies the runs of one strategy.
type StrategyStats struct {
	Strategy string
	RunTally
}

// DailyStats tallies the runs created on one UTC day (2006-01-02).
type DailyStats struct {
	Date string
	RunTally
}
