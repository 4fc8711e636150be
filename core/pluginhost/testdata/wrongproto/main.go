// Command wrongproto is a go-plugin plugin that does not speak Searcharr's
// protocol. Named "wrongcookie" it expects another magic cookie; named
// anything else it offers only protocol version 2.
package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/vibequality/searcharr/sdk/host"
)

type empty struct{ plugin.NetRPCUnsupportedPlugin }

func (empty) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error { return nil }

func (empty) GRPCClient(context.Context, *plugin.GRPCBroker, *grpc.ClientConn) (any, error) {
	return nil, nil
}

func main() {
	hs := host.Handshake
	hs.ProtocolVersion = 2
	if filepath.Base(os.Args[0]) == "wrongcookie" {
		hs.ProtocolVersion = 1
		hs.MagicCookieValue = "some-other-application"
	}
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  hs,
		VersionedPlugins: map[int]plugin.PluginSet{int(hs.ProtocolVersion): {"strategy": empty{}}},
		GRPCServer:       plugin.DefaultGRPCServer,
	})
}
