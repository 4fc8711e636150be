package pluginhost

import (
	"errors"

	"github.com/hashicorp/go-plugin"
	"github.com/vibequality/searcharr/sdk"
)

// The seam to the SDK's host half: the handshake plugins must answer, the
// plugin set to dispense from, and the typed strategy client.
var (
	handshake = plugin.HandshakeConfig{ProtocolVersion: 1, MagicCookieKey: "SEARCHARR_PLUGIN", MagicCookieValue: "stub"}
	pluginSet = func() plugin.PluginSet { return plugin.PluginSet{} }
	dispense  = func(plugin.ClientProtocol) (sdk.Strategy, error) { return nil, errors.New("stub") }
)
