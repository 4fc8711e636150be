package arr

// Movie is Radarr's MovieResource, as the wanted lists, the calendar and
// /movie return it. Fields the application left out are zero.
type Movie struct {
	ID                  int64            `json:"id"`
	Title               string           `json:"title"`
	OriginalTitle       string           `json:"originalTitle"`
	SortTitle           string           `json:"sortTitle"`
	Status              string           `json:"status"` // tba, announced, inCinemas, released, deleted
	InCinemas           Time             `json:"inCinemas"`
	PhysicalRelease     Time             `json:"physicalRelease"`
	DigitalRelease      Time             `json:"digitalRelease"`
	ReleaseDate         Time             `json:"releaseDate"`
	Year                int              `json:"year"`
	Path                string           `json:"path"`
	QualityProfileID    int64            `json:"qualityProfileId"`
	HasFile             *bool            `json:"hasFile"`
	MovieFileID         int64            `json:"movieFileId"`
	Monitored           bool             `json:"monitored"`
	MinimumAvailability string           `json:"minimumAvailability"` // tba, announced, inCinemas, released
	IsAvailable         bool             `json:"isAvailable"`
	Runtime             int              `json:"runtime"`
	ImdbID              string           `json:"imdbId"`
	TmdbID              int64            `json:"tmdbId"`
	TitleSlug           string           `json:"titleSlug"`
	Studio              string           `json:"studio"`
	Genres              []string         `json:"genres"`
	Tags                []int64          `json:"tags"`
	Added               Time             `json:"added"`
	LastSearchTime      Time             `json:"lastSearchTime"`
	Popularity          float64          `json:"popularity"`
	Statistics          *MovieStatistics `json:"statistics"`
	MovieFile           *MovieFile       `json:"movieFile"`
}

// HasMovieFile reports whether the movie has a file: hasFile if the
// application sent it, otherwise the statistics or movieFileId.
func (m *Movie) HasMovieFile() bool {
	switch {
	case m.HasFile != nil:
		return *m.HasFile
	case m.Statistics != nil:
		return m.Statistics.MovieFileCount > 0
	}
	return m.MovieFileID != 0
}

// MovieStatistics summarises a movie's files.
type MovieStatistics struct {
	MovieFileCount int      `json:"movieFileCount"`
	SizeOnDisk     int64    `json:"sizeOnDisk"`
	ReleaseGroups  []string `json:"releaseGroups"`
}

// MovieFile is Radarr's MovieFileResource, present when the movie has one.
type MovieFile struct {
	ID                  int64        `json:"id"`
	MovieID             int64        `json:"movieId"`
	RelativePath        string       `json:"relativePath"`
	Size                int64        `json:"size"`
	DateAdded           Time         `json:"dateAdded"`
	ReleaseGroup        string       `json:"releaseGroup"`
	Edition             string       `json:"edition"`
	Quality             QualityModel `json:"quality"`
	CustomFormatScore   int          `json:"customFormatScore"`
	QualityCutoffNotMet bool         `json:"qualityCutoffNotMet"`
}
