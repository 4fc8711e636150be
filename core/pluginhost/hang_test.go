package pluginhost

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestAStoppedPluginIsFoundHungLongBeforeItsPlanTimesOut(t *testing.T) {
	const hang = 600 * time.Millisecond
	h, logs := echoHost(t, Config{PlanTimeout: time.Minute, HangTimeout: hang})
	ctx := context.Background()
	oldPID := pidOf(t, h, "echo")

	// A Plan waits in the plugin when the process is stopped.
	done := make(chan error, 1)
	go func() {
		_, err := h.Plan(ctx, "echo", planRequest("hang"))
		done <- err
	}()
	time.Sleep(200 * time.Millisecond)
	if err := syscall.Kill(oldPID, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	t.Cleanup(func() { _ = syscall.Kill(oldPID, syscall.SIGKILL) })

	// While it stays silent, the plugin shows as not answering.
	if !eventually(t, 10*time.Second, func() bool {
		p := pluginByName(t, h, "echo")
		return p.Unanswered > 0 || p.Status != StatusRunning
	}) {
		t.Fatal("the stopped plugin never showed as not answering")
	}

	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the Plan in flight on a stopped plugin did not fail")
	}
	took := time.Since(stopped)
	if !errors.Is(err, ErrPluginFailed) || !strings.Contains(err.Error(), `plugin "echo" hung: no answer to a health check within 600ms during Plan`) {
		t.Fatalf("Plan error = %v, want echo hung on a health check", err)
	}
	// Three times the hang timeout, and far below the Plan timeout: the
	// check runs every third of it, on a machine that may be loaded.
	if took > 3*time.Second {
		t.Errorf("the stopped plugin was given up %s after it stopped, with a hang timeout of %s", took, hang)
	}
	if !eventually(t, 5*time.Second, func() bool { return !alive(oldPID) }) {
		t.Errorf("stopped process %d not killed", oldPID)
	}
	logs.waitLog(t, map[string]string{"plugin": "echo", "msg": "plugin restarted"})
	if _, err := h.Plan(ctx, "echo", planRequest("")); err != nil {
		t.Fatalf("Plan after restart: %v", err)
	}
	p := pluginByName(t, h, "echo")
	if p.Status != StatusRunning || p.Restarts != 1 || p.LastFailure != FailureHung || p.Unanswered != 0 {
		t.Errorf("after restart: status %s, restarts %d, last failure %q, unanswered %s", p.Status, p.Restarts, p.LastFailure, p.Unanswered)
	}
}

func TestABusyPluginThatAnswersHealthChecksRunsToItsPlanTimeout(t *testing.T) {
	const plan = 1500 * time.Millisecond
	h, _ := echoHost(t, Config{PlanTimeout: plan, HangTimeout: 300 * time.Millisecond})
	start := time.Now()
	_, err := h.Plan(context.Background(), "echo", planRequest("hang"))
	if !errors.Is(err, ErrPluginFailed) || !strings.Contains(err.Error(), `plugin "echo" hung during Plan: no answer within 1.5s`) {
		t.Fatalf("Plan error = %v, want the Plan timeout", err)
	}
	if took := time.Since(start); took < plan {
		t.Fatalf("a plugin answering its health checks was given up after %s, before its Plan timeout of %s", took, plan)
	}
}

func TestHangTimeoutMustBeBelowThePlanTimeout(t *testing.T) {
	_, err := New(Config{PlanTimeout: time.Second, HangTimeout: time.Second}, nil)
	if err == nil || !strings.Contains(err.Error(), "hang timeout must be below plan timeout") {
		t.Fatalf("New = %v, want a hang timeout refused", err)
	}
	c := Config{PlanTimeout: 10 * time.Second}
	c.setDefaults()
	if c.HangTimeout != 5*time.Second {
		t.Fatalf("default hang timeout under a 10s plan timeout = %s, want 5s", c.HangTimeout)
	}
}
