package fakearr

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// download is one grabbed release in the download client.
type download struct {
	id          int
	downloadID  string
	title       string
	episodes    []int32 // Sonarr: episode indexes
	movie       int     // Radarr: movie index
	quality     quality
	size        int64
	added       time.Time
	importAt    time.Time
	indexer     string
	releaseType string
	group       int8
	command     int
}

const (
	indexerName    = "NZBgeek (Prowlarr)"
	downloadClient = "SABnzbd"
)

// queuedEpisode reports whether an episode is in the download queue.
func (in *Instance) queuedEpisode(id int32) bool { return in.queued[int(id)] }

// queuedMovie reports whether a movie is in the download queue.
func (in *Instance) queuedMovie(id int) bool { return in.queued[id] }

// markQueued records whether the items of d are in the queue.
func (in *Instance) markQueued(d *download, queued bool) {
	set := func(id int) {
		if queued {
			in.queued[id] = true
		} else {
			delete(in.queued, id)
		}
	}
	if d.episodes == nil {
		set(in.rad.movies[d.movie].id)
		return
	}
	for _, i := range d.episodes {
		set(int(in.son.episodes[i].id))
	}
}

// newDownload registers a grabbed release. The caller holds the lock.
func (in *Instance) newDownload(run *searchRun, d *download) {
	in.counters.Grabs++
	d.id = in.counters.Grabs
	d.downloadID = fmt.Sprintf("SABnzbd_nzo_%08x", uint32(hashOf(in.cfg.Seed, saltRelease, uint64(d.id))))
	d.added = run.at
	d.importAt = run.at.Add(in.cfg.ImportDelay)
	d.indexer = indexerName
	d.command = run.cmd.id
	d.group = int8(pick(hashOf(in.cfg.Seed, saltRelease, uint64(d.id), 1), len(releaseGroups)))
	in.downloads = append(in.downloads, d)
	in.markQueued(d, true)
	run.cmd.reports++
	in.touch()
	in.wakeAt(d.importAt)
}

// grabEpisodes grabs one release covering eps (a season pack when more than
// one), records history and queues a Grab webhook.
func (in *Instance) grabEpisodes(run *searchRun, eps []int32) {
	e := &in.son.episodes[eps[0]]
	s := &in.son.series[e.series]
	p := profiles[s.profile-1]
	q := sonarrQualities[p.cutoffRank]
	d := &download{episodes: eps, quality: q, releaseType: "singleEpisode"}
	d.size = fileSize(q.resolution, s.runtime, hashOf(in.cfg.Seed, saltRelease, uint64(e.id))) * int64(len(eps))
	d.title = releaseName(s.title, int(e.season), int(e.number), q.name, releaseGroups[0])
	if len(eps) > 1 {
		d.releaseType = "seasonPack"
		d.title = fmt.Sprintf("%s.S%02d.%s-%s", slugDots(s.title), e.season, q.name, releaseGroups[0])
	}
	in.newDownload(run, d)
	d.title = d.title[:len(d.title)-len(releaseGroups[0])] + releaseGroups[d.group]
	for _, i := range eps {
		in.addHistory("grabbed", d, i, run.at)
	}
	in.pending = append(in.pending, in.grabEvent(d))
}

// grabMovie grabs a release for the movie at index i.
func (in *Instance) grabMovie(run *searchRun, i int) {
	m := &in.rad.movies[i]
	p := profiles[m.profile-1]
	q := radarrQualities[p.cutoffRank]
	d := &download{movie: i, quality: q, size: fileSize(q.resolution, m.runtime, hashOf(in.cfg.Seed, saltRelease, uint64(m.id)))}
	in.newDownload(run, d)
	d.title = movieReleaseName(m, q.name, releaseGroups[d.group])
	in.addHistory("grabbed", d, int32(i), run.at)
	in.pending = append(in.pending, in.grabEvent(d))
}

// importDue imports the downloads whose delay has passed, oldest first. The
// caller holds the lock.
func (in *Instance) importDue(now time.Time) {
	slices.SortStableFunc(in.downloads, func(a, b *download) int { return a.importAt.Compare(b.importAt) })
	kept := in.downloads[:0]
	var due []*download
	for _, d := range in.downloads {
		if d.importAt.After(now) {
			kept = append(kept, d)
		} else {
			due = append(due, d)
		}
	}
	in.downloads = kept
	for _, d := range due {
		in.importDownload(d)
	}
	if len(in.downloads) > 0 {
		in.wakeAt(in.downloads[0].importAt)
	}
}

// importDownload gives every item of d a file, records history and queues
// a Download webhook per file.
func (in *Instance) importDownload(d *download) {
	in.counters.Imports++
	in.markQueued(d, false)
	at := d.importAt
	if d.episodes != nil {
		for _, i := range d.episodes {
			e := &in.son.episodes[i]
			old := e.file
			in.son.nextFile++
			e.file = fileInfo{id: in.son.nextFile, quality: int16(d.quality.id), group: d.group, size: d.size / int64(len(d.episodes)), added: at.Unix()}
			in.addHistory("downloadFolderImported", d, i, at)
			in.pending = append(in.pending, in.downloadEvent(d, i, old, at))
		}
	} else {
		m := &in.rad.movies[d.movie]
		old := m.file
		in.rad.nextFile++
		m.file = fileInfo{id: in.rad.nextFile, quality: int16(d.quality.id), group: d.group, size: d.size, added: at.Unix()}
		in.addHistory("downloadFolderImported", d, int32(d.movie), at)
		in.pending = append(in.pending, in.downloadEvent(d, int32(d.movie), old, at))
	}
	in.touch()
}

// queueResource is the apps' QueueResource.
type queueResource struct {
	SeriesID                            *int             `json:"seriesId,omitempty"`
	EpisodeID                           *int             `json:"episodeId,omitempty"`
	SeasonNumber                        *int             `json:"seasonNumber,omitempty"`
	MovieID                             *int             `json:"movieId,omitempty"`
	Series                              *seriesResource  `json:"series,omitempty"`
	Episode                             *episodeResource `json:"episode,omitempty"`
	Movie                               *movieResource   `json:"movie,omitempty"`
	EpisodeHasFile                      *bool            `json:"episodeHasFile,omitempty"`
	Languages                           []language       `json:"languages"`
	Quality                             qualityModel     `json:"quality"`
	CustomFormats                       []struct{}       `json:"customFormats"`
	CustomFormatScore                   int              `json:"customFormatScore"`
	Size                                float64          `json:"size"`
	Title                               string           `json:"title"`
	EstimatedCompletionTime             apiTime          `json:"estimatedCompletionTime,omitzero"`
	Added                               apiTime          `json:"added"`
	Status                              string           `json:"status"`
	TrackedDownloadStatus               string           `json:"trackedDownloadStatus"`
	TrackedDownloadState                string           `json:"trackedDownloadState"`
	StatusMessages                      []struct{}       `json:"statusMessages"`
	DownloadID                          string           `json:"downloadId"`
	Protocol                            string           `json:"protocol"`
	DownloadClient                      string           `json:"downloadClient"`
	DownloadClientHasPostImportCategory bool             `json:"downloadClientHasPostImportCategory"`
	Indexer                             string           `json:"indexer"`
	OutputPath                          string           `json:"outputPath,omitempty"`
	Sizeleft                            float64          `json:"sizeleft"`
	Timeleft                            string           `json:"timeleft,omitempty"`
	ID                                  int              `json:"id,omitempty"`
}

// queueRecords renders the queue: one record per episode for Sonarr, per
// movie for Radarr. The caller holds the lock.
func (in *Instance) queueRecords(now time.Time, withSeries, withEpisode, withMovie bool) []queueResource {
	var out []queueResource
	for _, d := range in.downloads {
		left := d.importAt.Sub(now)
		frac := 0.0
		if total := d.importAt.Sub(d.added); total > 0 && left > 0 {
			frac = float64(left) / float64(total)
		}
		base := queueResource{
			Languages: []language{english}, Quality: toQualityModel(d.quality), CustomFormats: []struct{}{},
			Size: float64(d.size), Title: d.title, EstimatedCompletionTime: apiTimeOf(d.importAt), Added: apiTimeOf(d.added),
			Status: "downloading", TrackedDownloadStatus: "ok", TrackedDownloadState: "downloading", StatusMessages: []struct{}{},
			DownloadID: d.downloadID, Protocol: "usenet", DownloadClient: downloadClient, Indexer: d.indexer,
			OutputPath: "/downloads/incomplete/" + d.title, Sizeleft: float64(d.size) * frac, Timeleft: timeSpan(max(0, left).Truncate(time.Second)),
		}
		if left <= 0 {
			base.Status, base.TrackedDownloadState = "completed", "importPending"
		}
		if d.episodes == nil {
			r := base
			m := &in.rad.movies[d.movie]
			r.MovieID = &m.id
			r.ID = int(uint32(hashOf(0, hashString(d.downloadID), uint64(m.id))) >> 1)
			if withMovie {
				mr := in.movieResource(d.movie, now)
				r.Movie = &mr
			}
			out = append(out, r)
			continue
		}
		for _, i := range d.episodes {
			r := base
			e := &in.son.episodes[i]
			sid, eid, season, has := int(e.series)+1, int(e.id), int(e.season), e.file.id != 0
			r.SeriesID, r.EpisodeID, r.SeasonNumber, r.EpisodeHasFile = &sid, &eid, &season, &has
			r.ID = int(uint32(hashOf(0, hashString(downloadClient+d.downloadID), uint64(e.id))) >> 1)
			if withSeries {
				sr := in.seriesResource(int(e.series), false)
				r.Series = &sr
			}
			if withEpisode {
				er := in.episodeResource(i, episodeOpts{})
				r.Episode = &er
			}
			out = append(out, r)
		}
	}
	return out
}

// handleQueue serves GET queue: paged, default sort timeleft; a page past
// the end returns the last page.
func (in *Instance) handleQueue(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	page := q.int("page", 1)
	pageSize := q.int("pageSize", 10)
	sortKey, ok := q.raw("sortKey")
	if !ok || sortKey == "" {
		sortKey = "timeleft"
	}
	dir := q.direction()
	sonarr := in.cfg.Kind == domain.KindSonarr
	withSeries, withEpisode, withMovie := q.bool("includeSeries", false), q.bool("includeEpisode", false), q.bool("includeMovie", false)
	q.bool("includeUnknownSeriesItems", false)
	q.bool("includeUnknownMovieItems", false)
	var ids []int
	if sonarr {
		ids = q.ints("seriesIds")
	} else {
		ids = q.ints("movieIds")
	}
	if !q.check(w, in) {
		return
	}
	if dir == "default" {
		dir = "ascending"
	}
	in.mu.Lock()
	recs := in.queueRecords(in.now(), withSeries && sonarr, withEpisode && sonarr, withMovie && !sonarr)
	in.mu.Unlock()
	if len(ids) > 0 {
		kept := recs[:0]
		for _, rec := range recs {
			if (rec.SeriesID != nil && slices.Contains(ids, *rec.SeriesID)) || (rec.MovieID != nil && slices.Contains(ids, *rec.MovieID)) {
				kept = append(kept, rec)
			}
		}
		recs = kept
	}
	if dir == "descending" {
		slices.Reverse(recs)
	}
	total := len(recs)
	if pageSize > 0 && page > 1 && (page-1)*pageSize >= total {
		page = max(1, (total+pageSize-1)/pageSize)
	}
	var sel []queueResource
	switch {
	case pageSize < 0:
		sel = recs
	case pageSize > 0:
		from := min(total, max(0, (page-1)*pageSize))
		sel = recs[from:min(total, from+pageSize)]
	}
	if sel == nil {
		sel = []queueResource{}
	}
	writePage(w, pagingHead{Page: page, PageSize: pageSize, SortKey: sortKey, SortDirection: dir, TotalRecords: total}, sel)
}

// queueStatusResource is the apps' QueueStatusResource.
type queueStatusResource struct {
	TotalCount      int  `json:"totalCount"`
	Count           int  `json:"count"`
	UnknownCount    int  `json:"unknownCount"`
	Errors          bool `json:"errors"`
	Warnings        bool `json:"warnings"`
	UnknownErrors   bool `json:"unknownErrors"`
	UnknownWarnings bool `json:"unknownWarnings"`
}

// handleQueueStatus serves GET queue/status.
func (in *Instance) handleQueueStatus(w http.ResponseWriter) {
	in.mu.Lock()
	n := len(in.queueRecords(in.now(), false, false, false))
	in.mu.Unlock()
	writeJSON(w, http.StatusOK, queueStatusResource{TotalCount: n, Count: n})
}
