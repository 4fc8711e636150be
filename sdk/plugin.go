package sdk

import (
	"context"
	"errors"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/vibequality/searcharr/sdk/internal/bridge"
	pb "github.com/vibequality/searcharr/sdk/internal/proto"
)

// grpcPlugin is the go-plugin plugin of a strategy. The plugin process
// serves impl; the host process uses it to build a client.
type grpcPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	impl Strategy
}

var _ plugin.GRPCPlugin = (*grpcPlugin)(nil)

func init() {
	bridge.NewPlugin = func(impl any) plugin.Plugin {
		s, _ := impl.(Strategy)
		return &grpcPlugin{impl: s}
	}
}

// GRPCServer registers the Strategy service on the plugin's server.
func (p *grpcPlugin) GRPCServer(broker *plugin.GRPCBroker, s *grpc.Server) error {
	if p.impl == nil {
		return errors.New("sdk: no strategy to serve")
	}
	pb.RegisterStrategyServer(s, &strategyServer{impl: p.impl, broker: broker})
	return nil
}

// GRPCClient returns the host's Strategy backed by the plugin.
func (p *grpcPlugin) GRPCClient(_ context.Context, broker *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &strategyClient{client: pb.NewStrategyClient(c), broker: broker}, nil
}

// callOptions lift gRPC's default 4 MiB receive limit for every call.
var callOptions = []grpc.CallOption{
	grpc.MaxCallRecvMsgSize(bridge.MaxMessageSize),
	grpc.MaxCallSendMsgSize(bridge.MaxMessageSize),
}

// serverOptions do the same for the servers the SDK starts.
func serverOptions(opts []grpc.ServerOption) []grpc.ServerOption {
	return append(opts,
		grpc.MaxRecvMsgSize(bridge.MaxMessageSize),
		grpc.MaxSendMsgSize(bridge.MaxMessageSize),
	)
}

// The SDK and the protocol agree on the version (a compile error otherwise).
var _ = [1]struct{}{}[ProtocolVersion-bridge.ProtocolVersion]
