package domain

import "time"

// ExclusionKind says what an exclusion covers.
type ExclusionKind string

// The exclusion kinds: one episode, a whole series, or a movie.
const (
	ExcludeEpisode ExclusionKind = "episode"
	ExcludeSeries  ExclusionKind = "series"
	ExcludeMovie   ExclusionKind = "movie"
)

// Valid reports whether k is a known exclusion kind.
func (k ExclusionKind) Valid() bool {
	return k == ExcludeEpisode || k == ExcludeSeries || k == ExcludeMovie
}

// Exclusion keeps an item, a series or a movie of one instance out of every
// search, until it expires (never when ExpiresAt is nil).
type Exclusion struct {
	ID         int64
	OwnerID    int64
	InstanceID int64
	Kind       ExclusionKind
	// TargetID is the episode, series or movie id in the instance.
	TargetID  int64
	Title     string
	Reason    string
	ExpiresAt *time.Time
	CreatedAt time.Time
}

// Active reports whether the exclusion applies at now.
func (e Exclusion) Active(now time.Time) bool {
	return e.ExpiresAt == nil || now.Before(*e.ExpiresAt)
}
