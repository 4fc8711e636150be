package pluginhost

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/sdk"
)

func TestStartDiscoversFingerprintsAndSkips(t *testing.T) {
	dir := t.TempDir()
	self := install(t, t.TempDir(), "plugin", "searcharr")
	for _, name := range []string{
		"echo_1.0.0", "echo_1.2.0", "echo_1.10.0-rc.1", // newest stable... and a newer prerelease
		"missing_9.0.0",     // loses to the built-in
		"BAD_1.0.0",         // invalid name
		"broken-info_1.0.0", // Info fails
		"pinned_1.0.0",      // pin by file name mismatches
		"named_1.0.0",       // pin by plugin name mismatches
		"sonarr-only_2.0.0",
	} {
		install(t, dir, "plugin", name)
	}
	install(t, dir, "wrongproto", "wrongcookie")
	install(t, dir, "wrongproto", "wrongversion")
	if err := os.WriteFile(filepath.Join(dir, "notaplugin"), []byte("#!/bin/sh\necho hello\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README.txt"), []byte("plugins go here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "subdir"), 0o755); err != nil {
		t.Fatal(err)
	}
	wrong := strings.Repeat("ab", 32)
	h, logs := startHost(t, Config{
		SelfPath: self,
		BuiltIns: []string{"missing", "liar"},
		Dir:      dir,
		Pins:     map[string]string{"pinned_1.0.0": wrong, "named": wrong},
	})

	got := map[string]Plugin{}
	for _, p := range h.List() {
		got[p.Name] = p
	}
	if len(got) != 3 {
		t.Errorf("running plugins = %v, want echo, missing, sonarr-only", keys(got))
	}
	echo := got["echo"]
	if echo.Version != "1.10.0-rc.1" || echo.Source != filepath.Join(dir, "echo_1.10.0-rc.1") {
		t.Errorf("echo = %s from %s, want the newest version 1.10.0-rc.1", echo.Version, echo.Source)
	}
	if echo.Protocol != "grpc" || echo.ProtocolVersion != sdk.ProtocolVersion || echo.Status != StatusRunning {
		t.Errorf("echo protocol/status = %s/%d/%s", echo.Protocol, echo.ProtocolVersion, echo.Status)
	}
	sum, err := fileSHA256(filepath.Join(bin, "plugin"))
	if err != nil {
		t.Fatal(err)
	}
	if echo.SHA256 != sum {
		t.Errorf("echo sha256 = %q, want %q", echo.SHA256, sum)
	}
	if len(echo.ConfigSchema) == 0 || echo.Description == "" || len(echo.Triggers) != 2 {
		t.Errorf("echo info not fingerprinted: %+v", echo)
	}
	if m := got["missing"]; m.Source != SourceBuiltIn || m.SHA256 != "" || m.Version != "1.0.0" {
		t.Errorf("missing = %+v, want the built-in", m)
	}
	if k := got["sonarr-only"].InstanceKinds; len(k) != 1 || k[0] != sdk.Sonarr {
		t.Errorf("sonarr-only instance kinds = %v", k)
	}
	if n := len(h.Processes()); n != 3 {
		t.Errorf("%d processes, want 3", n)
	}

	wantSkipped := map[string]string{
		filepath.Join(dir, "echo_1.0.0"):        "duplicate plugin",
		filepath.Join(dir, "echo_1.2.0"):        "duplicate plugin",
		filepath.Join(dir, "missing_9.0.0"):     "built-in",
		filepath.Join(dir, "BAD_1.0.0"):         "invalid name",
		filepath.Join(dir, "broken-info_1.0.0"): "info is broken on purpose",
		filepath.Join(dir, "pinned_1.0.0"):      "does not match the pin",
		filepath.Join(dir, "named_1.0.0"):       `pin for "named"`,
		filepath.Join(dir, "wrongcookie"):       "",
		filepath.Join(dir, "wrongversion"):      "incompatible API version",
		filepath.Join(dir, "notaplugin"):        "",
		SourceBuiltIn:                           `built-in "liar" reports name "someone-else"`,
	}
	skipped := h.Skipped()
	if len(skipped) != len(wantSkipped) {
		t.Errorf("skipped %d, want %d: %+v", len(skipped), len(wantSkipped), skipped)
	}
	for _, s := range skipped {
		want, ok := wantSkipped[s.Source]
		if !ok {
			t.Errorf("unexpected skip of %s: %s", s.Source, s.Reason)
			continue
		}
		if !strings.Contains(s.Reason, want) || s.Reason == "" {
			t.Errorf("skip of %s: reason %q, want it to mention %q", s.Source, s.Reason, want)
		}
		if logs.find(map[string]string{"msg": "plugin skipped", "source": s.Source, "reason": s.Reason}) == nil {
			t.Errorf("skip of %s not logged", s.Source)
		}
	}
}

func TestScanDirIgnoresWhatIsNotAnExecutable(t *testing.T) {
	dir := t.TempDir()
	install(t, dir, "plugin", "good")
	for name, mode := range map[string]os.FileMode{"data.json": 0o644, ".hidden": 0o755} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), mode); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "good"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}
	found, skipped, err := scanDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range found {
		names = append(names, c.launchName)
	}
	if strings.Join(names, ",") != "good,link" {
		t.Errorf("found %v, want good and link", names)
	}
	if len(skipped) != 1 || skipped[0].Source != filepath.Join(dir, "dangling") {
		t.Errorf("skipped = %+v, want the dangling link", skipped)
	}
	if _, _, err := scanDir(filepath.Join(dir, "absent"), nil); err == nil {
		t.Error("scan of a missing dir succeeded")
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
