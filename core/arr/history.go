package arr

import (
	"context"
	"net/url"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// HistoryRecord is one history event (Sonarr or Radarr HistoryResource).
type HistoryRecord struct {
	ID                  int64             `json:"id"`
	EpisodeID           int64             `json:"episodeId"`
	SeriesID            int64             `json:"seriesId"`
	MovieID             int64             `json:"movieId"`
	SourceTitle         string            `json:"sourceTitle"`
	Quality             QualityModel      `json:"quality"`
	CustomFormatScore   int               `json:"customFormatScore"`
	QualityCutoffNotMet bool              `json:"qualityCutoffNotMet"`
	Date                Time              `json:"date"`
	DownloadID          string            `json:"downloadId"`
	EventType           string            `json:"eventType"` // grabbed, downloadFolderImported, ...
	Data                map[string]string `json:"data"`      // indexer, releaseGroup, ...
}

// ItemKey is the episode or movie the event concerns; ok is false if the
// record names neither.
func (h *HistoryRecord) ItemKey() (key domain.ItemKey, ok bool) {
	switch {
	case h.EpisodeID != 0:
		return domain.ItemKey{Type: domain.ItemEpisode, ID: h.EpisodeID}, true
	case h.MovieID != 0:
		return domain.ItemKey{Type: domain.ItemMovie, ID: h.MovieID}, true
	}
	return domain.ItemKey{}, false
}

// HistoryEventGrabbed is the history event type of a release sent to the
// download client.
const HistoryEventGrabbed = "grabbed"

// History lists the grab events since the given time, from
// /history/since: what outcome tracking matches dispatched searches with
// where no webhook is configured.
func (c *Client) History(ctx context.Context, since time.Time) ([]HistoryRecord, error) {
	v := url.Values{}
	v.Set("date", formatTime(since))
	v.Set("eventType", HistoryEventGrabbed)
	return getList[HistoryRecord](ctx, c, "/history/since", v)
}
