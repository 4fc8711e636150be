package main

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestPluginsExitWhenTheHostIsKilled: a host killed outright cannot stop
// its plugin processes; they notice and exit by themselves, built-in and
// third-party alike, so no orphan is left running.
func TestPluginsExitWhenTheHostIsKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	s := launch(t, launchOptions{Register: true})
	host := s.proc.cmd.Process.Pid
	var pids []int
	for _, marker := range []string{"plugin serve missing", filepath.Join(binaries.pluginDir, "fewest-searches")} {
		pid := childPID(t, host, marker)
		if pid == 0 {
			t.Fatalf("no plugin process %q under the host", marker)
		}
		pids = append(pids, pid)
	}
	if err := syscall.Kill(host, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		waitUntil(t, "plugin process "+strconv.Itoa(pid)+" to exit", 10*time.Second, func() bool {
			return !running(pid)
		})
	}
}

// running reports whether a process is alive (a zombie awaiting its reaper
// counts as gone).
func running(pid int) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	for i := len(stat) - 1; i > 0; i-- {
		if stat[i] == ')' {
			return i+2 < len(stat) && stat[i+2] != 'Z'
		}
	}
	return true
}
