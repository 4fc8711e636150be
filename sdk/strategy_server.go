package sdk

import (
	"context"
	"errors"

	"github.com/hashicorp/go-plugin"

	pb "github.com/vibequality/searcharr/sdk/internal/proto"
)

// strategyServer runs in the plugin process and serves the author's
// Strategy to the host.
type strategyServer struct {
	pb.UnimplementedStrategyServer
	impl   Strategy
	broker *plugin.GRPCBroker
}

func (s *strategyServer) Info(ctx context.Context, _ *pb.InfoRequest) (resp *pb.InfoResponse, err error) {
	defer recoverAsStatus(&err)
	info, err := s.impl.Info(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	return infoToPB(info), nil
}

// Validate sends configuration errors as data so that their paths survive;
// any other error becomes a gRPC error.
func (s *strategyServer) Validate(ctx context.Context, req *pb.ValidateRequest) (resp *pb.ValidateResponse, err error) {
	defer recoverAsStatus(&err)
	verr := s.impl.Validate(ctx, req.Config)
	if verr == nil {
		return &pb.ValidateResponse{}, nil
	}
	var many ConfigErrors
	var one ConfigError
	switch {
	case errors.As(verr, &many):
		if len(many) == 0 {
			many = ConfigErrors{{Message: "invalid config"}}
		}
		return &pb.ValidateResponse{Errors: configErrorsToPB(many)}, nil
	case errors.As(verr, &one):
		return &pb.ValidateResponse{Errors: configErrorsToPB(ConfigErrors{one})}, nil
	}
	return nil, toStatus(verr)
}

// Plan dials the Library the host serves for this call, runs the strategy
// and closes the connection before answering.
func (s *strategyServer) Plan(ctx context.Context, req *pb.PlanRequest) (resp *pb.PlanResponse, err error) {
	defer recoverAsStatus(&err)
	r := planRequestFromPB(req)
	lib := dialLibrary(s.broker, req.LibraryBrokerId)
	defer lib.close()
	r.Library = lib
	if r.Trigger.ID != "" {
		ctx = WithTriggerID(ctx, r.Trigger.ID)
	}
	plan, err := s.impl.Plan(ctx, r)
	if err != nil {
		return nil, toStatus(err)
	}
	return planToPB(plan), nil
}
