package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestUserComputationsStopEndToEnd: a subscription condition, a custom
// filter and a payload template that each kept a core busy after their 422
// are refused naming their field, and neither searcharr nor its plugin
// processes use the CPU afterwards.
func TestUserComputationsStopEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	_, sims := startFakearr(t, "--sonarr", "1", "--radarr", "0", "--episodes", "20")
	s := startSearcharr(t, "")
	var inst struct {
		ID int64 `json:"id"`
	}
	s.api.do("POST", "/api/instances", map[string]any{
		"name": "sonarr", "kind": "sonarr", "url": sims[0].URL, "api_key": sims[0].APIKey, "rate_per_second": 5, "burst": 1,
	}, &inst)
	queue := s.createQueue(t, inst.ID, "missing", "missing", 5, map[string]any{})

	const loops = `let r = 1..9000; all(r, {all(r, {all(r, {true})})})`
	for _, c := range []struct {
		method, path string
		body         any
		field        string
	}{
		{"PUT", fmt.Sprintf("/api/search-queues/%d/subscriptions", queue), map[string]any{
			"subscriptions": []map[string]any{{"event_type": "Grab", "condition": loops}},
		}, "body.subscriptions[0].condition"},
		{"POST", "/api/search-queues", map[string]any{
			"instance_id": inst.ID, "name": "custom", "strategy": "custom", "recurring": true, "interval_hours": 24,
			"max_items_per_run": 5, "filters": map[string]any{"filter": loops},
		}, "filter"},
		{"POST", "/api/notifications", map[string]any{
			"name": "hook", "url": "http://127.0.0.1:9/hook", "secret": strings.Repeat("s", 32), "events": []string{"grab_found"},
			"template": "{{range .At.UnixNano}}{{end}}",
		}, "template"},
	} {
		status, body := rawDo(t, s.api, c.method, c.path, c.body)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, c.field) {
			t.Fatalf("%s %s = %d %s; want 422 naming %s", c.method, c.path, status, body, c.field)
		}
	}

	// searcharr and the plugin processes it started.
	pids := append([]int{s.proc.cmd.Process.Pid}, children(s.proc.cmd.Process.Pid)...)
	time.Sleep(time.Second)
	before := treeCPU(t, pids)
	time.Sleep(2 * time.Second)
	if used := treeCPU(t, pids) - before; used > 200*time.Millisecond {
		t.Fatalf("searcharr and its plugins used %s of CPU in the 2 s after the refusals' first second: work was left running", used)
	} else {
		t.Logf("CPU used by %d processes in 2 s: %s", len(pids), used)
	}
}

// rawDo sends a request and returns the status and the body.
func rawDo(t *testing.T, c *client, method, path string, body any) (int, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// children lists the processes whose parent is pid.
func children(pid int) []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}

// treeCPU is the CPU time (user and system) the processes used so far,
// from /proc/PID/stat, in clock ticks of 10 ms.
func treeCPU(t *testing.T, pids []int) time.Duration {
	t.Helper()
	var total time.Duration
	for _, pid := range pids {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			t.Fatalf("process %d is gone: %v", pid, err)
		}
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
		ut, _ := strconv.ParseInt(fields[11], 10, 64)
		st, _ := strconv.ParseInt(fields[12], 10, 64)
		total += time.Duration(ut+st) * 10 * time.Millisecond
	}
	return total
}
