// Package host is the Searcharr side of the plugin protocol: the handshake
// and plugin set to start a strategy plugin with go-plugin, and Dispense to
// obtain the started plugin's strategy as an sdk.Strategy.
//
// A host starts a plugin like this:
//
//	client := plugin.NewClient(&plugin.ClientConfig{
//		HandshakeConfig:  host.Handshake,
//		VersionedPlugins: host.VersionedPlugins(),
//		Cmd:              exec.Command(path),
//		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
//	})
//	rpc, err := client.Client()
//	...
//	strategy, err := host.Dispense(rpc)
//
// Every method of the returned strategy is a gRPC call to the plugin process.
// Plan serves the request's Library to the plugin over go-plugin's broker for
// the duration of the call. Errors keep their meaning across the process
// boundary: Validate returns sdk.ConfigErrors with their paths, a cancelled
// or expired context yields an error matching context.Canceled or
// context.DeadlineExceeded, and other errors carry the plugin's message (and
// a gRPC status, see google.golang.org/grpc/status.Code, such as Unavailable
// when the plugin process died).
package host

import (
	"fmt"

	"github.com/hashicorp/go-plugin"

	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/internal/bridge"
)

// PluginName is the key of the strategy in the plugin set.
const PluginName = bridge.PluginName

// Handshake is the handshake both sides use: protocol version
// sdk.ProtocolVersion and the magic cookie that tells an executable it was
// started by Searcharr.
var Handshake = bridge.Handshake

// PluginSet returns the plugin set for plugin.ClientConfig.Plugins (key
// "strategy"). Use it with AllowedProtocols set to gRPC only.
func PluginSet() plugin.PluginSet {
	return plugin.PluginSet{PluginName: bridge.NewPlugin(nil)}
}

// VersionedPlugins returns the plugin sets by protocol version for
// plugin.ClientConfig.VersionedPlugins, so that go-plugin negotiates the
// version and refuses plugins built for another one.
func VersionedPlugins() map[int]plugin.PluginSet {
	return map[int]plugin.PluginSet{sdk.ProtocolVersion: PluginSet()}
}

// Dispense returns the strategy served by a started plugin client (the
// plugin.ClientProtocol of plugin.Client.Client, or a *plugin.GRPCClient in
// tests). Its methods are gRPC calls; Plan serves req.Library over the
// broker.
func Dispense(c plugin.ClientProtocol) (sdk.Strategy, error) {
	raw, err := c.Dispense(PluginName)
	if err != nil {
		return nil, fmt.Errorf("host: dispense strategy: %w", err)
	}
	s, ok := raw.(sdk.Strategy)
	if !ok {
		return nil, fmt.Errorf("host: plugin served %T, not a strategy", raw)
	}
	return s, nil
}
