package sdk

import (
	"strconv"
	"time"
)

// ItemType says whether an item is an episode or a movie.
type ItemType string

// The item types.
const (
	Episode ItemType = "episode"
	Movie   ItemType = "movie"
)

// ItemKey identifies one episode (Sonarr) or movie (Radarr) of the instance.
type ItemKey struct {
	Type ItemType
	ID   int64
}

// EpisodeKey returns the key of a Sonarr episode id.
func EpisodeKey(id int64) ItemKey { return ItemKey{Type: Episode, ID: id} }

// MovieKey returns the key of a Radarr movie id.
func MovieKey(id int64) ItemKey { return ItemKey{Type: Movie, ID: id} }

// String renders the key as "episode:123" or "movie:45".
func (k ItemKey) String() string { return string(k.Type) + ":" + strconv.FormatInt(k.ID, 10) }

// Item is an episode or a movie as the Library reports it. Fields that do not
// apply to the item's type are zero. Times are UTC; nil means unknown.
type Item struct {
	Key ItemKey

	Title     string
	Monitored bool
	HasFile   bool
	// CutoffNotMet is true for items with a file below the quality cutoff.
	CutoffNotMet bool

	// Episodes.
	SeriesID        int64
	SeriesTitle     string
	SeriesMonitored bool
	SeasonMonitored bool
	SeriesType      string // standard, daily, anime
	SeriesStatus    string // continuing, ended, upcoming
	Network         string
	SeasonNumber    int
	EpisodeNumber   int
	AirDateUTC      *time.Time

	// Movies.
	Year                int
	MovieStatus         string // tba, announced, inCinemas, released
	MinimumAvailability string
	IsAvailable         bool
	InCinemas           *time.Time
	DigitalRelease      *time.Time
	PhysicalRelease     *time.Time
	ReleaseDate         *time.Time

	// Both.
	Added             *time.Time
	LastSearchTime    *time.Time // as the application records it
	QualityProfileID  int64
	Tags              []int64
	Genres            []string
	Runtime           int // minutes
	Quality           string
	CustomFormatScore int
}

// Released returns the episode's air date or the movie's release date.
func (it Item) Released() *time.Time {
	if it.Key.Type == Episode {
		return it.AirDateUTC
	}
	return it.ReleaseDate
}

// SearchState is what Searcharr itself remembers about an item.
type SearchState struct {
	Key ItemKey
	// LastSearched is when Searcharr last sent a search covering the item.
	LastSearched *time.Time
	// Searches counts the searches Searcharr sent for the item.
	Searches int
	// Grabs counts the releases grabbed after those searches.
	Grabs int
	// LastGrab is when a release for the item was last grabbed.
	LastGrab *time.Time
	// CooldownUntil is when the item may be searched again.
	CooldownUntil *time.Time
}

// CommandName is a Sonarr/Radarr search command.
type CommandName string

// The search commands a strategy may ask for.
const (
	EpisodeSearch CommandName = "EpisodeSearch"
	SeasonSearch  CommandName = "SeasonSearch"
	SeriesSearch  CommandName = "SeriesSearch"
	MoviesSearch  CommandName = "MoviesSearch"
)

// Command is one search command. Only the fields its name uses are set:
// EpisodeIDs for EpisodeSearch, SeriesID and SeasonNumber for SeasonSearch,
// SeriesID for SeriesSearch, MovieIDs for MoviesSearch.
type Command struct {
	Name         CommandName
	EpisodeIDs   []int64
	SeriesID     int64
	SeasonNumber int
	MovieIDs     []int64
}

// Cost is the number of indexer searches the command causes: one per
// episode of an EpisodeSearch (Sonarr searches each separately), one per
// movie of a MoviesSearch, one for a SeasonSearch or SeriesSearch.
func (c Command) Cost() int {
	switch c.Name {
	case EpisodeSearch:
		return len(c.EpisodeIDs)
	case MoviesSearch:
		return len(c.MovieIDs)
	}
	return 1
}

// SearchEpisodes returns an EpisodeSearch command for the given episodes.
func SearchEpisodes(ids ...int64) Command { return Command{Name: EpisodeSearch, EpisodeIDs: ids} }

// SearchSeason returns a SeasonSearch command.
func SearchSeason(seriesID int64, season int) Command {
	return Command{Name: SeasonSearch, SeriesID: seriesID, SeasonNumber: season}
}

// SearchMovies returns a MoviesSearch command for the given movies.
func SearchMovies(ids ...int64) Command { return Command{Name: MoviesSearch, MovieIDs: ids} }
