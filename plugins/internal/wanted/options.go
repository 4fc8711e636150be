package wanted

import (
	"encoding/json"
)

// Grouping says how episodes are gathered into searches.
type Grouping string

// The groupings.
const (
	// ByEpisode sends one EpisodeSearch per episode.
	ByEpisode Grouping = "episode"
	// BySeason sends one SeasonSearch for a season with enough wanted
	// episodes (see Options.SeasonMinEpisodes and SeasonMinPercent), and
	// EpisodeSearch for the others.
	BySeason Grouping = "season"
	// BySeries sends one SeriesSearch for a series whose every regular
	// season qualifies for a season search, and falls back to BySeason.
	BySeries Grouping = "series"
)

// Groupings lists the groupings.
var Groupings = []Grouping{ByEpisode, BySeason, BySeries}

// Limits and defaults of the common options.
const (
	DefaultPageSize   = 250
	MaxPageSize       = 2000
	DefaultMaxPages   = 100
	MaxMaxPages       = 10000
	MaxGraceHours     = 24 * 365
	DefaultMinEpisode = 3
	DefaultMinPercent = 50
)

// Options are the options the built-in strategies share. Each strategy's
// config embeds them and exposes the subset that applies to it.
type Options struct {
	// Order is the search order (missing and cutoff only).
	Order Order `json:"order"`
	// Seed makes the random order reproducible; 0 derives one from the
	// instance.
	Seed int64 `json:"seed"`
	// PageSize is the number of wanted items read per Library call.
	PageSize int `json:"page_size"`
	// MaxPages bounds the number of wanted pages one run reads.
	MaxPages int `json:"max_pages"`
	// IncludeUnmonitored also searches unmonitored items.
	IncludeUnmonitored bool `json:"include_unmonitored"`
	// IncludeUnavailable also searches Radarr movies that Radarr does not
	// consider available yet.
	IncludeUnavailable bool `json:"include_unavailable"`
	// GraceHours skips items aired or released less than this many hours
	// before the run.
	GraceHours int `json:"grace_hours"`
	// Grouping gathers Sonarr episodes into season or series searches.
	Grouping Grouping `json:"grouping"`
	// SeasonMinEpisodes: a season qualifies for a SeasonSearch with at
	// least this many wanted episodes...
	SeasonMinEpisodes int `json:"season_min_episodes"`
	// SeasonMinPercent: ...or when at least this percentage of its aired,
	// monitored episodes are wanted. Either way it needs two.
	SeasonMinPercent int `json:"season_min_percent"`
}

// DefaultOptions are the options of an empty config.
func DefaultOptions() Options {
	return Options{
		Order:             OldestAired,
		PageSize:          DefaultPageSize,
		MaxPages:          DefaultMaxPages,
		Grouping:          ByEpisode,
		SeasonMinEpisodes: DefaultMinEpisode,
		SeasonMinPercent:  DefaultMinPercent,
	}
}

// Option names, for strategies that pick a subset of OptionFields.
const (
	OptOrder              = "order"
	OptSeed               = "seed"
	OptPageSize           = "page_size"
	OptMaxPages           = "max_pages"
	OptIncludeUnmonitored = "include_unmonitored"
	OptIncludeUnavailable = "include_unavailable"
	OptGraceHours         = "grace_hours"
	OptGrouping           = "grouping"
	OptSeasonMinEpisodes  = "season_min_episodes"
	OptSeasonMinPercent   = "season_min_percent"
)

// OptionFields returns the fields of the named common options of a config C
// whose Options are reached through at; no names means all of them.
func OptionFields[C any](at func(*C) *Options, names ...string) Fields[C] {
	all := Fields[C]{
		OptOrder:              EnumField(func(c *C) *Order { return &at(c).Order }, Orders),
		OptPageSize:           IntField(func(c *C) *int { return &at(c).PageSize }, 1, MaxPageSize),
		OptMaxPages:           IntField(func(c *C) *int { return &at(c).MaxPages }, 1, MaxMaxPages),
		OptIncludeUnmonitored: BoolField(func(c *C) *bool { return &at(c).IncludeUnmonitored }),
		OptIncludeUnavailable: BoolField(func(c *C) *bool { return &at(c).IncludeUnavailable }),
		OptGraceHours:         IntField(func(c *C) *int { return &at(c).GraceHours }, 0, MaxGraceHours),
		OptGrouping:           EnumField(func(c *C) *Grouping { return &at(c).Grouping }, Groupings),
		OptSeasonMinEpisodes:  IntField(func(c *C) *int { return &at(c).SeasonMinEpisodes }, 2, 1000),
		OptSeasonMinPercent:   IntField(func(c *C) *int { return &at(c).SeasonMinPercent }, 1, 100),
		OptSeed: {
			Kind:   "an integer",
			Decode: func(c *C, raw json.RawMessage) error { return json.Unmarshal(raw, &at(c).Seed) },
		},
	}
	if len(names) == 0 {
		return all
	}
	out := make(Fields[C], len(names))
	for _, n := range names {
		out[n] = all[n]
	}
	return out
}
