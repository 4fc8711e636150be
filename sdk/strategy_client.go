package sdk

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	pb "github.com/vibequality/searcharr/sdk/internal/proto"
)

// strategyClient runs in the host process: a Strategy whose methods are
// gRPC calls to the plugin.
type strategyClient struct {
	client pb.StrategyClient
	broker *plugin.GRPCBroker
}

var _ Strategy = (*strategyClient)(nil)

func (c *strategyClient) Info(ctx context.Context) (Info, error) {
	resp, err := c.client.Info(ctx, &pb.InfoRequest{}, callOptions...)
	if err != nil {
		return Info{}, fromStatus(err)
	}
	return infoFromPB(resp), nil
}

// Validate returns ConfigErrors exactly as the plugin's Validate built them.
func (c *strategyClient) Validate(ctx context.Context, config json.RawMessage) error {
	resp, err := c.client.Validate(ctx, &pb.ValidateRequest{Config: config}, callOptions...)
	if err != nil {
		return fromStatus(err)
	}
	if len(resp.Errors) > 0 {
		return configErrorsFromPB(resp.Errors)
	}
	return nil
}

// Plan serves req.Library over the broker for the duration of the call.
func (c *strategyClient) Plan(ctx context.Context, req PlanRequest) (Plan, error) {
	var id uint32
	if req.Library != nil {
		id = c.broker.NextId()
		stop := serveLibrary(c.broker, id, req.Library)
		defer stop()
	}
	resp, err := c.client.Plan(ctx, planRequestToPB(req, id), callOptions...)
	if err != nil {
		return Plan{}, fromStatus(err)
	}
	return planFromPB(resp), nil
}

// serveLibrary serves lib on broker id until the returned stop is called.
func serveLibrary(broker *plugin.GRPCBroker, id uint32, lib Library) (stop func()) {
	servers := make(chan *grpc.Server, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		broker.AcceptAndServe(id, func(opts []grpc.ServerOption) *grpc.Server {
			s := grpc.NewServer(serverOptions(opts)...)
			pb.RegisterLibraryServer(s, &libraryServer{lib: lib})
			servers <- s
			return s
		})
	}()
	return func() {
		select {
		case s := <-servers:
			s.Stop()
		case <-done:
		}
		<-done
	}
}
