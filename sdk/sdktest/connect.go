package sdktest

import (
	"testing"

	"github.com/hashicorp/go-plugin"

	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/host"
	"github.com/vibequality/searcharr/sdk/internal/bridge"
)

// Connect serves s in-process over real gRPC, exactly as sdk.Serve would in a
// plugin process, and returns the host's view of it: a Strategy whose
// methods are gRPC calls, whose Plan serves PlanRequest.Library back to the
// strategy through go-plugin's broker. Everything crosses the wire, so a
// test through Connect sees what Searcharr will see: values that do not
// survive the protocol, errors that lose their type, a Plan that ignores
// cancellation.
//
// The connection is closed when the test ends.
func Connect(t testing.TB, s sdk.Strategy) sdk.Strategy {
	t.Helper()
	return connect(t, s, false)
}

func connect(t testing.TB, s sdk.Strategy, multiplex bool) sdk.Strategy {
	t.Helper()
	client, server := plugin.TestPluginGRPCConn(t, multiplex, plugin.PluginSet{
		bridge.PluginName: bridge.NewPlugin(s),
	})
	// Closing the client shuts the server down through go-plugin's
	// controller service.
	_ = server
	t.Cleanup(func() { _ = client.Close() })
	remote, err := host.Dispense(client)
	if err != nil {
		t.Fatalf("sdktest: %v", err)
	}
	return remote
}
