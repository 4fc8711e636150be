package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// InstanceKind names the application behind an instance.
type InstanceKind string

// The instance kinds Searcharr talks to.
const (
	KindSonarr InstanceKind = "sonarr"
	KindRadarr InstanceKind = "radarr"
)

// Valid reports whether k is a known instance kind.
func (k InstanceKind) Valid() bool { return k == KindSonarr || k == KindRadarr }

// AppName is the appName Sonarr/Radarr report from system/status.
func (k InstanceKind) AppName() string {
	switch k {
	case KindSonarr:
		return "Sonarr"
	case KindRadarr:
		return "Radarr"
	}
	return ""
}

// ItemType says whether an item is an episode or a movie.
type ItemType string

// The item types.
const (
	ItemEpisode ItemType = "episode"
	ItemMovie   ItemType = "movie"
)

// ItemKey identifies one searchable item inside one instance: an episode id
// of a Sonarr instance or a movie id of a Radarr instance.
type ItemKey struct {
	Type ItemType
	ID   int64
}

// String renders the key as "episode:123" or "movie:45".
func (k ItemKey) String() string { return string(k.Type) + ":" + strconv.FormatInt(k.ID, 10) }

// ParseItemKey parses the form String produces.
func ParseItemKey(s string) (ItemKey, error) {
	t, id, ok := strings.Cut(s, ":")
	if !ok {
		return ItemKey{}, fmt.Errorf("domain: item key %q: want type:id", s)
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return ItemKey{}, fmt.Errorf("domain: item key %q: id must be a positive integer", s)
	}
	switch ItemType(t) {
	case ItemEpisode, ItemMovie:
		return ItemKey{Type: ItemType(t), ID: n}, nil
	}
	return ItemKey{}, fmt.Errorf("domain: item key %q: unknown type %q", s, t)
}

// Item is the normalized form of a Sonarr episode or a Radarr movie, as the
// wanted lists, the calendar and the library endpoints report it. Fields that
// do not apply to the item's type are zero. Times are UTC; a nil time means
// the application did not report one.
type Item struct {
	Key ItemKey

	Title     string
	Monitored bool // for episodes: the episode itself
	HasFile   bool
	// CutoffNotMet is true when the item has a file below its profile's
	// quality cutoff (items from wanted/cutoff).
	CutoffNotMet bool

	// Episode fields.
	SeriesID        int64
	SeriesTitle     string
	SeriesMonitored bool
	SeriesType      string // standard, daily, anime
	SeriesStatus    string // continuing, ended, upcoming, deleted
	Network         string
	SeasonNumber    int
	EpisodeNumber   int
	AirDateUTC      *time.Time
	TvdbID          int64
	SeasonMonitored bool
	EpisodeFileID   int64
	AbsoluteEpisode int

	// Movie fields.
	Year                int
	TmdbID              int64
	ImdbID              string
	MovieStatus         string // tba, announced, inCinemas, released, deleted
	MinimumAvailability string
	IsAvailable         bool
	InCinemas           *time.Time
	DigitalRelease      *time.Time
	PhysicalRelease     *time.Time
	ReleaseDate         *time.Time

	// Shared metadata.
	Added             *time.Time
	LastSearchTime    *time.Time
	QualityProfileID  int64
	Tags              []int64
	Genres            []string
	Runtime           int // minutes
	Quality           string
	CustomFormatScore int
}

// Released returns when the item became (or becomes) available to search:
// the air date of an episode, the release date of a movie.
func (it Item) Released() *time.Time {
	if it.Key.Type == ItemEpisode {
		return it.AirDateUTC
	}
	return it.ReleaseDate
}
