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
