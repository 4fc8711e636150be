package sdk

import (
	"context"
	"time"
)

// Library is the host's read-only view of one instance's library, passed to
// Plan. Calls go back to the host over gRPC; the host answers from Sonarr or
// Radarr (cached per run and rate-limited) and from its own records. Every
// method honours ctx.
type Library interface {
	// WantedMissing returns one page of monitored-or-not missing items, as
	// Sonarr/Radarr's wanted/missing list reports them.
	WantedMissing(ctx context.Context, q WantedQuery) (ItemPage, error)
	// WantedCutoff returns one page of items whose file is below the
	// quality cutoff.
	WantedCutoff(ctx context.Context, q WantedQuery) (ItemPage, error)
	// Queue returns one page of the download queue. For Sonarr each record
	// is one episode, so a season pack appears once per episode.
	Queue(ctx context.Context, page, pageSize int) (QueuePage, error)
	// Series lists every series of a Sonarr instance.
	Series(ctx context.Context) ([]Series, error)
	// Episodes lists the episodes of one series.
	Episodes(ctx context.Context, seriesID int64) ([]Item, error)
	// Movies lists every movie of a Radarr instance.
	Movies(ctx context.Context) ([]Item, error)
	// Calendar lists items airing or released between start and end.
	Calendar(ctx context.Context, start, end time.Time, unmonitored bool) ([]Item, error)
	// Tags lists the instance's tags.
	Tags(ctx context.Context) ([]Tag, error)
	// QualityProfiles lists the instance's quality profiles.
	QualityProfiles(ctx context.Context) ([]QualityProfile, error)
	// SearchState returns what Searcharr remembers about each item, in the
	// order of keys. Items never searched have a zero state.
	SearchState(ctx context.Context, keys []ItemKey) ([]SearchState, error)
}

// SortKey orders a wanted list. The host maps it onto the keys Sonarr and
// Radarr accept.
type SortKey string

// The sort keys of the wanted lists.
const (
	// SortReleased orders by episode air date (Sonarr) or movie release
	// date (Radarr: digital release).
	SortReleased SortKey = "released"
	// SortLastSearched orders by the application's last search time.
	SortLastSearched SortKey = "lastSearched"
	// SortTitle orders by series or movie sort title.
	SortTitle SortKey = "title"
)

// WantedQuery selects one page of a wanted list.
type WantedQuery struct {
	// Page starts at 1.
	Page int
	// PageSize is the number of items per page; the host may cap it.
	PageSize int
	// SortKey defaults to SortReleased.
	SortKey SortKey
	// Descending reverses the order; the default is ascending.
	Descending bool
	// IncludeUnmonitored also returns items that are not monitored (for
	// Sonarr: episode or series unmonitored). The default is monitored only.
	IncludeUnmonitored bool
}

// ItemPage is one page of a wanted list.
type ItemPage struct {
	Items        []Item
	Page         int
	PageSize     int
	TotalRecords int
}

// QueueRecord is one download queue entry.
type QueueRecord struct {
	// Item is the episode or movie being downloaded.
	Item         ItemKey
	SeriesID     int64
	SeasonNumber int
	Title        string
	Status       string
	// TrackedState is Sonarr/Radarr's trackedDownloadState, such as
	// "downloading" or "importPending".
	TrackedState string
	Protocol     string
}

// QueuePage is one page of the download queue.
type QueuePage struct {
	Records      []QueueRecord
	Page         int
	PageSize     int
	TotalRecords int
}

// Series is a Sonarr series.
type Series struct {
	ID               int64
	Title            string
	Monitored        bool
	SeriesType       string
	Status           string
	Network          string
	Year             int
	Genres           []string
	Tags             []int64
	QualityProfileID int64
	Runtime          int
	Added            *time.Time
	Seasons          []Season
}

// Season is one season of a series with its counts.
type Season struct {
	Number            int
	Monitored         bool
	EpisodeCount      int // monitored episodes that aired
	EpisodeFileCount  int
	TotalEpisodeCount int
}

// Tag is an instance tag.
type Tag struct {
	ID    int64
	Label string
}

// QualityProfile is an instance quality profile.
type QualityProfile struct {
	ID                int64
	Name              string
	UpgradeAllowed    bool
	CutoffQuality     string
	CutoffFormatScore int
	MinFormatScore    int
}
