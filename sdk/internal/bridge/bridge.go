// Package bridge holds what package sdk shares with sdk/host and sdk/sdktest
// without exporting it to plugin authors: the handshake, the plugin name and
// constructors of the go-plugin plugin values. Package sdk fills in the
// constructors when it is initialised, so any package that imports both sdk
// and bridge finds them set.
package bridge

import (
	"github.com/hashicorp/go-plugin"
)

// ProtocolVersion is the plugin protocol version (the SDK's major version).
const ProtocolVersion = 1

// PluginName is the key of the strategy in a go-plugin plugin set.
const PluginName = "strategy"

// MaxMessageSize bounds every gRPC message of the protocol, in both
// directions. Plans of tens of thousands of intents stay well below it.
const MaxMessageSize = 256 << 20

// Handshake is the handshake host and plugins share.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "SEARCHARR_PLUGIN",
	MagicCookieValue: "a9d3c1f0-searcharr-strategy-plugin",
}

// NewPlugin returns the go-plugin plugin for a strategy. On the plugin side
// impl is the sdk.Strategy to serve; on the host side impl is nil. It is set
// by package sdk.
var NewPlugin func(impl any) plugin.Plugin
