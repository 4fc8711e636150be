package domain

import "time"

// ItemState is the host's memory of one item: when it was searched, how
// often, whether it was grabbed, and until when it must not be searched.
type ItemState struct {
	InstanceID     int64
	Key            ItemKey
	LastSearchedAt *time.Time
	SearchCount    int
	GrabCount      int
	LastGrabAt     *time.Time
	CooldownUntil  *time.Time
	// LastCommandID is the dispatched command that searched it last.
	LastCommandID int64
}

// CoolingDown reports whether the item must not be searched at now.
func (s ItemState) CoolingDown(now time.Time) bool {
	return s.CooldownUntil != nil && now.Before(*s.CooldownUntil)
}
