package main

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
)

func TestHealthURL(t *testing.T) {
	for _, tc := range []struct{ listen, base, want string }{
		{":7337", "", "http://127.0.0.1:7337/health"},
		{"0.0.0.0:8000", "", "http://127.0.0.1:8000/health"},
		{"[::]:8000", "", "http://127.0.0.1:8000/health"},
		{"[::1]:8000", "", "http://[::1]:8000/health"},
		{"192.168.1.5:7337", "", "http://192.168.1.5:7337/health"},
		{":7337", "https://media.example.com/searcharr/", "http://127.0.0.1:7337/searcharr/health"},
		{":7337", "http://searcharr:7337", "http://127.0.0.1:7337/health"},
	} {
		got, err := healthURL(tc.listen, tc.base)
		if err != nil || got != tc.want {
			t.Errorf("healthURL(%q, %q) = %q, %v; want %q", tc.listen, tc.base, got, err, tc.want)
		}
	}
	if _, err := healthURL("7337", ""); err == nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("a listen address without a port: %v, want an error naming listen", err)
	}
}

// TestHealthcheckCommand: exit 0 on 200 (healthy or degraded), 1 on 503
// and when nothing answers; the port and base path come from the same
// environment the server reads.
func TestHealthcheckCommand(t *testing.T) {
	var (
		mu     sync.Mutex
		status = http.StatusOK
		paths  []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		paths = append(paths, r.URL.Path)
		if r.URL.Path != "/searcharr/health" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	t.Setenv("SEARCHARR_LISTEN", ":"+port)
	t.Setenv("SEARCHARR_BASE_URL", "https://media.example.com/searcharr/")

	var out, errOut bytes.Buffer
	if code := run([]string{"healthcheck"}, &out, &errOut); code != 0 {
		t.Fatalf("healthy server: exit %d: %s", code, errOut.String())
	}
	mu.Lock()
	if len(paths) != 1 || paths[0] != "/searcharr/health" {
		t.Fatalf("asked %v, want /searcharr/health once", paths)
	}
	status = http.StatusServiceUnavailable
	mu.Unlock()
	errOut.Reset()
	if code := run([]string{"healthcheck"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "503") {
		t.Fatalf("unhealthy server: exit %d, %q; want 1 naming 503", code, errOut.String())
	}
	// Without the base path the server says 404: a failure too.
	mu.Lock()
	status = http.StatusOK
	mu.Unlock()
	if code := run([]string{"healthcheck", "--base-url", ""}, &out, &errOut); code != 1 {
		t.Fatalf("wrong path: exit %d, want 1", code)
	}
	srv.Close()
	if code := run([]string{"healthcheck"}, &out, &errOut); code != 1 {
		t.Fatalf("nothing listening: exit %d, want 1", code)
	}
}

func TestBuildIdentity(t *testing.T) {
	info := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-03-04T05:06:07Z"},
		}}, true
	}
	if v, c, d := buildIdentity("dev", "", "", info); v != "v1.4.0" || c != "0123abcd" || d != "2026-03-04T05:06:07Z" {
		t.Errorf("from build info: %q %q %q", v, c, d)
	}
	if v, c, d := buildIdentity("1.5.0", "feed", "2026-05-05", info); v != "1.5.0" || c != "feed" || d != "2026-05-05" {
		t.Errorf("linker values must win: %q %q %q", v, c, d)
	}
	none := func() (*debug.BuildInfo, bool) { return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true }
	if v, c, d := buildIdentity("dev", "", "", none); v != "dev" || c != "unknown" || d != "unknown" {
		t.Errorf("nothing known: %q %q %q", v, c, d)
	}
}

func TestVersionCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"version"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{"searcharr " + Version, "commit " + Commit, "built " + Date, runtime.Version()} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("version output %q lacks %q", out.String(), want)
		}
	}
}

// TestSelfPath: without /proc, the built-ins are started from the path
// the process was started with.
func TestSelfPath(t *testing.T) {
	noProc := func() (string, error) { return "", errors.New("readlink /proc/self/exe: no such file or directory") }
	exe := filepath.Join(t.TempDir(), "searcharr")
	if err := os.WriteFile(exe, []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := selfPath(noProc, exe); err != nil || got != exe {
		t.Errorf("selfPath(no /proc, %q) = %q, %v", exe, got, err)
	}
	if _, err := selfPath(noProc, "searcharr"); err == nil {
		t.Error("a bare name must not be taken for a path")
	}
	if _, err := selfPath(noProc, filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing file must not be taken")
	}
	if got, err := selfPath(func() (string, error) { return "/usr/bin/searcharr", nil }, exe); err != nil || got != "/usr/bin/searcharr" {
		t.Errorf("os.Executable's answer must win: %q, %v", got, err)
	}
}
