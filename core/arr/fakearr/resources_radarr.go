package fakearr

import (
	"fmt"
	"time"
)

// movieResource is Radarr's MovieResource.
type movieResource struct {
	Title                 string             `json:"title"`
	OriginalTitle         string             `json:"originalTitle"`
	OriginalLanguage      language           `json:"originalLanguage"`
	AlternateTitles       []struct{}         `json:"alternateTitles"`
	SecondaryYearSourceID int                `json:"secondaryYearSourceId"`
	SortTitle             string             `json:"sortTitle"`
	SizeOnDisk            int64              `json:"sizeOnDisk"`
	Status                string             `json:"status"`
	Overview              string             `json:"overview,omitempty"`
	InCinemas             apiTime            `json:"inCinemas,omitzero"`
	PhysicalRelease       apiTime            `json:"physicalRelease,omitzero"`
	DigitalRelease        apiTime            `json:"digitalRelease,omitzero"`
	ReleaseDate           apiTime            `json:"releaseDate,omitzero"`
	Images                []mediaCover       `json:"images"`
	Website               string             `json:"website,omitempty"`
	Year                  int                `json:"year"`
	Studio                string             `json:"studio,omitempty"`
	Path                  string             `json:"path"`
	QualityProfileID      int                `json:"qualityProfileId"`
	HasFile               bool               `json:"hasFile"`
	MovieFileID           int                `json:"movieFileId"`
	Monitored             bool               `json:"monitored"`
	MinimumAvailability   string             `json:"minimumAvailability"`
	IsAvailable           bool               `json:"isAvailable"`
	FolderName            string             `json:"folderName"`
	Runtime               int                `json:"runtime"`
	CleanTitle            string             `json:"cleanTitle"`
	ImdbID                string             `json:"imdbId,omitempty"`
	TmdbID                int                `json:"tmdbId"`
	TitleSlug             string             `json:"titleSlug"`
	RootFolderPath        string             `json:"rootFolderPath"`
	Certification         string             `json:"certification,omitempty"`
	Genres                []string           `json:"genres"`
	Keywords              []string           `json:"keywords"`
	Tags                  []int              `json:"tags"`
	Added                 apiTime            `json:"added"`
	Ratings               movieRatings       `json:"ratings"`
	MovieFile             *movieFileResource `json:"movieFile,omitempty"`
	Popularity            float64            `json:"popularity"`
	LastSearchTime        apiTime            `json:"lastSearchTime,omitzero"`
	Statistics            movieStatistics    `json:"statistics"`
	ID                    int                `json:"id,omitempty"`
}

type movieRatings struct {
	Imdb *ratingChild `json:"imdb,omitempty"`
	Tmdb *ratingChild `json:"tmdb,omitempty"`
}

type ratingChild struct {
	Votes int     `json:"votes"`
	Value float64 `json:"value"`
	Type  string  `json:"type"`
}

type movieStatistics struct {
	MovieFileCount int      `json:"movieFileCount"`
	SizeOnDisk     int64    `json:"sizeOnDisk"`
	ReleaseGroups  []string `json:"releaseGroups"`
}

// movieFileResource is Radarr's MovieFileResource.
type movieFileResource struct {
	MovieID             int          `json:"movieId"`
	RelativePath        string       `json:"relativePath"`
	Path                string       `json:"path"`
	Size                int64        `json:"size"`
	DateAdded           apiTime      `json:"dateAdded"`
	SceneName           string       `json:"sceneName,omitempty"`
	ReleaseGroup        string       `json:"releaseGroup,omitempty"`
	Languages           []language   `json:"languages"`
	Quality             qualityModel `json:"quality"`
	CustomFormats       []struct{}   `json:"customFormats"`
	CustomFormatScore   int          `json:"customFormatScore"`
	IndexerFlags        int          `json:"indexerFlags"`
	QualityCutoffNotMet bool         `json:"qualityCutoffNotMet"`
	ID                  int          `json:"id,omitempty"`
}

// releaseDate is Radarr's computed Movie.GetReleaseDate.
func (m *movie) releaseDate() int64 {
	switch m.minAvailability {
	case "tba", "announced":
		return firstNonZero(m.inCinemas, m.digital, m.physical)
	case "inCinemas":
		return m.inCinemas
	}
	if d := firstNonZero(m.digital, m.physical); d != 0 {
		return d
	}
	if m.inCinemas != 0 {
		return m.inCinemas + 90*day
	}
	return 0
}

// isAvailable is Radarr's Movie.IsAvailable at now with a delay in days
// (NOTES Q5).
func (m *movie) isAvailable(now int64, delayDays int) bool {
	delay := int64(delayDays) * day
	switch m.minAvailability {
	case "tba", "announced":
		return true
	case "inCinemas":
		if m.inCinemas != 0 {
			return m.inCinemas+delay <= now
		}
	}
	if d := firstNonZero(m.digital, m.physical); d != 0 {
		return d+delay <= now
	}
	if m.inCinemas != 0 {
		return m.inCinemas+90*day+delay <= now
	}
	return false
}

// path is the movie folder.
func (m *movie) path() string { return fmt.Sprintf("/movies/%s (%d)", m.title, m.year) }

// movieResource builds the resource of the movie at index i. The caller
// holds the instance lock.
func (in *Instance) movieResource(i int, now time.Time) movieResource {
	m := &in.rad.movies[i]
	r := movieResource{
		Title:               m.title,
		OriginalTitle:       m.title,
		OriginalLanguage:    english,
		AlternateTitles:     []struct{}{},
		SortTitle:           m.sortTitle,
		Status:              m.status,
		Overview:            fmt.Sprintf("%s, a %s film.", m.title, m.studio),
		InCinemas:           at(m.inCinemas),
		PhysicalRelease:     at(m.physical),
		DigitalRelease:      at(m.digital),
		ReleaseDate:         at(m.releaseDate()),
		Images:              []mediaCover{{CoverType: "poster", URL: fmt.Sprintf("/MediaCover/%d/poster.jpg", m.id), RemoteURL: fmt.Sprintf("https://image.tmdb.org/t/p/original/%d.jpg", m.tmdbID)}},
		Year:                m.year,
		Studio:              m.studio,
		Path:                m.path(),
		QualityProfileID:    m.profile,
		HasFile:             m.file.id != 0,
		MovieFileID:         int(m.file.id),
		Monitored:           m.monitored,
		MinimumAvailability: m.minAvailability,
		IsAvailable:         m.isAvailable(now.Unix(), in.cfg.AvailabilityDelay),
		FolderName:          m.path(),
		Runtime:             m.runtime,
		CleanTitle:          cleanTitleOf(m.title),
		ImdbID:              m.imdbID,
		TmdbID:              m.tmdbID,
		TitleSlug:           fmt.Sprint(m.tmdbID),
		RootFolderPath:      "/movies",
		Certification:       m.certification,
		Genres:              m.genres,
		Keywords:            []string{},
		Tags:                m.tags,
		Added:               at(m.added),
		Ratings: movieRatings{
			Imdb: &ratingChild{Votes: 1000 + m.id*31%90000, Value: 4 + float64(m.id%60)/10, Type: "user"},
			Tmdb: &ratingChild{Votes: 100 + m.id*17%9000, Value: 4 + float64(m.id%55)/10, Type: "user"},
		},
		Popularity:     float64(m.id%300) + 0.5,
		LastSearchTime: at(m.lastSearch),
		Statistics:     movieStatistics{ReleaseGroups: []string{}},
		ID:             m.id,
	}
	if m.file.id != 0 {
		f := in.movieFileResource(i)
		r.MovieFile = &f
		r.SizeOnDisk = m.file.size
		r.Statistics = movieStatistics{MovieFileCount: 1, SizeOnDisk: m.file.size, ReleaseGroups: []string{f.ReleaseGroup}}
	}
	return r
}

// movieFileResource builds the file resource of the movie at index i.
func (in *Instance) movieFileResource(i int) movieFileResource {
	m := &in.rad.movies[i]
	q, rank := qualityByID(radarrQualities, int(m.file.quality))
	group := releaseGroups[m.file.group]
	rel := fmt.Sprintf("%s (%d) [%s]-%s.mkv", m.title, m.year, q.name, group)
	return movieFileResource{
		MovieID:             m.id,
		RelativePath:        rel,
		Path:                m.path() + "/" + rel,
		Size:                m.file.size,
		DateAdded:           at(m.file.added),
		SceneName:           movieReleaseName(m, q.name, group),
		ReleaseGroup:        group,
		Languages:           []language{english},
		Quality:             toQualityModel(q),
		CustomFormats:       []struct{}{},
		QualityCutoffNotMet: rank < profiles[m.profile-1].effectiveCutoff(),
		ID:                  int(m.file.id),
	}
}

// movieReleaseName is a scene-style release title for a movie.
func movieReleaseName(m *movie, q, group string) string {
	return fmt.Sprintf("%s.%d.%s-%s", slugDots(m.title), m.year, q, group)
}
