package library

import (
	"context"
	"fmt"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/sdk"
)

// loadSeries reads the series list once per run.
func (l *Library) loadSeries(ctx context.Context) ([]arr.Series, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.series != nil {
		return l.series, nil
	}
	series, err := l.src.Series(ctx)
	if err != nil {
		return nil, fmt.Errorf("library: series: %w", err)
	}
	l.series = series
	l.seriesBy = make(map[int64]*arr.Series, len(series))
	for i := range l.series {
		l.seriesBy[l.series[i].ID] = &l.series[i]
	}
	return l.series, nil
}

// Series implements sdk.Library.
func (l *Library) Series(ctx context.Context) ([]sdk.Series, error) {
	series, err := l.loadSeries(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]sdk.Series, len(series))
	for i, s := range series {
		out[i] = seriesToSDK(s)
	}
	return out, nil
}

func seriesToSDK(s arr.Series) sdk.Series {
	out := sdk.Series{
		ID: s.ID, Title: s.Title, Monitored: s.Monitored, SeriesType: s.SeriesType, Status: s.Status,
		Network: s.Network, Year: s.Year, Genres: s.Genres, Tags: s.Tags,
		QualityProfileID: s.QualityProfileID, Runtime: s.Runtime, Added: s.Added.Ptr(),
	}
	for _, season := range s.Seasons {
		ss := sdk.Season{Number: season.SeasonNumber, Monitored: season.Monitored}
		if st := season.Statistics; st != nil {
			ss.EpisodeCount, ss.EpisodeFileCount, ss.TotalEpisodeCount = st.EpisodeCount, st.EpisodeFileCount, st.TotalEpisodeCount
		}
		out.Seasons = append(out.Seasons, ss)
	}
	return out
}

// Episodes implements sdk.Library.
func (l *Library) Episodes(ctx context.Context, seriesID int64) ([]sdk.Item, error) {
	if _, err := l.loadSeries(ctx); err != nil {
		return nil, err
	}
	l.mu.Lock()
	series := l.seriesBy[seriesID]
	l.mu.Unlock()
	eps, err := l.src.Episodes(ctx, seriesID)
	if err != nil {
		return nil, fmt.Errorf("library: episodes of series %d: %w", seriesID, err)
	}
	out := make([]sdk.Item, len(eps))
	for i := range eps {
		if series != nil {
			out[i] = ItemToSDK(eps[i].ItemWithSeries(series))
		} else {
			out[i] = ItemToSDK(eps[i].Item())
		}
	}
	return out, nil
}

// Movies implements sdk.Library.
func (l *Library) Movies(ctx context.Context) ([]sdk.Item, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.movies != nil {
		return l.movies, nil
	}
	movies, err := l.src.Movies(ctx)
	if err != nil {
		return nil, fmt.Errorf("library: movies: %w", err)
	}
	l.movies = make([]sdk.Item, len(movies))
	for i := range movies {
		l.movies[i] = ItemToSDK(movies[i].Item())
	}
	return l.movies, nil
}

// Calendar implements sdk.Library.
func (l *Library) Calendar(ctx context.Context, start, end time.Time, unmonitored bool) ([]sdk.Item, error) {
	items, err := l.src.Calendar(ctx, start, end, unmonitored)
	if err != nil {
		return nil, fmt.Errorf("library: calendar: %w", err)
	}
	out := make([]sdk.Item, len(items))
	for i, it := range items {
		out[i] = ItemToSDK(it)
	}
	return out, nil
}

// Tags implements sdk.Library.
func (l *Library) Tags(ctx context.Context) ([]sdk.Tag, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tags != nil {
		return l.tags, nil
	}
	tags, err := l.src.Tags(ctx)
	if err != nil {
		return nil, fmt.Errorf("library: tags: %w", err)
	}
	l.tags = make([]sdk.Tag, len(tags))
	for i, t := range tags {
		l.tags[i] = sdk.Tag{ID: t.ID, Label: t.Label}
	}
	return l.tags, nil
}

// QualityProfiles implements sdk.Library.
func (l *Library) QualityProfiles(ctx context.Context) ([]sdk.QualityProfile, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.profiles != nil {
		return l.profiles, nil
	}
	profiles, err := l.src.QualityProfiles(ctx)
	if err != nil {
		return nil, fmt.Errorf("library: quality profiles: %w", err)
	}
	l.profiles = make([]sdk.QualityProfile, len(profiles))
	for i, p := range profiles {
		l.profiles[i] = sdk.QualityProfile{
			ID: p.ID, Name: p.Name, UpgradeAllowed: p.UpgradeAllowed,
			CutoffQuality: cutoffName(p), CutoffFormatScore: p.CutoffFormatScore, MinFormatScore: p.MinFormatScore,
		}
	}
	return l.profiles, nil
}

// cutoffName finds the name of the quality or group the profile's cutoff
// id points at.
func cutoffName(p arr.QualityProfile) string {
	var find func(items []arr.QualityProfileItem) string
	find = func(items []arr.QualityProfileItem) string {
		for _, it := range items {
			if it.Quality != nil && it.Quality.ID == p.Cutoff {
				return it.Quality.Name
			}
			if it.ID == p.Cutoff && it.Name != "" {
				return it.Name
			}
			if name := find(it.Items); name != "" {
				return name
			}
		}
		return ""
	}
	return find(p.Items)
}

// ItemToSDK converts a normalized item into the SDK's form.
func ItemToSDK(it domain.Item) sdk.Item {
	return sdk.Item{
		Key:                 sdk.ItemKey{Type: sdk.ItemType(it.Key.Type), ID: it.Key.ID},
		Title:               it.Title,
		Monitored:           it.Monitored,
		HasFile:             it.HasFile,
		CutoffNotMet:        it.CutoffNotMet,
		SeriesID:            it.SeriesID,
		SeriesTitle:         it.SeriesTitle,
		SeriesMonitored:     it.SeriesMonitored,
		SeasonMonitored:     it.SeasonMonitored,
		SeriesType:          it.SeriesType,
		SeriesStatus:        it.SeriesStatus,
		Network:             it.Network,
		SeasonNumber:        it.SeasonNumber,
		EpisodeNumber:       it.EpisodeNumber,
		AirDateUTC:          it.AirDateUTC,
		Year:                it.Year,
		MovieStatus:         it.MovieStatus,
		MinimumAvailability: it.MinimumAvailability,
		IsAvailable:         it.IsAvailable,
		InCinemas:           it.InCinemas,
		DigitalRelease:      it.DigitalRelease,
		PhysicalRelease:     it.PhysicalRelease,
		ReleaseDate:         it.ReleaseDate,
		Added:               it.Added,
		LastSearchTime:      it.LastSearchTime,
		QualityProfileID:    it.QualityProfileID,
		Tags:                it.Tags,
		Genres:              it.Genres,
		Runtime:             it.Runtime,
		Quality:             it.Quality,
		CustomFormatScore:   it.CustomFormatScore,
	}
}
