package arr

import (
	"slices"

	"github.com/vibequality/searcharr/core/domain"
)

// Item converts an episode to a domain.Item. Series fields come from the
// embedded series object (present with includeSeries=true), including
// whether the episode's season is monitored; without it they stay zero.
func (e *Episode) Item() domain.Item {
	return e.ItemWithSeries(e.Series)
}

// ItemWithSeries converts an episode using s for the series fields; s may
// be nil.
func (e *Episode) ItemWithSeries(s *Series) domain.Item {
	it := domain.Item{
		Key:            domain.ItemKey{Type: domain.ItemEpisode, ID: e.ID},
		Title:          e.Title,
		Monitored:      e.Monitored,
		HasFile:        e.HasFile,
		SeriesID:       e.SeriesID,
		SeasonNumber:   e.SeasonNumber,
		EpisodeNumber:  e.EpisodeNumber,
		AirDateUTC:     e.AirDateUTC.Ptr(),
		TvdbID:         e.TvdbID,
		EpisodeFileID:  e.EpisodeFileID,
		LastSearchTime: e.LastSearchTime.Ptr(),
		Runtime:        e.Runtime,
	}
	if e.AbsoluteEpisodeNumber != nil {
		it.AbsoluteEpisode = *e.AbsoluteEpisodeNumber
	}
	if s != nil {
		it.SeriesTitle = s.Title
		it.SeriesMonitored = s.Monitored
		it.SeriesType = s.SeriesType
		it.SeriesStatus = s.Status
		it.Network = s.Network
		it.SeasonMonitored = s.SeasonMonitored(e.SeasonNumber)
		it.QualityProfileID = s.QualityProfileID
		it.Tags = slices.Clone(s.Tags)
		it.Genres = slices.Clone(s.Genres)
		it.Added = s.Added.Ptr()
		if it.Runtime == 0 {
			it.Runtime = s.Runtime
		}
	}
	if f := e.EpisodeFile; f != nil {
		it.Quality = f.Quality.Quality.Name
		it.CustomFormatScore = f.CustomFormatScore
		it.CutoffNotMet = f.QualityCutoffNotMet
	}
	return it
}

// Item converts a movie to a domain.Item.
func (m *Movie) Item() domain.Item {
	it := domain.Item{
		Key:                 domain.ItemKey{Type: domain.ItemMovie, ID: m.ID},
		Title:               m.Title,
		Monitored:           m.Monitored,
		HasFile:             m.HasMovieFile(),
		Year:                m.Year,
		TmdbID:              m.TmdbID,
		ImdbID:              m.ImdbID,
		MovieStatus:         m.Status,
		MinimumAvailability: m.MinimumAvailability,
		IsAvailable:         m.IsAvailable,
		InCinemas:           m.InCinemas.Ptr(),
		DigitalRelease:      m.DigitalRelease.Ptr(),
		PhysicalRelease:     m.PhysicalRelease.Ptr(),
		ReleaseDate:         m.ReleaseDate.Ptr(),
		Added:               m.Added.Ptr(),
		LastSearchTime:      m.LastSearchTime.Ptr(),
		QualityProfileID:    m.QualityProfileID,
		Tags:                m.Tags,
		Genres:              m.Genres,
		Runtime:             m.Runtime,
	}
	if f := m.MovieFile; f != nil {
		it.Quality = f.Quality.Quality.Name
		it.CustomFormatScore = f.CustomFormatScore
		it.CutoffNotMet = f.QualityCutoffNotMet
	}
	return it
}
