package arr

// Episode is Sonarr's EpisodeResource, as the wanted lists, the calendar
// and /episode return it. Fields the application left out are zero.
type Episode struct {
	ID                         int64        `json:"id"`
	SeriesID                   int64        `json:"seriesId"`
	TvdbID                     int64        `json:"tvdbId"`
	EpisodeFileID              int64        `json:"episodeFileId"`
	SeasonNumber               int          `json:"seasonNumber"`
	EpisodeNumber              int          `json:"episodeNumber"`
	Title                      string       `json:"title"`
	AirDate                    string       `json:"airDate"` // yyyy-MM-dd, local to the series
	AirDateUTC                 Time         `json:"airDateUtc"`
	LastSearchTime             Time         `json:"lastSearchTime"`
	Runtime                    int          `json:"runtime"`
	FinaleType                 string       `json:"finaleType"`
	HasFile                    bool         `json:"hasFile"`
	Monitored                  bool         `json:"monitored"`
	AbsoluteEpisodeNumber      *int         `json:"absoluteEpisodeNumber"`
	SceneAbsoluteEpisodeNumber *int         `json:"sceneAbsoluteEpisodeNumber"`
	SceneEpisodeNumber         *int         `json:"sceneEpisodeNumber"`
	SceneSeasonNumber          *int         `json:"sceneSeasonNumber"`
	UnverifiedSceneNumbering   bool         `json:"unverifiedSceneNumbering"`
	Series                     *Series      `json:"series"`      // with includeSeries=true
	EpisodeFile                *EpisodeFile `json:"episodeFile"` // with includeEpisodeFile=true
}

// Series is Sonarr's SeriesResource. Statistics are present from /series,
// absent from the series embedded in an episode.
type Series struct {
	ID                int64             `json:"id"`
	Title             string            `json:"title"`
	SortTitle         string            `json:"sortTitle"`
	Status            string            `json:"status"` // continuing, ended, upcoming, deleted
	Ended             bool              `json:"ended"`
	Network           string            `json:"network"`
	AirTime           string            `json:"airTime"`
	Year              int               `json:"year"`
	Path              string            `json:"path"`
	QualityProfileID  int64             `json:"qualityProfileId"`
	SeasonFolder      bool              `json:"seasonFolder"`
	Monitored         bool              `json:"monitored"`
	MonitorNewItems   string            `json:"monitorNewItems"`
	UseSceneNumbering bool              `json:"useSceneNumbering"`
	Runtime           int               `json:"runtime"`
	TvdbID            int64             `json:"tvdbId"`
	TvMazeID          int64             `json:"tvMazeId"`
	TmdbID            int64             `json:"tmdbId"`
	ImdbID            string            `json:"imdbId"`
	FirstAired        Time              `json:"firstAired"`
	LastAired         Time              `json:"lastAired"`
	NextAiring        Time              `json:"nextAiring"`
	PreviousAiring    Time              `json:"previousAiring"`
	SeriesType        string            `json:"seriesType"` // standard, daily, anime
	TitleSlug         string            `json:"titleSlug"`
	Genres            []string          `json:"genres"`
	Tags              []int64           `json:"tags"`
	Added             Time              `json:"added"`
	Seasons           []Season          `json:"seasons"`
	Statistics        *SeriesStatistics `json:"statistics"`
}

// SeasonMonitored reports whether season n of the series is monitored; a
// season the series does not list counts as unmonitored.
func (s *Series) SeasonMonitored(n int) bool {
	for _, season := range s.Seasons {
		if season.SeasonNumber == n {
			return season.Monitored
		}
	}
	return false
}

// Season is one season of a Series.
type Season struct {
	SeasonNumber int               `json:"seasonNumber"`
	Monitored    bool              `json:"monitored"`
	Statistics   *SeasonStatistics `json:"statistics"`
}

// SeriesStatistics counts a series' episodes and files.
type SeriesStatistics struct {
	SeasonCount       int     `json:"seasonCount"`
	EpisodeFileCount  int     `json:"episodeFileCount"`
	EpisodeCount      int     `json:"episodeCount"`
	TotalEpisodeCount int     `json:"totalEpisodeCount"`
	SizeOnDisk        int64   `json:"sizeOnDisk"`
	PercentOfEpisodes float64 `json:"percentOfEpisodes"`
}

// SeasonStatistics counts one season's episodes and files.
type SeasonStatistics struct {
	NextAiring        Time    `json:"nextAiring"`
	PreviousAiring    Time    `json:"previousAiring"`
	EpisodeFileCount  int     `json:"episodeFileCount"`
	EpisodeCount      int     `json:"episodeCount"`
	TotalEpisodeCount int     `json:"totalEpisodeCount"`
	SizeOnDisk        int64   `json:"sizeOnDisk"`
	PercentOfEpisodes float64 `json:"percentOfEpisodes"`
}

// EpisodeFile is Sonarr's EpisodeFileResource, embedded in cutoff records.
type EpisodeFile struct {
	ID                  int64        `json:"id"`
	SeriesID            int64        `json:"seriesId"`
	SeasonNumber        int          `json:"seasonNumber"`
	RelativePath        string       `json:"relativePath"`
	Size                int64        `json:"size"`
	DateAdded           Time         `json:"dateAdded"`
	ReleaseGroup        string       `json:"releaseGroup"`
	Quality             QualityModel `json:"quality"`
	CustomFormatScore   int          `json:"customFormatScore"`
	QualityCutoffNotMet bool         `json:"qualityCutoffNotMet"`
}
