package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hashicorp/go-plugin"

	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/host"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

// TestAsProcess builds the plugin and runs it the way Searcharr does: a
// separate process started through sdk/host.
func TestAsProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "fewest-searches")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  host.Handshake,
		VersionedPlugins: host.VersionedPlugins(),
		Cmd:              exec.Command(bin),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
	})
	defer client.Kill()
	rpc, err := client.Client()
	if err != nil {
		t.Fatal(err)
	}
	if v := client.NegotiatedVersion(); v != sdk.ProtocolVersion {
		t.Errorf("negotiated protocol %d, want %d", v, sdk.ProtocolVersion)
	}
	s, err := host.Dispense(rpc)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil || info.Name != "fewest-searches" {
		t.Fatalf("Info = %+v, %v", info, err)
	}
	plan, err := s.Plan(context.Background(), sdk.PlanRequest{
		Instance: sdk.Instance{Kind: sdk.Sonarr},
		Budget:   sdk.Budget{MaxIntents: 5},
		Now:      sdktest.DefaultNow,
		Library:  sdktest.NewLibrary(sdktest.LibraryData{Items: sdktest.Backlog(sdk.Sonarr, 50, sdktest.DefaultNow)}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Intents) != 5 {
		t.Fatalf("%d intents, want 5", len(plan.Intents))
	}
}
