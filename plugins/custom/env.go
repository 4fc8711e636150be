package custom

import (
	"math"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// NeverSearchedDays is days_since_last_searched of an item Searcharr never
// searched, so that "longest since searched first" puts it first.
const NeverSearchedDays = 36500

// Env is what filter and priority expressions see of one item, one field
// per name. Times the library does not know are the zero time and the days
// since them are 0, except days_since_last_searched (NeverSearchedDays).
// Durations in days are fractional (36 hours is 1.5).
type Env struct {
	// Kind is "episode" or "movie".
	Kind string `expr:"kind"`
	// Title is the episode's or movie's title.
	Title string `expr:"title"`
	// SeriesTitle is the series' title; empty for movies.
	SeriesTitle string `expr:"series_title"`
	// Year is the movie's or series' year.
	Year int `expr:"year"`
	// Season and Episode number an episode; 0 for movies. Season 0 holds
	// specials.
	Season  int `expr:"season"`
	Episode int `expr:"episode"`
	// AirDate is when the episode aired or the movie was released.
	AirDate time.Time `expr:"air_date"`
	// DaysSinceAired is the days from AirDate to the run, negative for
	// future dates.
	DaysSinceAired float64 `expr:"days_since_aired"`
	// Added is when the item (a movie) or its series was added.
	Added          time.Time `expr:"added"`
	DaysSinceAdded float64   `expr:"days_since_added"`
	// Monitored is the item's monitoring (and its series', for episodes).
	Monitored bool `expr:"monitored"`
	// HasFile is true when the item has a file (it is below cutoff).
	HasFile bool `expr:"has_file"`
	// Quality is the quality of the item's file, if any.
	Quality string `expr:"quality"`
	// QualityProfile is the name of the item's (or series') quality
	// profile.
	QualityProfile string `expr:"quality_profile"`
	// CustomFormatScore is the custom-format score of the item's file.
	CustomFormatScore int `expr:"custom_format_score"`
	// Tags are the labels of the item's (or series') tags.
	Tags []string `expr:"tags"`
	// SeriesType is standard, daily or anime; empty for movies.
	SeriesType string `expr:"series_type"`
	// Network is the series' network; empty for movies.
	Network string `expr:"network"`
	// Status is the series status (continuing, ended, upcoming) or the
	// movie status (tba, announced, inCinemas, released).
	Status string `expr:"status"`
	// Genres are the series' or movie's genres.
	Genres []string `expr:"genres"`
	// Runtime is in minutes.
	Runtime int `expr:"runtime"`
	// LastSearchTime is when Sonarr/Radarr last searched the item.
	LastSearchTime time.Time `expr:"last_search_time"`
	// SearchCount and GrabCount are Searcharr's own count of searches it
	// sent for the item and releases grabbed after them.
	SearchCount int `expr:"search_count"`
	GrabCount   int `expr:"grab_count"`
	// DaysSinceLastSearched is the days since Searcharr last searched the
	// item.
	DaysSinceLastSearched float64 `expr:"days_since_last_searched"`
}

// lookup holds what items refer to by id.
type lookup struct {
	tags     map[int64]string
	profiles map[int64]string
	series   map[int64]sdk.Series
}

// env builds an item's environment at now.
func (l *lookup) env(it *sdk.Item, st sdk.SearchState, now time.Time) Env {
	e := Env{
		Kind:              string(it.Key.Type),
		Title:             it.Title,
		SeriesTitle:       it.SeriesTitle,
		Year:              it.Year,
		Season:            it.SeasonNumber,
		Episode:           it.EpisodeNumber,
		Monitored:         it.Monitored,
		HasFile:           it.HasFile,
		Quality:           it.Quality,
		CustomFormatScore: it.CustomFormatScore,
		SeriesType:        it.SeriesType,
		Network:           it.Network,
		Status:            it.MovieStatus,
		Genres:            it.Genres,
		Runtime:           it.Runtime,
		SearchCount:       st.Searches,
		GrabCount:         st.Grabs,
	}
	added, profile, tags := it.Added, it.QualityProfileID, it.Tags
	if it.Key.Type == sdk.Episode {
		e.Status = it.SeriesStatus
		e.Monitored = it.Monitored && it.SeriesMonitored
		// The series list is the authority on series fields; the episode
		// fills what it does not know.
		if s, ok := l.series[it.SeriesID]; ok {
			e.Year = or(s.Year, e.Year)
			e.Runtime = or(s.Runtime, e.Runtime)
			e.Network = or(s.Network, e.Network)
			e.SeriesType = or(s.SeriesType, e.SeriesType)
			e.Status = or(s.Status, e.Status)
			e.SeriesTitle = or(s.Title, e.SeriesTitle)
			if len(s.Genres) > 0 {
				e.Genres = s.Genres
			}
			if added == nil {
				added = s.Added
			}
			profile = or(s.QualityProfileID, profile)
			if len(s.Tags) > 0 {
				tags = s.Tags
			}
		}
	}
	e.QualityProfile = l.profiles[profile]
	for _, id := range tags {
		if label, ok := l.tags[id]; ok {
			e.Tags = append(e.Tags, label)
		}
	}
	if e.Genres == nil {
		e.Genres = []string{}
	}
	if e.Tags == nil {
		e.Tags = []string{}
	}
	if rel := it.Released(); rel != nil {
		e.AirDate, e.DaysSinceAired = *rel, days(now.Sub(*rel))
	}
	if added != nil {
		e.Added, e.DaysSinceAdded = *added, days(now.Sub(*added))
	}
	if it.LastSearchTime != nil {
		e.LastSearchTime = *it.LastSearchTime
	}
	e.DaysSinceLastSearched = NeverSearchedDays
	if st.LastSearched != nil {
		e.DaysSinceLastSearched = days(now.Sub(*st.LastSearched))
	}
	return e
}

func days(d time.Duration) float64 { return math.Round(d.Hours()/24*1000) / 1000 }

func or[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}
