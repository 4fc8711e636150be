package sdk

import (
	"log/slog"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/vibequality/searcharr/sdk/internal/bridge"
)

// Serve runs s as a Searcharr plugin. Call it from the plugin's main function
// and nothing else:
//
//	func main() { sdk.Serve(mystrategy.New()) }
//
// Serve performs the handshake with the Searcharr process that started the
// executable (protocol version ProtocolVersion, gRPC only), serves s until
// the host stops the plugin, then returns. Started by hand rather than by
// Searcharr, the executable prints a short notice and exits with status 1.
//
// Anything the plugin writes to standard error reaches the host's log, tagged
// with the plugin's name; standard output is reserved for the handshake.
// Serve makes slog's default logger write JSON lines there, carrying the
// trigger id of the context they are logged with (see Logger). A plugin whose
// host process is gone (killed without the chance to stop its plugins) exits
// by itself within a second.
func Serve(s Strategy) {
	slog.SetDefault(slog.New(NewLogHandler(stderr{})))
	exitWithParent(time.Second)
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: bridge.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{
			ProtocolVersion: {bridge.PluginName: &grpcPlugin{impl: s}},
		},
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return plugin.DefaultGRPCServer(serverOptions(opts))
		},
	})
}
