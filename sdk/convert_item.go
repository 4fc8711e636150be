package sdk

import (
	"time"

	pb "github.com/vibequality/searcharr/sdk/internal/proto"
)

// Conversions between the author-facing item types and their wire form.

func timeToPB(t *time.Time) *pb.Time {
	if t == nil {
		return nil
	}
	return &pb.Time{Seconds: t.Unix(), Nanos: int32(t.Nanosecond())}
}

func timeFromPB(t *pb.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := time.Unix(t.Seconds, int64(t.Nanos)).UTC()
	return &v
}

func instantToPB(t time.Time) *pb.Time {
	if t.IsZero() {
		return nil
	}
	return timeToPB(&t)
}

func instantFromPB(t *pb.Time) time.Time {
	if v := timeFromPB(t); v != nil {
		return *v
	}
	return time.Time{}
}

func keyToPB(k ItemKey) *pb.ItemKey { return &pb.ItemKey{Type: string(k.Type), Id: k.ID} }

func keyFromPB(k *pb.ItemKey) ItemKey {
	if k == nil {
		return ItemKey{}
	}
	return ItemKey{Type: ItemType(k.Type), ID: k.Id}
}

func keysToPB(ks []ItemKey) []*pb.ItemKey {
	if len(ks) == 0 {
		return nil
	}
	// One backing array keeps a large plan to a handful of allocations.
	backing := make([]pb.ItemKey, len(ks))
	out := make([]*pb.ItemKey, len(ks))
	for i, k := range ks {
		backing[i] = pb.ItemKey{Type: string(k.Type), Id: k.ID}
		out[i] = &backing[i]
	}
	return out
}

func keysFromPB(ks []*pb.ItemKey) []ItemKey {
	if len(ks) == 0 {
		return nil
	}
	out := make([]ItemKey, len(ks))
	for i, k := range ks {
		out[i] = keyFromPB(k)
	}
	return out
}

func itemToPB(it *Item, out *pb.Item) {
	out.Key = keyToPB(it.Key)
	out.Title = it.Title
	out.Monitored = it.Monitored
	out.HasFile = it.HasFile
	out.CutoffNotMet = it.CutoffNotMet
	out.SeriesId = it.SeriesID
	out.SeriesTitle = it.SeriesTitle
	out.SeriesMonitored = it.SeriesMonitored
	out.SeasonMonitored = it.SeasonMonitored
	out.SeriesType = it.SeriesType
	out.SeriesStatus = it.SeriesStatus
	out.Network = it.Network
	out.SeasonNumber = int32(it.SeasonNumber)
	out.EpisodeNumber = int32(it.EpisodeNumber)
	out.AirDateUtc = timeToPB(it.AirDateUTC)
	out.Year = int32(it.Year)
	out.MovieStatus = it.MovieStatus
	out.MinimumAvailability = it.MinimumAvailability
	out.IsAvailable = it.IsAvailable
	out.InCinemas = timeToPB(it.InCinemas)
	out.DigitalRelease = timeToPB(it.DigitalRelease)
	out.PhysicalRelease = timeToPB(it.PhysicalRelease)
	out.ReleaseDate = timeToPB(it.ReleaseDate)
	out.Added = timeToPB(it.Added)
	out.LastSearchTime = timeToPB(it.LastSearchTime)
	out.QualityProfileId = it.QualityProfileID
	out.Tags = it.Tags
	out.Genres = it.Genres
	out.Runtime = int32(it.Runtime)
	out.Quality = it.Quality
	out.CustomFormatScore = int32(it.CustomFormatScore)
}

func itemFromPB(it *pb.Item, out *Item) {
	*out = Item{
		Key:                 keyFromPB(it.Key),
		Title:               it.Title,
		Monitored:           it.Monitored,
		HasFile:             it.HasFile,
		CutoffNotMet:        it.CutoffNotMet,
		SeriesID:            it.SeriesId,
		SeriesTitle:         it.SeriesTitle,
		SeriesMonitored:     it.SeriesMonitored,
		SeasonMonitored:     it.SeasonMonitored,
		SeriesType:          it.SeriesType,
		SeriesStatus:        it.SeriesStatus,
		Network:             it.Network,
		SeasonNumber:        int(it.SeasonNumber),
		EpisodeNumber:       int(it.EpisodeNumber),
		AirDateUTC:          timeFromPB(it.AirDateUtc),
		Year:                int(it.Year),
		MovieStatus:         it.MovieStatus,
		MinimumAvailability: it.MinimumAvailability,
		IsAvailable:         it.IsAvailable,
		InCinemas:           timeFromPB(it.InCinemas),
		DigitalRelease:      timeFromPB(it.DigitalRelease),
		PhysicalRelease:     timeFromPB(it.PhysicalRelease),
		ReleaseDate:         timeFromPB(it.ReleaseDate),
		Added:               timeFromPB(it.Added),
		LastSearchTime:      timeFromPB(it.LastSearchTime),
		QualityProfileID:    it.QualityProfileId,
		Tags:                it.Tags,
		Genres:              it.Genres,
		Runtime:             int(it.Runtime),
		Quality:             it.Quality,
		CustomFormatScore:   int(it.CustomFormatScore),
	}
}

func itemsToPB(items []Item) []*pb.Item {
	if len(items) == 0 {
		return nil
	}
	backing := make([]pb.Item, len(items))
	out := make([]*pb.Item, len(items))
	for i := range items {
		itemToPB(&items[i], &backing[i])
		out[i] = &backing[i]
	}
	return out
}

func itemsFromPB(items []*pb.Item) []Item {
	if len(items) == 0 {
		return nil
	}
	out := make([]Item, len(items))
	for i, it := range items {
		itemFromPB(it, &out[i])
	}
	return out
}

func searchStateToPB(s SearchState) *pb.SearchState {
	return &pb.SearchState{
		Key:           keyToPB(s.Key),
		LastSearched:  timeToPB(s.LastSearched),
		Searches:      int32(s.Searches),
		Grabs:         int32(s.Grabs),
		LastGrab:      timeToPB(s.LastGrab),
		CooldownUntil: timeToPB(s.CooldownUntil),
	}
}

func searchStateFromPB(s *pb.SearchState) SearchState {
	return SearchState{
		Key:           keyFromPB(s.Key),
		LastSearched:  timeFromPB(s.LastSearched),
		Searches:      int(s.Searches),
		Grabs:         int(s.Grabs),
		LastGrab:      timeFromPB(s.LastGrab),
		CooldownUntil: timeFromPB(s.CooldownUntil),
	}
}

func commandFromPB(c *pb.Command) Command {
	if c == nil {
		return Command{}
	}
	return Command{
		Name:         CommandName(c.Name),
		EpisodeIDs:   c.EpisodeIds,
		SeriesID:     c.SeriesId,
		SeasonNumber: int(c.SeasonNumber),
		MovieIDs:     c.MovieIds,
	}
}
