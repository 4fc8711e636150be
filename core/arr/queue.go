package arr

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strconv"

	"github.com/vibequality/searcharr/core/domain"
)

// QueueStatus is /queue/status: the cheapest way to learn the queue size.
type QueueStatus struct {
	// TotalCount counts every download plus pending releases.
	TotalCount int `json:"totalCount"`
	// Count counts downloads of known series/movies plus pending releases.
	Count           int  `json:"count"`
	UnknownCount    int  `json:"unknownCount"`
	Errors          bool `json:"errors"`
	Warnings        bool `json:"warnings"`
	UnknownErrors   bool `json:"unknownErrors"`
	UnknownWarnings bool `json:"unknownWarnings"`
}

// QueueRecord is one record of the download queue. Sonarr has one record
// per episode: a season pack of ten episodes is ten records.
type QueueRecord struct {
	ID                      int64           `json:"id"`
	SeriesID                int64           `json:"seriesId"`
	EpisodeID               int64           `json:"episodeId"`
	SeasonNumber            int             `json:"seasonNumber"`
	MovieID                 int64           `json:"movieId"`
	Title                   string          `json:"title"`
	Size                    float64         `json:"size"`
	Sizeleft                float64         `json:"sizeleft"`
	Timeleft                string          `json:"timeleft"` // a TimeSpan, see ParseTimeSpan
	EstimatedCompletionTime Time            `json:"estimatedCompletionTime"`
	Added                   Time            `json:"added"`
	Status                  string          `json:"status"`
	TrackedDownloadStatus   string          `json:"trackedDownloadStatus"` // ok, warning, error
	TrackedDownloadState    string          `json:"trackedDownloadState"`
	StatusMessages          []StatusMessage `json:"statusMessages"`
	ErrorMessage            string          `json:"errorMessage"`
	DownloadID              string          `json:"downloadId"`
	Protocol                string          `json:"protocol"` // usenet, torrent
	DownloadClient          string          `json:"downloadClient"`
	Indexer                 string          `json:"indexer"`
	OutputPath              string          `json:"outputPath"`
	Quality                 QualityModel    `json:"quality"`
	CustomFormatScore       int             `json:"customFormatScore"`
	EpisodeHasFile          bool            `json:"episodeHasFile"`
}

// StatusMessage is a queue record's warning or error, with details.
type StatusMessage struct {
	Title    string   `json:"title"`
	Messages []string `json:"messages"`
}

// ItemKey is the episode or movie the record downloads; ok is false for a
// record of an unknown series or movie.
func (q *QueueRecord) ItemKey() (key domain.ItemKey, ok bool) {
	switch {
	case q.EpisodeID != 0:
		return domain.ItemKey{Type: domain.ItemEpisode, ID: q.EpisodeID}, true
	case q.MovieID != 0:
		return domain.ItemKey{Type: domain.ItemMovie, ID: q.MovieID}, true
	}
	return domain.ItemKey{}, false
}

// QueueQuery selects one page of the download queue.
type QueueQuery struct {
	// Page is 1-based; 0 means 1.
	Page int
	// PageSize defaults to DefaultWantedPageSize.
	PageSize int
	// SortKey defaults to "timeleft".
	SortKey string
	// SortDirection defaults to ascending.
	SortDirection SortDirection
	// IncludeUnknown adds downloads of series/movies the app does not know.
	IncludeUnknown bool
}

// QueuePage is one page of the download queue.
type QueuePage struct {
	PageInfo
	Records []QueueRecord
}

// QueueStatus reads /queue/status.
func (c *Client) QueueStatus(ctx context.Context) (QueueStatus, error) {
	var st QueueStatus
	err := c.get(ctx, "/queue/status", nil, func(r io.Reader) error { return decodeOne(r, &st) })
	return st, err
}

// Queue reads one page of /queue. A page past the end returns the last
// page, with Page rewritten.
func (c *Client) Queue(ctx context.Context, q QueueQuery) (QueuePage, error) {
	op := "GET " + apiPrefix + "/queue"
	if q.Page < 0 || q.PageSize < 0 {
		return QueuePage{}, invalidf(op, "page and pageSize must not be negative")
	}
	v := url.Values{}
	v.Set("page", strconv.Itoa(max(q.Page, 1)))
	size := q.PageSize
	if size == 0 {
		size = DefaultWantedPageSize
	}
	v.Set("pageSize", strconv.Itoa(size))
	key := q.SortKey
	if key == "" {
		key = "timeleft"
	}
	v.Set("sortKey", key)
	dir := q.SortDirection
	if dir == "" {
		dir = SortAscending
	}
	v.Set("sortDirection", string(dir))
	unknown := strconv.FormatBool(q.IncludeUnknown)
	if c.kind == domain.KindSonarr {
		v.Set("includeUnknownSeriesItems", unknown)
	} else {
		v.Set("includeUnknownMovieItems", unknown)
	}
	var page QueuePage
	err := c.get(ctx, "/queue", v, func(r io.Reader) error {
		page.Records = page.Records[:0]
		info, err := decodePage(r, func(dec *json.Decoder) error {
			var rec QueueRecord
			if err := dec.Decode(&rec); err != nil {
				return err
			}
			page.Records = append(page.Records, rec)
			return nil
		})
		page.PageInfo = info
		return err
	})
	return page, err
}

// QueuedItems walks the whole queue and returns the distinct episodes or
// movies in it.
func (c *Client) QueuedItems(ctx context.Context) ([]domain.ItemKey, error) {
	seen := map[domain.ItemKey]bool{}
	var keys []domain.ItemKey
	const size = 250
	count := 0
	for page := 1; ; page++ {
		p, err := c.Queue(ctx, QueueQuery{Page: page, PageSize: size})
		if err != nil {
			return nil, err
		}
		for i := range p.Records {
			if k, ok := p.Records[i].ItemKey(); ok && !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		count += len(p.Records)
		if len(p.Records) < size || count >= p.TotalRecords || p.Page != page {
			return keys, nil
		}
	}
}
