package api_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/api/apiwire"
	"github.com/vibequality/searcharr/core/pluginhost"
	"github.com/vibequality/searcharr/plugins/custom"
	"github.com/vibequality/searcharr/sdk"
)

// TestMain lets this test binary serve the custom strategy as a go-plugin
// process: the plugin host launches built-ins as "SELF plugin serve NAME",
// which is how withPluginHost starts it.
func TestMain(m *testing.M) {
	if len(os.Args) == 4 && os.Args[1] == "plugin" && os.Args[2] == "serve" && os.Args[3] == custom.Name {
		sdk.Serve(custom.New())
		return
	}
	os.Exit(m.Run())
}

// withPluginHost serves the plugin routes from a real plugin host running
// the custom strategy in a subprocess.
func withPluginHost(t *testing.T) harnessOption {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	host, err := pluginhost.New(pluginhost.Config{SelfPath: self, BuiltIns: []string{custom.Name}},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = host.Close() })
	if err := host.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return func(_ *api.Config, d *api.Deps) { d.Plugins = apiwire.Plugins(host) }
}
