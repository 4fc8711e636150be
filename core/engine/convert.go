package engine

import (
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/sdk"
)

func keyToSDK(k domain.ItemKey) sdk.ItemKey { return sdk.ItemKey{Type: sdk.ItemType(k.Type), ID: k.ID} }

func keyFromSDK(k sdk.ItemKey) domain.ItemKey {
	return domain.ItemKey{Type: domain.ItemType(k.Type), ID: k.ID}
}

func commandFromSDK(c sdk.Command) domain.Command {
	return domain.Command{
		Name:         domain.CommandName(c.Name),
		EpisodeIDs:   append([]int64(nil), c.EpisodeIDs...),
		SeriesID:     c.SeriesID,
		SeasonNumber: c.SeasonNumber,
		MovieIDs:     append([]int64(nil), c.MovieIDs...),
	}
}

// ItemToSDK converts a normalized item into the SDK's form.
func ItemToSDK(it domain.Item) sdk.Item {
	return sdk.Item{
		Key:                 keyToSDK(it.Key),
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

func itemsToSDK(items []domain.Item) []sdk.Item {
	out := make([]sdk.Item, len(items))
	for i, it := range items {
		out[i] = ItemToSDK(it)
	}
	return out
}
