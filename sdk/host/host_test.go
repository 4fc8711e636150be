package host_test

import (
	"testing"

	"github.com/hashicorp/go-plugin"

	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/host"
)

func TestPluginSets(t *testing.T) {
	if host.Handshake.ProtocolVersion != sdk.ProtocolVersion || host.Handshake.MagicCookieKey != "SEARCHARR_PLUGIN" || host.Handshake.MagicCookieValue == "" {
		t.Errorf("handshake %+v", host.Handshake)
	}
	if _, ok := host.PluginSet()["strategy"].(plugin.GRPCPlugin); !ok {
		t.Error("PluginSet has no gRPC strategy plugin")
	}
	if _, ok := host.VersionedPlugins()[sdk.ProtocolVersion]["strategy"]; !ok {
		t.Error("VersionedPlugins lacks the current protocol version")
	}
}

type notAStrategy struct{ plugin.ClientProtocol }

func (notAStrategy) Dispense(string) (any, error) { return 42, nil }

func TestDispenseRefusesOtherTypes(t *testing.T) {
	if _, err := host.Dispense(notAStrategy{}); err == nil {
		t.Fatal("Dispense accepted an int")
	}
}
