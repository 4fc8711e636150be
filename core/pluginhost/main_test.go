package pluginhost

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// bin holds the test plugins TestMain builds: "plugin" (teststrategy,
// identity from its file name or "plugin serve NAME") and "wrongproto".
var bin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "pluginhost-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	bin = dir
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	for _, name := range []string{"plugin", "wrongproto"} {
		cmd := exec.Command(gobin, "build", "-o", filepath.Join(dir, name), "./testdata/"+name)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "build test plugin %s: %v\n", name, err)
			return 1
		}
	}
	return m.Run()
}

// install copies a built test plugin into dir under name, executable.
func install(t *testing.T, dir, from, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(bin, from))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// logBuffer collects the host's JSON log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records returns the log records written so far.
func (b *logBuffer) records() []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(b.buf.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// find returns the first record with all the given attributes, where a
// string value matches when the attribute contains it.
func (b *logBuffer) find(attrs map[string]string) map[string]any {
	for _, r := range b.records() {
		ok := true
		for k, v := range attrs {
			s, _ := r[k].(string)
			if !strings.Contains(s, v) {
				ok = false
				break
			}
		}
		if ok {
			return r
		}
	}
	return nil
}

// waitLog waits for a record matching attrs.
func (b *logBuffer) waitLog(t *testing.T, attrs map[string]string) map[string]any {
	t.Helper()
	var r map[string]any
	eventually(t, 5*time.Second, func() bool { r = b.find(attrs); return r != nil })
	if r == nil {
		t.Fatalf("no log record with %v; log:\n%s", attrs, b.buf.String())
	}
	return r
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// startHost starts a host for cfg with fast restarts, and closes it when
// the test ends.
func startHost(t *testing.T, cfg Config) (*Host, *logBuffer) {
	t.Helper()
	if cfg.RestartBackoff == 0 {
		cfg.RestartBackoff = 50 * time.Millisecond
		cfg.MaxRestartBackoff = 200 * time.Millisecond
	}
	if cfg.StartTimeout == 0 {
		cfg.StartTimeout = 10 * time.Second
	}
	logs := &logBuffer{}
	h, err := New(cfg, newLogger(logs))
	if err != nil {
		t.Fatal(err)
	}
	h.watchInterval = 50 * time.Millisecond
	t.Cleanup(func() { _ = h.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := h.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return h, logs
}

// echoHost runs one third-party plugin, "echo".
func echoHost(t *testing.T, cfg Config) (*Host, *logBuffer) {
	t.Helper()
	cfg.Dir = t.TempDir()
	install(t, cfg.Dir, "plugin", "echo_1.0.0")
	return startHost(t, cfg)
}

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// planRequest asks for a plan over three missing episodes with the given
// test strategy mode.
func planRequest(mode string) sdk.PlanRequest { return planRequestMarked(mode, "m-"+mode) }

// planRequestMarked is planRequest with the test strategy's marker set.
func planRequestMarked(mode, marker string) sdk.PlanRequest {
	cfg, _ := json.Marshal(map[string]string{"mode": mode, "marker": marker})
	return sdk.PlanRequest{
		Trigger:  sdk.Trigger{Kind: sdk.TriggerAPI, ID: "t1", At: now},
		Instance: sdk.Instance{ID: 1, Name: "sonarr", Kind: sdk.Sonarr},
		Config:   cfg,
		Budget:   sdk.Budget{MaxIntents: 10},
		Now:      now,
		Library:  backlog(3),
	}
}

func eventually(t *testing.T, d time.Duration, cond func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cond()
}

// alive reports whether pid is a live (not reaped, not zombie) process.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

func pidOf(t *testing.T, h *Host, name string) int {
	t.Helper()
	for _, p := range h.Processes() {
		if p.Name == name {
			return p.PID
		}
	}
	t.Fatalf("no process for plugin %q", name)
	return 0
}

func pluginByName(t *testing.T, h *Host, name string) Plugin {
	t.Helper()
	for _, p := range h.List() {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("plugin %q not listed", name)
	return Plugin{}
}
