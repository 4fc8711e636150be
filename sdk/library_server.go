package sdk

import (
	"context"

	pb "github.com/vibequality/searcharr/sdk/internal/proto"
)

// libraryServer runs in the host process for the duration of one Plan call
// and answers the plugin's Library calls from the host's Library.
type libraryServer struct {
	pb.UnimplementedLibraryServer
	lib Library
}

func (s *libraryServer) WantedMissing(ctx context.Context, req *pb.WantedRequest) (resp *pb.ItemPage, err error) {
	defer recoverAsStatus(&err)
	page, err := s.lib.WantedMissing(ctx, wantedFromPB(req))
	if err != nil {
		return nil, toStatus(err)
	}
	return itemPageToPB(page), nil
}

func (s *libraryServer) WantedCutoff(ctx context.Context, req *pb.WantedRequest) (resp *pb.ItemPage, err error) {
	defer recoverAsStatus(&err)
	page, err := s.lib.WantedCutoff(ctx, wantedFromPB(req))
	if err != nil {
		return nil, toStatus(err)
	}
	return itemPageToPB(page), nil
}

func (s *libraryServer) Queue(ctx context.Context, req *pb.QueueRequest) (resp *pb.QueuePage, err error) {
	defer recoverAsStatus(&err)
	page, err := s.lib.Queue(ctx, int(req.Page), int(req.PageSize))
	if err != nil {
		return nil, toStatus(err)
	}
	return queuePageToPB(page), nil
}

func (s *libraryServer) Series(ctx context.Context, _ *pb.SeriesRequest) (resp *pb.SeriesResponse, err error) {
	defer recoverAsStatus(&err)
	series, err := s.lib.Series(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	resp = &pb.SeriesResponse{Series: make([]*pb.Series, len(series))}
	for i, se := range series {
		resp.Series[i] = seriesToPB(se)
	}
	return resp, nil
}

func (s *libraryServer) Episodes(ctx context.Context, req *pb.EpisodesRequest) (resp *pb.ItemsResponse, err error) {
	defer recoverAsStatus(&err)
	items, err := s.lib.Episodes(ctx, req.SeriesId)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.ItemsResponse{Items: itemsToPB(items)}, nil
}

func (s *libraryServer) Movies(ctx context.Context, _ *pb.MoviesRequest) (resp *pb.ItemsResponse, err error) {
	defer recoverAsStatus(&err)
	items, err := s.lib.Movies(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.ItemsResponse{Items: itemsToPB(items)}, nil
}

func (s *libraryServer) Calendar(ctx context.Context, req *pb.CalendarRequest) (resp *pb.ItemsResponse, err error) {
	defer recoverAsStatus(&err)
	items, err := s.lib.Calendar(ctx, instantFromPB(req.Start), instantFromPB(req.End), req.Unmonitored)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.ItemsResponse{Items: itemsToPB(items)}, nil
}

func (s *libraryServer) Tags(ctx context.Context, _ *pb.TagsRequest) (resp *pb.TagsResponse, err error) {
	defer recoverAsStatus(&err)
	tags, err := s.lib.Tags(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	resp = &pb.TagsResponse{Tags: make([]*pb.Tag, len(tags))}
	for i, t := range tags {
		resp.Tags[i] = &pb.Tag{Id: t.ID, Label: t.Label}
	}
	return resp, nil
}

func (s *libraryServer) QualityProfiles(ctx context.Context, _ *pb.QualityProfilesRequest) (resp *pb.QualityProfilesResponse, err error) {
	defer recoverAsStatus(&err)
	profiles, err := s.lib.QualityProfiles(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	resp = &pb.QualityProfilesResponse{Profiles: make([]*pb.QualityProfile, len(profiles))}
	for i, q := range profiles {
		resp.Profiles[i] = qualityProfileToPB(q)
	}
	return resp, nil
}

func (s *libraryServer) SearchState(ctx context.Context, req *pb.SearchStateRequest) (resp *pb.SearchStateResponse, err error) {
	defer recoverAsStatus(&err)
	states, err := s.lib.SearchState(ctx, keysFromPB(req.Keys))
	if err != nil {
		return nil, toStatus(err)
	}
	resp = &pb.SearchStateResponse{States: make([]*pb.SearchState, len(states))}
	for i, st := range states {
		resp.States[i] = searchStateToPB(st)
	}
	return resp, nil
}
