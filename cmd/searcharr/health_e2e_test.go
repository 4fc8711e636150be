package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHealthReportsAStoppedPluginAndItsRestart stops a built-in plugin
// process with SIGSTOP and checks that GET /health turns degraded naming
// the plugin, that the process is killed and replaced within the hang
// timeout, and that /health is healthy again after.
func TestHealthReportsAStoppedPluginAndItsRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	const hang = 3 * time.Second
	s := launch(t, launchOptions{Register: true, Env: []string{"SEARCHARR_PLUGIN_HANG_TIMEOUT=" + hang.String()}})
	type health struct {
		Status  string   `json:"status"`
		Reasons []string `json:"reasons"`
		Plugins struct {
			Running   int `json:"running"`
			Unhealthy []struct {
				Name        string `json:"name"`
				Status      string `json:"status"`
				LastFailure string `json:"last_failure"`
			} `json:"unhealthy"`
		} `json:"plugins"`
	}
	get := func() (health, string) {
		resp, err := http.Get(s.api.base + "/health")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var raw json.RawMessage
		if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
			t.Fatal(err)
		}
		var h health
		if err := json.Unmarshal(raw, &h); err != nil {
			t.Fatal(err)
		}
		return h, string(raw)
	}
	if h, raw := get(); h.Status != "healthy" {
		t.Fatalf("health at start = %s", raw)
	}
	pid := childPID(t, s.proc.cmd.Process.Pid, "plugin serve missing")
	if pid == 0 {
		t.Fatal("no process for the built-in plugin missing")
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })

	var seen []string
	waitUntil(t, "health to report the stopped plugin", 20*time.Second, func() bool {
		h, raw := get()
		for _, p := range h.Plugins.Unhealthy {
			if p.Name == "missing" && h.Status == "degraded" && len(h.Reasons) > 0 && strings.Contains(strings.Join(h.Reasons, "\n"), "plugin missing") {
				seen = append(seen, raw)
				return true
			}
		}
		return false
	})
	waitUntil(t, "the stopped plugin to be replaced", 20*time.Second, func() bool {
		next := childPID(t, s.proc.cmd.Process.Pid, "plugin serve missing")
		return next != 0 && next != pid
	})
	if took := time.Since(stopped); took > 4*hang {
		t.Errorf("the stopped plugin was replaced %s after it stopped, with a hang timeout of %s", took, hang)
	}
	waitUntil(t, "health to be healthy again", 20*time.Second, func() bool {
		h, _ := get()
		return h.Status == "healthy"
	})
	t.Logf("degraded: %s", seen[0])
}
