package fakearr

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// historyRecord is one history event of an item.
type historyRecord struct {
	id         int
	event      string // grabbed, downloadFolderImported, episodeFileDeleted, movieFileDeleted
	date       time.Time
	item       int32 // episode or movie index
	title      string
	quality    quality
	downloadID string
	data       map[string]string
}

// addHistory records an event of item i caused by d. The caller holds the
// lock.
func (in *Instance) addHistory(event string, d *download, i int32, at time.Time) {
	rec := historyRecord{id: len(in.history) + 1, event: event, date: at, item: i}
	if d != nil {
		rec.title, rec.quality, rec.downloadID = d.title, d.quality, d.downloadID
		rec.data = map[string]string{
			"indexer":        d.indexer,
			"releaseGroup":   releaseGroups[d.group],
			"size":           strconv.FormatInt(d.size, 10),
			"downloadClient": downloadClient,
			"protocol":       "1",
		}
		if event != "grabbed" {
			rec.data = map[string]string{"downloadClient": downloadClient, "importedPath": "/downloads/complete/" + d.title}
		}
	}
	in.history = append(in.history, rec)
}

// historyResource is the apps' HistoryResource.
type historyResource struct {
	EpisodeID           *int              `json:"episodeId,omitempty"`
	SeriesID            *int              `json:"seriesId,omitempty"`
	MovieID             *int              `json:"movieId,omitempty"`
	SourceTitle         string            `json:"sourceTitle"`
	Languages           []language        `json:"languages"`
	Quality             qualityModel      `json:"quality"`
	CustomFormats       []struct{}        `json:"customFormats"`
	CustomFormatScore   int               `json:"customFormatScore"`
	QualityCutoffNotMet bool              `json:"qualityCutoffNotMet"`
	Date                apiTime           `json:"date"`
	DownloadID          string            `json:"downloadId,omitempty"`
	EventType           string            `json:"eventType"`
	Data                map[string]string `json:"data"`
	Episode             *episodeResource  `json:"episode,omitempty"`
	Series              *seriesResource   `json:"series,omitempty"`
	Movie               *movieResource    `json:"movie,omitempty"`
	ID                  int               `json:"id,omitempty"`
}

// historyEventNumbers maps the numeric event types to names.
var historyEventNumbers = map[domain.InstanceKind][]string{
	domain.KindSonarr: {"unknown", "grabbed", "seriesFolderImported", "downloadFolderImported", "downloadFailed", "episodeFileDeleted", "episodeFileRenamed", "downloadIgnored"},
	domain.KindRadarr: {"unknown", "grabbed", "downloadFolderImported", "downloadFailed", "movieFileDeleted", "movieFolderImported", "movieFileRenamed", "downloadIgnored"},
}

// handleHistorySince serves GET history/since?date=&eventType=.
func (in *Instance) handleHistorySince(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	since, _ := q.date("date")
	event := ""
	if raw, ok := q.raw("eventType"); ok && raw != "" {
		names := historyEventNumbers[in.cfg.Kind]
		if n, err := strconv.Atoi(raw); err == nil && n >= 0 && n < len(names) {
			event = names[n]
		} else {
			for _, name := range names {
				if strings.EqualFold(name, raw) {
					event = name
				}
			}
			if event == "" {
				q.fail("eventType", raw)
			}
		}
	}
	sonarr := in.cfg.Kind == domain.KindSonarr
	withSeries, withEpisode, withMovie := q.bool("includeSeries", false), q.bool("includeEpisode", false), q.bool("includeMovie", false)
	if !q.check(w, in) {
		return
	}
	in.mu.Lock()
	now := in.now()
	out := []historyResource{}
	for _, h := range in.history {
		if h.date.Before(since) || (event != "" && h.event != event) {
			continue
		}
		res := historyResource{
			SourceTitle: h.title, Languages: []language{english}, Quality: toQualityModel(h.quality),
			CustomFormats: []struct{}{}, Date: apiTimeOf(h.date), DownloadID: h.downloadID,
			EventType: h.event, Data: h.data, ID: h.id,
		}
		if res.Data == nil {
			res.Data = map[string]string{}
		}
		if sonarr {
			e := &in.son.episodes[h.item]
			eid, sid := int(e.id), int(e.series)+1
			res.EpisodeID, res.SeriesID = &eid, &sid
			if withEpisode {
				er := in.episodeResource(h.item, episodeOpts{})
				res.Episode = &er
			}
			if withSeries {
				sr := in.seriesResource(int(e.series), false)
				res.Series = &sr
			}
		} else {
			mid := in.rad.movies[h.item].id
			res.MovieID = &mid
			if withMovie {
				mr := in.movieResource(int(h.item), now)
				res.Movie = &mr
			}
		}
		out = append(out, res)
	}
	in.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}
