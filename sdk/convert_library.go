package sdk

import (
	pb "github.com/vibequality/searcharr/sdk/internal/proto"
)

// Conversions between the Library's types and their wire form.

func wantedToPB(q WantedQuery) *pb.WantedRequest {
	return &pb.WantedRequest{
		Page:               int32(q.Page),
		PageSize:           int32(q.PageSize),
		SortKey:            string(q.SortKey),
		Descending:         q.Descending,
		IncludeUnmonitored: q.IncludeUnmonitored,
	}
}

func wantedFromPB(q *pb.WantedRequest) WantedQuery {
	return WantedQuery{
		Page:               int(q.Page),
		PageSize:           int(q.PageSize),
		SortKey:            SortKey(q.SortKey),
		Descending:         q.Descending,
		IncludeUnmonitored: q.IncludeUnmonitored,
	}
}

func itemPageToPB(p ItemPage) *pb.ItemPage {
	return &pb.ItemPage{
		Items:        itemsToPB(p.Items),
		Page:         int32(p.Page),
		PageSize:     int32(p.PageSize),
		TotalRecords: int64(p.TotalRecords),
	}
}

func itemPageFromPB(p *pb.ItemPage) ItemPage {
	return ItemPage{
		Items:        itemsFromPB(p.Items),
		Page:         int(p.Page),
		PageSize:     int(p.PageSize),
		TotalRecords: int(p.TotalRecords),
	}
}

func queuePageToPB(p QueuePage) *pb.QueuePage {
	out := &pb.QueuePage{
		Records:      make([]*pb.QueueRecord, len(p.Records)),
		Page:         int32(p.Page),
		PageSize:     int32(p.PageSize),
		TotalRecords: int64(p.TotalRecords),
	}
	for i, r := range p.Records {
		out.Records[i] = &pb.QueueRecord{
			Item:         keyToPB(r.Item),
			SeriesId:     r.SeriesID,
			SeasonNumber: int32(r.SeasonNumber),
			Title:        r.Title,
			Status:       r.Status,
			TrackedState: r.TrackedState,
			Protocol:     r.Protocol,
		}
	}
	return out
}

func queuePageFromPB(p *pb.QueuePage) QueuePage {
	out := QueuePage{
		Page:         int(p.Page),
		PageSize:     int(p.PageSize),
		TotalRecords: int(p.TotalRecords),
	}
	if len(p.Records) > 0 {
		out.Records = make([]QueueRecord, len(p.Records))
	}
	for i, r := range p.Records {
		out.Records[i] = QueueRecord{
			Item:         keyFromPB(r.Item),
			SeriesID:     r.SeriesId,
			SeasonNumber: int(r.SeasonNumber),
			Title:        r.Title,
			Status:       r.Status,
			TrackedState: r.TrackedState,
			Protocol:     r.Protocol,
		}
	}
	return out
}

func seriesToPB(s Series) *pb.Series {
	out := &pb.Series{
		Id:               s.ID,
		Title:            s.Title,
		Monitored:        s.Monitored,
		SeriesType:       s.SeriesType,
		Status:           s.Status,
		Network:          s.Network,
		Year:             int32(s.Year),
		Genres:           s.Genres,
		Tags:             s.Tags,
		QualityProfileId: s.QualityProfileID,
		Runtime:          int32(s.Runtime),
		Added:            timeToPB(s.Added),
	}
	for _, se := range s.Seasons {
		out.Seasons = append(out.Seasons, &pb.Season{
			Number:            int32(se.Number),
			Monitored:         se.Monitored,
			EpisodeCount:      int32(se.EpisodeCount),
			EpisodeFileCount:  int32(se.EpisodeFileCount),
			TotalEpisodeCount: int32(se.TotalEpisodeCount),
		})
	}
	return out
}

func seriesFromPB(s *pb.Series) Series {
	out := Series{
		ID:               s.Id,
		Title:            s.Title,
		Monitored:        s.Monitored,
		SeriesType:       s.SeriesType,
		Status:           s.Status,
		Network:          s.Network,
		Year:             int(s.Year),
		Genres:           s.Genres,
		Tags:             s.Tags,
		QualityProfileID: s.QualityProfileId,
		Runtime:          int(s.Runtime),
		Added:            timeFromPB(s.Added),
	}
	for _, se := range s.Seasons {
		out.Seasons = append(out.Seasons, Season{
			Number:            int(se.Number),
			Monitored:         se.Monitored,
			EpisodeCount:      int(se.EpisodeCount),
			EpisodeFileCount:  int(se.EpisodeFileCount),
			TotalEpisodeCount: int(se.TotalEpisodeCount),
		})
	}
	return out
}

func qualityProfileToPB(q QualityProfile) *pb.QualityProfile {
	return &pb.QualityProfile{
		Id:                q.ID,
		Name:              q.Name,
		UpgradeAllowed:    q.UpgradeAllowed,
		CutoffQuality:     q.CutoffQuality,
		CutoffFormatScore: int32(q.CutoffFormatScore),
		MinFormatScore:    int32(q.MinFormatScore),
	}
}

func qualityProfileFromPB(q *pb.QualityProfile) QualityProfile {
	return QualityProfile{
		ID:                q.Id,
		Name:              q.Name,
		UpgradeAllowed:    q.UpgradeAllowed,
		CutoffQuality:     q.CutoffQuality,
		CutoffFormatScore: int(q.CutoffFormatScore),
		MinFormatScore:    int(q.MinFormatScore),
	}
}
