package pluginhost

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkPlanRoundTrip measures one Plan through a real plugin process,
// with the Library served back to it over the broker.
func BenchmarkPlanRoundTrip(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			h := benchHost(b)
			req := planRequest("")
			req.Library = backlog(n)
			req.Budget.MaxIntents = 0
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := h.Plan(ctx, "echo", req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIdleRSS reports the resident memory of an idle plugin process.
func BenchmarkIdleRSS(b *testing.B) {
	h := benchHost(b)
	time.Sleep(200 * time.Millisecond)
	var kb int
	for b.Loop() {
		var err error
		if kb, err = vmRSS(h.Processes()[0].PID); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(kb), "rss-kB")
}

func benchHost(b *testing.B) *Host {
	b.Helper()
	dir := b.TempDir()
	data, err := os.ReadFile(bin + "/plugin")
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(dir+"/echo", data, 0o755); err != nil {
		b.Fatal(err)
	}
	h, err := New(Config{Dir: dir}, newLogger(&logBuffer{}))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = h.Close() })
	if err := h.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	if len(h.Processes()) != 1 {
		b.Fatalf("plugin did not start: %+v", h.Skipped())
	}
	return h
}

// vmRSS reads the VmRSS of a process, in kB.
func vmRSS(pid int) (int, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}
