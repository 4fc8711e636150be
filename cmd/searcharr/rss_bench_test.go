package main

import (
	"bufio"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkIdleRSS starts searcharr serve (SQLite, the built-in plugin and
// the example plugin from the plugin directory), lets it settle, and
// reports the resident memory of the host and of each plugin process.
// Run with -benchtime=1x: the figure is a reading, not a loop.
func BenchmarkIdleRSS(b *testing.B) {
	if binaries.searcharr == "" {
		b.Skip("binaries are not built in -short mode")
	}
	addr := freePort(b)
	p := start(b, binaries.searcharr, []string{
		"SEARCHARR_LISTEN=" + addr,
		"SEARCHARR_DATA_DIR=" + filepath.Join(b.TempDir(), "data"),
		"SEARCHARR_PLUGIN_DIR=" + binaries.pluginDir,
		"SEARCHARR_DATABASE_URL=",
	}, "serve")
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("searcharr did not start: %s", p.output())
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
	for b.Loop() {
	}
	b.ReportMetric(float64(vmRSS(b, p.cmd.Process.Pid)), "host-rss-kB")
	for _, name := range []string{"missing", "fewest-searches"} {
		marker := "plugin serve " + name
		if name == "fewest-searches" {
			marker = filepath.Join(binaries.pluginDir, name)
		}
		if pid := childPID(b, p.cmd.Process.Pid, marker); pid != 0 {
			b.ReportMetric(float64(vmRSS(b, pid)), "plugin-"+name+"-rss-kB")
		}
	}
}

// vmRSS reads a process's resident set size in kB.
func vmRSS(b *testing.B, pid int) int {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	b.Fatalf("no VmRSS for pid %d", pid)
	return 0
}
