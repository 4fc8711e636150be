package fakearr

import "fmt"

// language is the apps' Language object.
type language struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

var english = language{ID: 1, Name: "English"}

// mediaCover is an image reference.
type mediaCover struct {
	CoverType string `json:"coverType"`
	URL       string `json:"url,omitempty"`
	RemoteURL string `json:"remoteUrl,omitempty"`
}

// episodeResource is Sonarr's EpisodeResource.
type episodeResource struct {
	SeriesID                 int                  `json:"seriesId"`
	TvdbID                   int                  `json:"tvdbId"`
	EpisodeFileID            int                  `json:"episodeFileId"`
	SeasonNumber             int                  `json:"seasonNumber"`
	EpisodeNumber            int                  `json:"episodeNumber"`
	Title                    string               `json:"title,omitempty"`
	AirDate                  string               `json:"airDate,omitempty"`
	AirDateUTC               apiTime              `json:"airDateUtc,omitzero"`
	LastSearchTime           apiTime              `json:"lastSearchTime,omitzero"`
	Runtime                  int                  `json:"runtime"`
	FinaleType               string               `json:"finaleType,omitempty"`
	Overview                 string               `json:"overview,omitempty"`
	EpisodeFile              *episodeFileResource `json:"episodeFile,omitempty"`
	HasFile                  bool                 `json:"hasFile"`
	Monitored                bool                 `json:"monitored"`
	AbsoluteEpisodeNumber    *int                 `json:"absoluteEpisodeNumber,omitempty"`
	UnverifiedSceneNumbering bool                 `json:"unverifiedSceneNumbering"`
	Series                   *seriesResource      `json:"series,omitempty"`
	Images                   []mediaCover         `json:"images,omitempty"`
	ID                       int                  `json:"id,omitempty"`
}

// seriesResource is Sonarr's SeriesResource.
type seriesResource struct {
	Title             string            `json:"title"`
	SortTitle         string            `json:"sortTitle"`
	Status            string            `json:"status"`
	Ended             bool              `json:"ended"`
	Overview          string            `json:"overview,omitempty"`
	PreviousAiring    apiTime           `json:"previousAiring,omitzero"`
	NextAiring        apiTime           `json:"nextAiring,omitzero"`
	Network           string            `json:"network,omitempty"`
	AirTime           string            `json:"airTime,omitempty"`
	Images            []mediaCover      `json:"images"`
	OriginalLanguage  language          `json:"originalLanguage"`
	Seasons           []seasonResource  `json:"seasons"`
	Year              int               `json:"year"`
	Path              string            `json:"path"`
	QualityProfileID  int               `json:"qualityProfileId"`
	SeasonFolder      bool              `json:"seasonFolder"`
	Monitored         bool              `json:"monitored"`
	MonitorNewItems   string            `json:"monitorNewItems"`
	UseSceneNumbering bool              `json:"useSceneNumbering"`
	Runtime           int               `json:"runtime"`
	TvdbID            int               `json:"tvdbId"`
	TvRageID          int               `json:"tvRageId"`
	TvMazeID          int               `json:"tvMazeId"`
	TmdbID            int               `json:"tmdbId"`
	FirstAired        apiTime           `json:"firstAired,omitzero"`
	LastAired         apiTime           `json:"lastAired,omitzero"`
	SeriesType        string            `json:"seriesType"`
	CleanTitle        string            `json:"cleanTitle"`
	ImdbID            string            `json:"imdbId,omitempty"`
	TitleSlug         string            `json:"titleSlug"`
	RootFolderPath    string            `json:"rootFolderPath,omitempty"`
	Certification     string            `json:"certification,omitempty"`
	Genres            []string          `json:"genres"`
	Tags              []int             `json:"tags"`
	Added             apiTime           `json:"added"`
	Ratings           seriesRatings     `json:"ratings"`
	Statistics        *seriesStatistics `json:"statistics,omitempty"`
	LanguageProfileID int               `json:"languageProfileId"`
	ID                int               `json:"id,omitempty"`
}

type seriesRatings struct {
	Votes int     `json:"votes"`
	Value float64 `json:"value"`
}

type seasonResource struct {
	SeasonNumber int               `json:"seasonNumber"`
	Monitored    bool              `json:"monitored"`
	Statistics   *seasonStatistics `json:"statistics,omitempty"`
}

type seasonStatistics struct {
	NextAiring        apiTime  `json:"nextAiring,omitzero"`
	PreviousAiring    apiTime  `json:"previousAiring,omitzero"`
	EpisodeFileCount  int      `json:"episodeFileCount"`
	EpisodeCount      int      `json:"episodeCount"`
	TotalEpisodeCount int      `json:"totalEpisodeCount"`
	SizeOnDisk        int64    `json:"sizeOnDisk"`
	ReleaseGroups     []string `json:"releaseGroups"`
	PercentOfEpisodes float64  `json:"percentOfEpisodes"`
}

type seriesStatistics struct {
	SeasonCount       int      `json:"seasonCount"`
	EpisodeFileCount  int      `json:"episodeFileCount"`
	EpisodeCount      int      `json:"episodeCount"`
	TotalEpisodeCount int      `json:"totalEpisodeCount"`
	SizeOnDisk        int64    `json:"sizeOnDisk"`
	ReleaseGroups     []string `json:"releaseGroups"`
	PercentOfEpisodes float64  `json:"percentOfEpisodes"`
}

// qualityModel is the apps' QualityModel.
type qualityModel struct {
	Quality  qualityResource `json:"quality"`
	Revision revision        `json:"revision"`
}

type qualityResource struct {
	ID         int    `json:"id"`
	Name       string `json:"name"`
	Source     string `json:"source"`
	Resolution int    `json:"resolution"`
	Modifier   string `json:"modifier,omitempty"`
}

type revision struct {
	Version  int  `json:"version"`
	Real     int  `json:"real"`
	IsRepack bool `json:"isRepack"`
}

// episodeFileResource is Sonarr's EpisodeFileResource.
type episodeFileResource struct {
	SeriesID            int          `json:"seriesId"`
	SeasonNumber        int          `json:"seasonNumber"`
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
	ReleaseType         string       `json:"releaseType"`
	QualityCutoffNotMet bool         `json:"qualityCutoffNotMet"`
	ID                  int          `json:"id,omitempty"`
}

// qualityByID finds a quality and its rank in a table.
func qualityByID(table []quality, id int) (quality, int) {
	for i, q := range table {
		if q.id == id {
			return q, i
		}
	}
	return table[0], 0
}

func toQualityModel(q quality) qualityModel {
	return qualityModel{
		Quality:  qualityResource{ID: q.id, Name: q.name, Source: q.source, Resolution: q.resolution, Modifier: q.modifier},
		Revision: revision{Version: 1},
	}
}

// seriesPath is the series folder.
func (s *series) path() string { return "/tv/" + s.title }

// episodeOpts selects the optional parts of an EpisodeResource.
type episodeOpts struct {
	series, file, images bool
}

// episodeResource builds the resource of the episode at index i. The caller
// holds the instance lock.
func (in *Instance) episodeResource(i int32, o episodeOpts) episodeResource {
	lib := in.son
	e := &lib.episodes[i]
	s := &lib.series[e.series]
	r := episodeResource{
		SeriesID:      s.id,
		TvdbID:        1000000 + int(e.id)*7,
		EpisodeFileID: int(e.file.id),
		SeasonNumber:  int(e.season),
		EpisodeNumber: int(e.number),
		Title:         episodeTitle(in.cfg.Seed, e.id),
		AirDate:       airDate(e.air),
		AirDateUTC:    at(e.air),
		Runtime:       s.runtime,
		HasFile:       e.file.id != 0,
		Monitored:     e.monitored,
		ID:            int(e.id),
	}
	r.LastSearchTime = at(e.lastSearch)
	if e.air == 0 && e.season > 0 {
		r.Title = "TBA"
	}
	switch e.finale {
	case 1:
		r.FinaleType = "season"
	case 2:
		r.FinaleType = "series"
	}
	if e.absolute != 0 {
		a := int(e.absolute)
		r.AbsoluteEpisodeNumber = &a
	}
	if o.series {
		sr := in.seriesResource(int(e.series), false)
		r.Series = &sr
	}
	if o.file && e.file.id != 0 {
		f := in.episodeFileResource(i)
		r.EpisodeFile = &f
	}
	if o.images {
		r.Images = []mediaCover{{CoverType: "screenshot", URL: fmt.Sprintf("/MediaCover/%d/%d.jpg", s.id, e.id)}}
	}
	return r
}

// episodeFileResource builds the file resource of the episode at index i.
func (in *Instance) episodeFileResource(i int32) episodeFileResource {
	e := &in.son.episodes[i]
	s := &in.son.series[e.series]
	q, rank := qualityByID(sonarrQualities, int(e.file.quality))
	p := profiles[s.profile-1]
	rel := fmt.Sprintf("Season %02d/%s - S%02dE%02d - %s %s.mkv", e.season, s.title, e.season, e.number, episodeTitle(in.cfg.Seed, e.id), q.name)
	group := releaseGroups[e.file.group]
	return episodeFileResource{
		SeriesID:            s.id,
		SeasonNumber:        int(e.season),
		RelativePath:        rel,
		Path:                s.path() + "/" + rel,
		Size:                e.file.size,
		DateAdded:           at(e.file.added),
		SceneName:           releaseName(s.title, int(e.season), int(e.number), q.name, group),
		ReleaseGroup:        group,
		Languages:           []language{english},
		Quality:             toQualityModel(q),
		CustomFormats:       []struct{}{},
		ReleaseType:         "singleEpisode",
		QualityCutoffNotMet: rank < p.effectiveCutoff(),
		ID:                  int(e.file.id),
	}
}

// releaseName is a scene-style release title.
func releaseName(title string, season, number int, q, group string) string {
	return fmt.Sprintf("%s.S%02dE%02d.%s-%s", slugDots(title), season, number, q, group)
}

func slugDots(t string) string {
	b := []byte(slugOf(t))
	for i, c := range b {
		if c == '-' {
			b[i] = '.'
		}
	}
	return string(b)
}

// seriesResource builds the resource of the series at index si, with
// statistics when stats is set. The caller holds the instance lock.
func (in *Instance) seriesResource(si int, stats bool) seriesResource {
	s := &in.son.series[si]
	r := seriesResource{
		Title:     s.title,
		SortTitle: s.sortTitle,
		Status:    s.status,
		Ended:     s.status == "ended",
		Overview:  fmt.Sprintf("%s follows a story told on %s.", s.title, s.network),
		Network:   s.network,
		AirTime:   s.airTime,
		Images: []mediaCover{
			{CoverType: "poster", URL: fmt.Sprintf("/MediaCover/%d/poster.jpg", s.id), RemoteURL: fmt.Sprintf("https://artworks.thetvdb.com/banners/posters/%d-1.jpg", s.tvdbID)},
		},
		OriginalLanguage:  english,
		Year:              s.year,
		Path:              s.path(),
		QualityProfileID:  s.profile,
		SeasonFolder:      true,
		Monitored:         s.monitored,
		MonitorNewItems:   "all",
		Runtime:           s.runtime,
		TvdbID:            s.tvdbID,
		TvMazeID:          s.tvMazeID,
		TmdbID:            s.tmdbID,
		SeriesType:        s.seriesType,
		CleanTitle:        cleanTitleOf(s.title),
		ImdbID:            s.imdbID,
		TitleSlug:         s.slug,
		RootFolderPath:    "/tv",
		Certification:     s.certification,
		Genres:            s.genres,
		Tags:              s.tags,
		Added:             at(s.added),
		Ratings:           seriesRatings{Votes: 100 + s.id*37%5000, Value: 5 + float64(s.id%50)/10},
		LanguageProfileID: 1,
		ID:                s.id,
	}
	r.FirstAired = at(s.firstAired)
	if s.status == "ended" {
		r.LastAired = at(s.lastAired)
	}
	eps := in.son.episodes[s.first : s.first+s.count]
	r.Seasons = make([]seasonResource, len(s.seasons))
	now := in.now().Unix()
	var total seriesStatistics
	groups := map[string]bool{}
	for k, sn := range s.seasons {
		r.Seasons[k] = seasonResource{SeasonNumber: sn.number, Monitored: sn.monitored}
		if !stats {
			continue
		}
		st := &seasonStatistics{ReleaseGroups: []string{}}
		for _, e := range eps {
			if int(e.season) != sn.number {
				continue
			}
			st.TotalEpisodeCount++
			if e.file.id != 0 {
				st.EpisodeFileCount++
				st.SizeOnDisk += e.file.size
				g := releaseGroups[e.file.group]
				if !groups[g] {
					groups[g] = true
				}
				st.ReleaseGroups = appendUnique(st.ReleaseGroups, g)
			}
			if e.file.id != 0 || (e.monitored && e.air != 0 && e.air <= now) {
				st.EpisodeCount++
			}
			if e.air != 0 && e.air <= now && at(e.air) > st.PreviousAiring {
				st.PreviousAiring = at(e.air)
			}
			if e.air > now && (st.NextAiring == 0 || at(e.air) < st.NextAiring) {
				st.NextAiring = at(e.air)
			}
		}
		if st.EpisodeCount > 0 {
			st.PercentOfEpisodes = float64(st.EpisodeFileCount) / float64(st.EpisodeCount) * 100
		}
		r.Seasons[k].Statistics = st
		if sn.number > 0 {
			total.SeasonCount++
		}
		total.EpisodeFileCount += st.EpisodeFileCount
		total.EpisodeCount += st.EpisodeCount
		total.TotalEpisodeCount += st.TotalEpisodeCount
		total.SizeOnDisk += st.SizeOnDisk
		if st.PreviousAiring > r.PreviousAiring {
			r.PreviousAiring = st.PreviousAiring
		}
		if st.NextAiring != 0 && (r.NextAiring == 0 || st.NextAiring < r.NextAiring) {
			r.NextAiring = st.NextAiring
		}
	}
	if stats {
		total.ReleaseGroups = []string{}
		for _, g := range releaseGroups {
			if groups[g] {
				total.ReleaseGroups = append(total.ReleaseGroups, g)
			}
		}
		if total.EpisodeCount > 0 {
			total.PercentOfEpisodes = float64(total.EpisodeFileCount) / float64(total.EpisodeCount) * 100
		}
		r.Statistics = &total
	}
	return r
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
