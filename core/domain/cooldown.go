package domain

import "time"

// CooldownMode says how long an item rests after a search.
type CooldownMode string

// The cooldown modes.
const (
	// CooldownFlat rests every item the queue's CooldownHours.
	CooldownFlat CooldownMode = "flat"
	// CooldownAdaptive rests an item by its age since release, doubled for
	// each search since its last grab, capped (see AdaptiveCooldown).
	CooldownAdaptive CooldownMode = "adaptive"
)

// Valid reports whether m is a known mode; empty means flat.
func (m CooldownMode) Valid() bool { return m == "" || m == CooldownFlat || m == CooldownAdaptive }

// The adaptive schedule: a fresh release is retried within hours, an old
// one within days, and every fruitless search doubles the wait up to the
// cap.
const (
	// AdaptiveCooldownCap bounds an adaptive cooldown.
	AdaptiveCooldownCap = 30 * 24 * time.Hour
	// AdaptiveCooldownMin is the shortest adaptive cooldown.
	AdaptiveCooldownMin = 3 * time.Hour
)

// adaptiveBase is the base cooldown by age since release, youngest first.
var adaptiveBase = []struct {
	younger time.Duration
	base    time.Duration
}{
	{24 * time.Hour, AdaptiveCooldownMin},
	{7 * 24 * time.Hour, 12 * time.Hour},
	{30 * 24 * time.Hour, 24 * time.Hour},
	{365 * 24 * time.Hour, 3 * 24 * time.Hour},
}

// adaptiveOld is the base of items released more than a year ago, or whose
// release date is unknown.
const adaptiveOld = 7 * 24 * time.Hour

// AdaptiveCooldown is how long an item rests after a search: a base by its
// age since release (3 h under a day, 12 h under a week, 1 d under a month,
// 3 d under a year, 7 d older or unknown), doubled for each search since its
// last grab beyond the first, capped at AdaptiveCooldownCap. released nil
// means unknown.
func AdaptiveCooldown(released *time.Time, searchesSinceGrab int, now time.Time) time.Duration {
	base := adaptiveOld
	if released != nil {
		age := now.Sub(*released)
		for _, b := range adaptiveBase {
			if age < b.younger {
				base = b.base
				break
			}
		}
	}
	d := base
	for i := 1; i < searchesSinceGrab && d < AdaptiveCooldownCap; i++ {
		d *= 2
	}
	return min(d, AdaptiveCooldownCap)
}
