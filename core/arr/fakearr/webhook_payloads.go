package fakearr

import (
	"fmt"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// hookEvent is one webhook to send: its eventType and payload.
type hookEvent struct {
	eventType string
	payload   any
}

// hookTail holds the fields every payload ends with.
type hookTail struct {
	EventType      string  `json:"eventType"`
	InstanceName   string  `json:"instanceName"`
	ApplicationURL *string `json:"applicationUrl,omitempty"`
}

// tail builds the common fields; withURL adds the empty applicationUrl.
func (in *Instance) tail(event string, withURL bool) hookTail {
	t := hookTail{EventType: event, InstanceName: in.cfg.InstanceName}
	if withURL {
		empty := ""
		t.ApplicationURL = &empty
	}
	return t
}

type hookSeries struct {
	ID               int          `json:"id"`
	Title            string       `json:"title"`
	TitleSlug        string       `json:"titleSlug,omitempty"`
	Path             string       `json:"path"`
	TvdbID           int          `json:"tvdbId"`
	TvMazeID         int          `json:"tvMazeId"`
	TmdbID           int          `json:"tmdbId"`
	ImdbID           string       `json:"imdbId,omitempty"`
	Type             string       `json:"type"`
	Year             int          `json:"year"`
	Genres           []string     `json:"genres,omitempty"`
	Images           []mediaCover `json:"images,omitempty"`
	Tags             []string     `json:"tags"`
	OriginalLanguage *language    `json:"originalLanguage,omitempty"`
}

type hookEpisode struct {
	ID            int      `json:"id"`
	EpisodeNumber int      `json:"episodeNumber"`
	SeasonNumber  int      `json:"seasonNumber"`
	Title         string   `json:"title"`
	Overview      string   `json:"overview,omitempty"`
	AirDate       string   `json:"airDate,omitempty"`
	AirDateUTC    hookTime `json:"airDateUtc,omitzero"`
	SeriesID      int      `json:"seriesId"`
	TvdbID        int      `json:"tvdbId"`
}

// grabRelease is the release of a Grab payload; IndexerFlags is Radarr's.
type grabRelease struct {
	Quality           string     `json:"quality"`
	QualityVersion    int        `json:"qualityVersion"`
	ReleaseGroup      string     `json:"releaseGroup"`
	ReleaseTitle      string     `json:"releaseTitle"`
	Indexer           string     `json:"indexer"`
	Size              int64      `json:"size"`
	CustomFormatScore int        `json:"customFormatScore"`
	CustomFormats     []string   `json:"customFormats"`
	Languages         []language `json:"languages"`
	IndexerFlags      *[]string  `json:"indexerFlags,omitempty"`
}

// testRelease is the release of Radarr's Test payload.
type testRelease struct {
	Quality           string `json:"quality"`
	QualityVersion    int    `json:"qualityVersion"`
	ReleaseGroup      string `json:"releaseGroup"`
	ReleaseTitle      string `json:"releaseTitle"`
	Indexer           string `json:"indexer"`
	Size              int64  `json:"size"`
	CustomFormatScore int    `json:"customFormatScore"`
}

// downloadRelease is the release of a Download payload: releaseType for
// Sonarr, indexerFlags for Radarr.
type downloadRelease struct {
	ReleaseTitle string    `json:"releaseTitle,omitempty"`
	Indexer      string    `json:"indexer,omitempty"`
	Size         int64     `json:"size"`
	ReleaseType  string    `json:"releaseType,omitempty"`
	IndexerFlags *[]string `json:"indexerFlags,omitempty"`
}

type hookCustomFormatInfo struct {
	CustomFormats     []struct{} `json:"customFormats"`
	CustomFormatScore int        `json:"customFormatScore"`
}

type hookMediaInfo struct {
	AudioChannels         float64  `json:"audioChannels"`
	AudioCodec            string   `json:"audioCodec"`
	AudioLanguages        []string `json:"audioLanguages"`
	Height                int      `json:"height"`
	Width                 int      `json:"width"`
	Subtitles             []string `json:"subtitles"`
	VideoCodec            string   `json:"videoCodec"`
	VideoDynamicRange     string   `json:"videoDynamicRange"`
	VideoDynamicRangeType string   `json:"videoDynamicRangeType"`
}

type hookFile struct {
	ID             int           `json:"id"`
	RelativePath   string        `json:"relativePath"`
	Path           string        `json:"path"`
	Quality        string        `json:"quality"`
	QualityVersion int           `json:"qualityVersion"`
	ReleaseGroup   string        `json:"releaseGroup,omitempty"`
	SceneName      string        `json:"sceneName,omitempty"`
	IndexerFlags   *string       `json:"indexerFlags,omitempty"`
	Size           int64         `json:"size"`
	DateAdded      hookTime      `json:"dateAdded"`
	Languages      []language    `json:"languages"`
	MediaInfo      hookMediaInfo `json:"mediaInfo"`
	SourcePath     string        `json:"sourcePath,omitempty"`
	RecycleBinPath string        `json:"recycleBinPath,omitempty"`
}

type hookMovie struct {
	ID               int          `json:"id"`
	Title            string       `json:"title"`
	Year             int          `json:"year"`
	ReleaseDate      string       `json:"releaseDate"`
	FolderPath       string       `json:"folderPath"`
	TmdbID           int          `json:"tmdbId"`
	ImdbID           string       `json:"imdbId,omitempty"`
	Overview         string       `json:"overview,omitempty"`
	Genres           []string     `json:"genres,omitempty"`
	Images           []mediaCover `json:"images,omitempty"`
	Tags             []string     `json:"tags"`
	OriginalLanguage *language    `json:"originalLanguage,omitempty"`
}

type hookRemoteMovie struct {
	TmdbID int    `json:"tmdbId"`
	ImdbID string `json:"imdbId"`
	Title  string `json:"title"`
	Year   int    `json:"year"`
}

// tagNames turns tag ids into labels, as webhooks carry them.
func tagNames(ids []int) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id >= 1 && id <= len(tagLabels) {
			out = append(out, tagLabels[id-1])
		}
	}
	return out
}

func (in *Instance) hookSeries(si int) hookSeries {
	s := &in.son.series[si]
	l := english
	return hookSeries{
		ID: s.id, Title: s.title, TitleSlug: s.slug, Path: s.path(), TvdbID: s.tvdbID, TvMazeID: s.tvMazeID,
		TmdbID: s.tmdbID, ImdbID: s.imdbID, Type: s.seriesType, Year: s.year, Genres: s.genres,
		Images: []mediaCover{{CoverType: "poster", URL: fmt.Sprintf("/MediaCover/%d/poster.jpg", s.id),
			RemoteURL: fmt.Sprintf("https://artworks.thetvdb.com/banners/posters/%d-1.jpg", s.tvdbID)}},
		Tags: tagNames(s.tags), OriginalLanguage: &l,
	}
}

func (in *Instance) hookEpisode(i int32) hookEpisode {
	e := &in.son.episodes[i]
	var airUTC hookTime
	if e.air != 0 {
		airUTC = hookTime(time.Unix(e.air, 0))
	}
	return hookEpisode{
		ID: int(e.id), EpisodeNumber: int(e.number), SeasonNumber: int(e.season),
		Title: episodeTitle(in.cfg.Seed, e.id), Overview: "An episode of " + in.son.series[e.series].title + ".",
		AirDate: airDate(e.air), AirDateUTC: airUTC, SeriesID: int(e.series) + 1, TvdbID: 1000000 + int(e.id)*7,
	}
}

func (in *Instance) hookMovie(i int) hookMovie {
	m := &in.rad.movies[i]
	rd := "9999-12-31"
	switch {
	case m.physical != 0:
		rd = airDate(m.physical)
	case m.inCinemas != 0:
		rd = airDate(m.inCinemas + 90*day)
	}
	l := english
	return hookMovie{
		ID: m.id, Title: m.title, Year: m.year, ReleaseDate: rd, FolderPath: m.path(), TmdbID: m.tmdbID,
		ImdbID: m.imdbID, Overview: fmt.Sprintf("%s, a %s film.", m.title, m.studio), Genres: m.genres,
		Images: []mediaCover{{CoverType: "poster", URL: fmt.Sprintf("/MediaCover/%d/poster.jpg", m.id),
			RemoteURL: fmt.Sprintf("https://image.tmdb.org/t/p/original/%d.jpg", m.tmdbID)}},
		Tags: tagNames(m.tags), OriginalLanguage: &l,
	}
}

func remoteMovie(m *movie) hookRemoteMovie {
	return hookRemoteMovie{TmdbID: m.tmdbID, ImdbID: m.imdbID, Title: m.title, Year: m.year}
}

// mediaInfoFor invents media info matching a quality.
func mediaInfoFor(q quality) hookMediaInfo {
	width := map[int]int{480: 720, 720: 1280, 1080: 1920, 2160: 3840}[q.resolution]
	mi := hookMediaInfo{AudioChannels: 5.1, AudioCodec: "EAC3", AudioLanguages: []string{"eng"}, Height: q.resolution,
		Width: width, Subtitles: []string{"eng"}, VideoCodec: "h264"}
	if q.resolution == 2160 {
		mi.VideoCodec, mi.VideoDynamicRange, mi.VideoDynamicRangeType = "HEVC", "HDR", "HDR10"
	}
	return mi
}

// fileOf renders a file for webhooks.
func (in *Instance) fileOf(item int32, f fileInfo) hookFile {
	if in.cfg.Kind == domain.KindSonarr {
		saved := in.son.episodes[item].file
		in.son.episodes[item].file = f
		r := in.episodeFileResource(item)
		in.son.episodes[item].file = saved
		q, _ := qualityByID(sonarrQualities, int(f.quality))
		return hookFile{ID: r.ID, RelativePath: r.RelativePath, Path: r.Path, Quality: q.name, QualityVersion: 1,
			ReleaseGroup: r.ReleaseGroup, SceneName: r.SceneName, Size: r.Size, DateAdded: hookTime(time.Unix(f.added, 0)),
			Languages: []language{english}, MediaInfo: mediaInfoFor(q)}
	}
	saved := in.rad.movies[item].file
	in.rad.movies[item].file = f
	r := in.movieFileResource(int(item))
	in.rad.movies[item].file = saved
	q, _ := qualityByID(radarrQualities, int(f.quality))
	flags := "0"
	return hookFile{ID: r.ID, RelativePath: r.RelativePath, Path: r.Path, Quality: q.name, QualityVersion: 1,
		ReleaseGroup: r.ReleaseGroup, SceneName: r.SceneName, IndexerFlags: &flags, Size: r.Size,
		DateAdded: hookTime(time.Unix(f.added, 0)), Languages: []language{english}, MediaInfo: mediaInfoFor(q)}
}
