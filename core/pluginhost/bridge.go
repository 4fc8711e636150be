package pluginhost

import (
	"github.com/vibequality/searcharr/sdk/host"
)

// The seam to the SDK's host half: the handshake plugins must answer, the
// plugin sets by protocol version, and the typed strategy client.
var (
	handshake        = host.Handshake
	versionedPlugins = host.VersionedPlugins
	dispense         = host.Dispense
)
