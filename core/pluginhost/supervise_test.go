package pluginhost

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/sdk"
)

func TestPlanSucceeds(t *testing.T) {
	h, _ := echoHost(t, Config{})
	plan, err := h.Plan(context.Background(), "echo", planRequest(""))
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Intents) != 3 || plan.Intents[0].Command.Name != sdk.EpisodeSearch {
		t.Fatalf("plan = %+v, want three episode searches", plan)
	}
}

func TestCrashDuringPlanFailsTheRunAndRestarts(t *testing.T) {
	h, logs := echoHost(t, Config{})
	ctx := context.Background()
	oldPID := pidOf(t, h, "echo")

	_, err := h.Plan(ctx, "echo", planRequest("crash"))
	if !errors.Is(err, ErrPluginFailed) {
		t.Fatalf("Plan error = %v, want ErrPluginFailed", err)
	}
	if !strings.Contains(err.Error(), `pluginhost: plugin "echo" crashed during Plan`) {
		t.Errorf("error %q does not name the plugin and the crash", err)
	}
	r := logs.waitLog(t, map[string]string{"plugin": "echo", "msg": "panic: crashing on purpose"})
	if r["level"] != "ERROR" {
		t.Errorf("panic logged at %v, want ERROR", r["level"])
	}

	plan, err := h.Plan(ctx, "echo", planRequest(""))
	if err != nil {
		t.Fatalf("Plan after restart: %v", err)
	}
	if len(plan.Intents) != 3 {
		t.Errorf("plan after restart has %d intents, want 3", len(plan.Intents))
	}
	if newPID := pidOf(t, h, "echo"); newPID == oldPID {
		t.Error("plugin process was not replaced")
	}
	if alive(oldPID) {
		t.Errorf("crashed process %d still alive", oldPID)
	}
	p := pluginByName(t, h, "echo")
	if p.Restarts != 1 || p.Status != StatusRunning || !strings.Contains(p.LastError, "crashed during Plan") {
		t.Errorf("after restart: restarts %d, status %s, last error %q", p.Restarts, p.Status, p.LastError)
	}
	logs.waitLog(t, map[string]string{"plugin": "echo", "msg": "plugin restarted"})
}

func TestExitDuringPlanFailsTheRunAndRestarts(t *testing.T) {
	h, _ := echoHost(t, Config{})
	ctx := context.Background()
	oldPID := pidOf(t, h, "echo")
	_, err := h.Plan(ctx, "echo", planRequestMarked("crash", "m-crash-exit"))
	if !errors.Is(err, ErrPluginFailed) || !strings.Contains(err.Error(), `plugin "echo" crashed during Plan`) {
		t.Fatalf("Plan error = %v, want a crash of echo", err)
	}
	if _, err := h.Plan(ctx, "echo", planRequest("")); err != nil {
		t.Fatalf("Plan after restart: %v", err)
	}
	if pidOf(t, h, "echo") == oldPID {
		t.Error("plugin process was not replaced")
	}
}

func TestHungPlanTimesOutAndIsKilled(t *testing.T) {
	h, _ := echoHost(t, Config{PlanTimeout: 500 * time.Millisecond})
	ctx := context.Background()
	oldPID := pidOf(t, h, "echo")

	start := time.Now()
	_, err := h.Plan(ctx, "echo", planRequest("hang"))
	if !errors.Is(err, ErrPluginFailed) || !strings.Contains(err.Error(), `plugin "echo" hung during Plan`) {
		t.Fatalf("Plan error = %v, want a hang of echo", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("hung Plan returned after %s", d)
	}
	if !eventually(t, 5*time.Second, func() bool { return !alive(oldPID) }) {
		t.Errorf("hung process %d not killed", oldPID)
	}
	if _, err := h.Plan(ctx, "echo", planRequest("")); err != nil {
		t.Fatalf("Plan after restart: %v", err)
	}
}

func TestOtherPluginsGoOnWhileOneCrashes(t *testing.T) {
	dir := t.TempDir()
	install(t, dir, "plugin", "alpha")
	install(t, dir, "plugin", "beta")
	h, _ := startHost(t, Config{Dir: dir, RestartBackoff: 2 * time.Second, MaxRestartBackoff: 2 * time.Second, RestartWait: 100 * time.Millisecond})
	ctx := context.Background()
	if _, err := h.Plan(ctx, "alpha", planRequest("crash")); !errors.Is(err, ErrPluginFailed) {
		t.Fatalf("alpha crash: %v", err)
	}
	if _, err := h.Plan(ctx, "beta", planRequest("")); err != nil {
		t.Fatalf("beta while alpha restarts: %v", err)
	}
	if p := pluginByName(t, h, "alpha"); p.Status != StatusRestarting {
		t.Errorf("alpha status %s, want restarting", p.Status)
	}
	_, err := h.Plan(ctx, "alpha", planRequest(""))
	if !errors.Is(err, ErrPluginFailed) || !strings.Contains(err.Error(), `plugin "alpha" is restarting`) {
		t.Errorf("Plan on restarting alpha = %v, want a fast failure", err)
	}
}

func TestPluginEnvironmentIsFiltered(t *testing.T) {
	t.Setenv("SEARCHARR_TEST_SECRET", "hunter2")
	h, _ := echoHost(t, Config{})
	if d := pluginByName(t, h, "echo").Description; strings.Contains(d, "secrets") {
		t.Errorf("plugin saw the host's SEARCHARR_ variables: %q", d)
	}
}

func TestGarbagePlanIsRefused(t *testing.T) {
	h, _ := echoHost(t, Config{})
	pid := pidOf(t, h, "echo")
	_, err := h.Plan(context.Background(), "echo", planRequest("garbage"))
	if !errors.Is(err, ErrInvalidPlan) || !errors.Is(err, ErrPluginFailed) {
		t.Fatalf("error = %v, want ErrInvalidPlan", err)
	}
	if !strings.Contains(err.Error(), `plugin "echo" returned an invalid plan`) || !strings.Contains(err.Error(), "FormatDisk") {
		t.Errorf("error %q does not name the plugin and the command", err)
	}
	if pidOf(t, h, "echo") != pid {
		t.Error("a plugin that returned garbage was restarted")
	}
}

func TestPluginErrorIsNotACrash(t *testing.T) {
	h, _ := echoHost(t, Config{})
	pid := pidOf(t, h, "echo")
	_, err := h.Plan(context.Background(), "echo", planRequest("error"))
	if err == nil || errors.Is(err, ErrPluginFailed) {
		t.Fatalf("error = %v, want the plugin's own error", err)
	}
	if !strings.Contains(err.Error(), `plugin "echo"`) || !strings.Contains(err.Error(), "planning failed on purpose") {
		t.Errorf("error %q", err)
	}
	if pidOf(t, h, "echo") != pid {
		t.Error("plugin restarted after an ordinary error")
	}
}

func TestValidatePassesConfigErrorsThrough(t *testing.T) {
	h, _ := echoHost(t, Config{})
	ctx := context.Background()
	if err := h.Validate(ctx, "echo", json.RawMessage(`{"mode":"crash"}`)); err != nil {
		t.Fatalf("valid config refused: %v", err)
	}
	err := h.Validate(ctx, "echo", json.RawMessage(`{"mode":"fly"}`))
	var cerrs sdk.ConfigErrors
	if !errors.As(err, &cerrs) || len(cerrs) != 1 || cerrs[0].Path != "mode" {
		t.Fatalf("error = %#v, want ConfigErrors at mode", err)
	}
	if errors.Is(err, ErrPluginFailed) {
		t.Error("a refused config counts as a plugin failure")
	}
}

func TestUnknownAndUnsupported(t *testing.T) {
	dir := t.TempDir()
	install(t, dir, "plugin", "sonarr-only")
	h, _ := startHost(t, Config{Dir: dir})
	ctx := context.Background()
	if _, err := h.Plan(ctx, "nope", planRequest("")); !errors.Is(err, ErrUnknownPlugin) || !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("unknown plugin: %v", err)
	}
	if _, err := h.Info("nope"); !errors.Is(err, ErrUnknownPlugin) {
		t.Errorf("Info of unknown plugin: %v", err)
	}
	req := planRequest("")
	req.Instance.Kind = sdk.Radarr
	if _, err := h.Plan(ctx, "sonarr-only", req); !errors.Is(err, ErrUnsupported) {
		t.Errorf("radarr plan on sonarr-only: %v", err)
	}
	req = planRequest("")
	req.Library = nil
	if _, err := h.Plan(ctx, "sonarr-only", req); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("plan without library: %v", err)
	}
	info, err := h.Info("sonarr-only")
	if err != nil || info.Version != "1.0.0" {
		t.Errorf("Info = %+v, %v", info, err)
	}
}

func TestExitedIdlePluginIsRestarted(t *testing.T) {
	h, _ := echoHost(t, Config{})
	oldPID := pidOf(t, h, "echo")
	if err := syscall.Kill(oldPID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	ok := eventually(t, 5*time.Second, func() bool {
		ps := h.Processes()
		return len(ps) == 1 && ps[0].PID != oldPID
	})
	if !ok {
		t.Fatalf("killed plugin not restarted: %+v", h.Processes())
	}
	if _, err := h.Plan(context.Background(), "echo", planRequest("")); err != nil {
		t.Fatal(err)
	}
}

func TestGivesUpAfterMaxRestarts(t *testing.T) {
	h, logs := echoHost(t, Config{MaxRestarts: 1})
	ctx := context.Background()
	for i := range 2 {
		if _, err := h.Plan(ctx, "echo", planRequest("crash")); !errors.Is(err, ErrPluginFailed) {
			t.Fatalf("crash %d: %v", i, err)
		}
	}
	if !eventually(t, 5*time.Second, func() bool { return pluginByName(t, h, "echo").Status == StatusFailed }) {
		t.Fatalf("status %s, want failed", pluginByName(t, h, "echo").Status)
	}
	_, err := h.Plan(ctx, "echo", planRequest(""))
	if !errors.Is(err, ErrPluginFailed) || !strings.Contains(err.Error(), `plugin "echo" is not running`) {
		t.Errorf("Plan on a failed plugin: %v", err)
	}
	if len(h.Processes()) != 0 {
		t.Errorf("failed plugin still has a process: %+v", h.Processes())
	}
	logs.waitLog(t, map[string]string{"plugin": "echo", "msg": "giving up"})
}

func TestPluginLogsReachTheHostLogger(t *testing.T) {
	dir := t.TempDir()
	install(t, dir, "plugin", "echo_1.0.0")
	h, logs := startHost(t, Config{Dir: dir, SelfPath: install(t, t.TempDir(), "plugin", "searcharr"), BuiltIns: []string{"missing"}})
	for _, name := range []string{"echo", "missing"} {
		if _, err := h.Plan(context.Background(), name, planRequest("log")); err != nil {
			t.Fatal(err)
		}
		// sdk.Serve makes slog's default logger write JSON, which arrives
		// with its attributes.
		r := logs.waitLog(t, map[string]string{"plugin": name, "msg": "planning with marker", "marker": "m-log"})
		if r["level"] != "INFO" || r["component"] != "pluginhost" {
			t.Errorf("slog line from %s = %v, want INFO from component pluginhost", name, r)
		}
		logs.waitLog(t, map[string]string{"plugin": name, "msg": "stderr says m-log"})
	}
}

func TestCloseLeavesNoProcess(t *testing.T) {
	dir := t.TempDir()
	install(t, dir, "plugin", "alpha")
	install(t, dir, "plugin", "beta")
	h, _ := startHost(t, Config{Dir: dir, PlanTimeout: time.Minute})
	var pids []int
	for _, p := range h.Processes() {
		pids = append(pids, p.PID)
	}
	if len(pids) != 2 {
		t.Fatalf("processes = %+v", h.Processes())
	}
	// One plugin is busy in a Plan that never ends when Close is called.
	done := make(chan error, 1)
	go func() {
		_, err := h.Plan(context.Background(), "alpha", planRequest("hang"))
		done <- err
	}()
	time.Sleep(200 * time.Millisecond)
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("process %d alive after Close", pid)
		}
	}
	select {
	case err := <-done:
		if err == nil {
			t.Error("Plan in flight at Close succeeded")
		}
	case <-time.After(5 * time.Second):
		t.Error("Plan in flight at Close did not return")
	}
	if len(h.Processes()) != 0 {
		t.Errorf("processes after Close: %+v", h.Processes())
	}
	if _, err := h.Plan(context.Background(), "beta", planRequest("")); !errors.Is(err, ErrClosed) {
		t.Errorf("Plan after Close: %v", err)
	}
	if err := h.Start(context.Background()); err == nil {
		t.Error("Start after Close succeeded")
	}
}
