package sdktest

import (
	"fmt"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// Episode returns a monitored, missing episode of a monitored series that
// aired at aired (nil: air date unknown). Adjust the other fields as the
// test needs.
func Episode(id, seriesID int64, season, episode int, aired *time.Time) sdk.Item {
	return sdk.Item{
		Key:             sdk.EpisodeKey(id),
		Title:           fmt.Sprintf("Episode %d", episode),
		Monitored:       true,
		SeriesID:        seriesID,
		SeriesTitle:     fmt.Sprintf("Series %d", seriesID),
		SeriesMonitored: true,
		SeasonMonitored: true,
		SeriesType:      "standard",
		SeriesStatus:    "continuing",
		SeasonNumber:    season,
		EpisodeNumber:   episode,
		AirDateUTC:      aired,
	}
}

// Movie returns a monitored, missing, available movie released at released
// (nil: release date unknown, and not available).
func Movie(id int64, released *time.Time) sdk.Item {
	it := sdk.Item{
		Key:                 sdk.MovieKey(id),
		Title:               fmt.Sprintf("Movie %d", id),
		Monitored:           true,
		MovieStatus:         "released",
		MinimumAvailability: "released",
		IsAvailable:         released != nil,
		ReleaseDate:         released,
		DigitalRelease:      released,
	}
	if released != nil {
		it.Year = released.Year()
	}
	return it
}

// At returns a pointer to t, for the time fields of items.
func At(t time.Time) *time.Time { return &t }

// Backlog returns n missing episodes (kind sdk.Sonarr) or movies
// (sdk.Radarr) released one day apart, the newest a day before now, with
// ids 1..n: a ready-made library for budget and benchmark tests. Episodes
// belong to series of ten episodes each.
func Backlog(kind sdk.InstanceKind, n int, now time.Time) []sdk.Item {
	items := make([]sdk.Item, n)
	for i := range items {
		id := int64(i + 1)
		released := now.Add(-time.Duration(n-i) * 24 * time.Hour)
		if kind == sdk.Radarr {
			items[i] = Movie(id, &released)
			continue
		}
		items[i] = Episode(id, 1+int64(i/10), 1, 1+i%10, &released)
	}
	return items
}
