package sdk

import (
	"context"
	"encoding/json"
	"time"

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
		defer func() {
			if ctx.Err() != nil {
				// Cancelled: the plugin's in-flight Library calls are being
				// cancelled too; let them end as cancellations rather than
				// as broken connections, without delaying the caller.
				go stop(libraryGrace)
				return
			}
			stop(0)
		}()
	}
	resp, err := c.client.Plan(ctx, planRequestToPB(req, id), callOptions...)
	if err != nil {
		return Plan{}, fromStatus(err)
	}
	return planFromPB(resp), nil
}

// libraryGrace is how long the Library of a cancelled Plan stays up for the
// plugin's calls in flight to see their cancellation.
const libraryGrace = 2 * time.Second

// serveLibrary serves lib on broker id until the returned stop is called.
// stop lets calls in flight finish for up to grace, then closes everything.
func serveLibrary(broker *plugin.GRPCBroker, id uint32, lib Library) (stop func(grace time.Duration)) {
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
	return func(grace time.Duration) {
		select {
		case s := <-servers:
			if grace > 0 {
				graceful := time.AfterFunc(grace, s.Stop)
				s.GracefulStop()
				graceful.Stop()
			}
			s.Stop()
		case <-done:
		}
		<-done
	}
}
