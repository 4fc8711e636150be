package domain

// SkipCounts counts a run's dropped items by reason code. It is a struct,
// not a map, so that run counters stay comparable values.
type SkipCounts struct {
	Cooldown     int `json:"cooldown,omitempty"`
	Excluded     int `json:"excluded,omitempty"`
	Queued       int `json:"queued,omitempty"`
	Grabbed      int `json:"grabbed,omitempty"`
	Unmonitored  int `json:"unmonitored,omitempty"`
	NotAvailable int `json:"not_available,omitempty"`
	Future       int `json:"future,omitempty"`
	Filtered     int `json:"filtered,omitempty"`
	OverBudget   int `json:"over_budget,omitempty"`
	Duplicate    int `json:"duplicate,omitempty"`
	HasFile      int `json:"has_file,omitempty"`
}

func (s *SkipCounts) field(c ReasonCode) *int {
	switch c {
	case ReasonCooldown:
		return &s.Cooldown
	case ReasonExcluded:
		return &s.Excluded
	case ReasonQueued:
		return &s.Queued
	case ReasonGrabbed:
		return &s.Grabbed
	case ReasonUnmonitored:
		return &s.Unmonitored
	case ReasonNotAvailable:
		return &s.NotAvailable
	case ReasonFuture:
		return &s.Future
	case ReasonOverBudget:
		return &s.OverBudget
	case ReasonDuplicate:
		return &s.Duplicate
	case ReasonHasFile:
		return &s.HasFile
	}
	return &s.Filtered
}

// Add counts n more items dropped for c; an unknown code counts as
// filtered; searched is not a skip and is ignored.
func (s *SkipCounts) Add(c ReasonCode, n int) {
	if c == ReasonSearched {
		return
	}
	*s.field(c) += n
}

// Get returns the items dropped for c.
func (s SkipCounts) Get(c ReasonCode) int {
	if c == ReasonSearched {
		return 0
	}
	return *s.field(c)
}

// Total is the number of dropped items.
func (s SkipCounts) Total() int {
	n := 0
	for _, c := range ReasonCodes {
		n += s.Get(c)
	}
	return n
}

// Merge adds o into s.
func (s *SkipCounts) Merge(o SkipCounts) {
	for _, c := range ReasonCodes {
		s.Add(c, o.Get(c))
	}
}

// IsZero reports whether nothing was skipped.
func (s SkipCounts) IsZero() bool { return s == SkipCounts{} }
