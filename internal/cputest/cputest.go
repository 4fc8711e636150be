// Package cputest checks, in tests, that work a process was asked to stop
// did stop: it measures the process's CPU time, not the wall clock.
package cputest

import (
	"syscall"
	"testing"
	"time"
)

// Self is the CPU time (user and system) this process used so far.
func Self(t testing.TB) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatalf("cputest: getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Grace is how long after a refusal work may still wind down.
const Grace = time.Second

// Window is how long the process is watched after Grace.
const Window = 2 * time.Second

// MaxBusy is the CPU time the process may use in Window and still count as
// idle: an idle test process uses a few milliseconds, a goroutine left
// spinning a whole core, and still a tenth of one (200 ms in Window) on a
// 2-core machine with a load of 20.
const MaxBusy = 100 * time.Millisecond

// AssertIdle waits Grace, then fails t if the process uses more than
// MaxBusy of CPU time in the next Window. Call it from a test that does
// not run in parallel with others.
func AssertIdle(t testing.TB) {
	t.Helper()
	time.Sleep(Grace)
	before := Self(t)
	time.Sleep(Window)
	used := Self(t) - before
	t.Logf("CPU time used in the %s after the first %s: %s", Window, Grace, used)
	if used > MaxBusy {
		t.Fatalf("the process used %s of CPU in the %s after the refusal's first %s: work was left running", used, Window, Grace)
	}
}
