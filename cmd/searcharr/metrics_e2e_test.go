package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

const e2eMetricsToken = "metrics-e2e-token-0123456789"

// startObserved runs searcharr with JSON logs at debug level and a
// metrics token, and logs in an admin.
func startObserved(t *testing.T) *searcharr {
	t.Helper()
	return launch(t, launchOptions{
		Register: true,
		WaitPath: "/ready",
		Env:      []string{"SEARCHARR_LOG_FORMAT=json", "SEARCHARR_METRICS_TOKEN=" + e2eMetricsToken},
	})
}

// scrape reads /metrics with token and returns each sample by its name
// and sorted labels, as Prometheus prints them.
func scrape(t *testing.T, base, token string) (int, map[string]float64) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return resp.StatusCode, out
}

// TestMetricsAndCorrelationEndToEnd runs a queue through a real searcharr,
// a plugin process and the simulator, then checks that /metrics counts what
// the simulator received, and that every log line the run caused, in the
// host and in the plugin process, carries the run's correlation id.
func TestMetricsAndCorrelationEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	control, sims := startFakearr(t, "--sonarr", "1", "--radarr", "0", "--episodes", "200",
		"--missing-ratio", "0.5", "--seed", "11", "--command-duration", "50ms", "--import-delay", "1h")
	sonarr := sims[0]
	s := startObserved(t)

	if code, _ := scrape(t, s.api.base, ""); code != http.StatusUnauthorized {
		t.Fatalf("/metrics without the token = %d, want 401", code)
	}
	if code, _ := scrape(t, s.api.base, "wrong-"+e2eMetricsToken); code != http.StatusUnauthorized {
		t.Fatalf("/metrics with a wrong token = %d, want 401", code)
	}

	var inst struct {
		ID int64 `json:"id"`
	}
	s.api.do("POST", "/api/instances", map[string]any{
		"name": "sonarr", "kind": "sonarr", "url": sonarr.URL, "api_key": sonarr.APIKey,
		"rate_per_second": 10, "burst": 1, "hourly_cap": 100,
	}, &inst)
	queue := s.createQueue(t, inst.ID, "missing", "missing", 6, map[string]any{"order": "oldest_aired"})
	r := s.startRun(t, queue)
	if r.Status != "succeeded" || r.CommandsSent != 6 {
		t.Fatalf("run = %+v, want succeeded with 6 commands", r)
	}
	posts := commandPosts(simRequests(t, control), sonarr.Name)
	if len(posts) != 6 {
		t.Fatalf("the simulator received %d commands, want 6", len(posts))
	}

	// Metrics: what the simulator received, counted by the host.
	id := strconv.FormatInt(inst.ID, 10)
	want := map[string]float64{
		fmt.Sprintf(`searcharr_commands_sent_total{command="EpisodeSearch",instance="%s",strategy="missing"}`, id): float64(len(posts)),
		fmt.Sprintf(`searcharr_indexer_searches_total{instance="%s"}`, id):                                         float64(len(posts)),
		fmt.Sprintf(`searcharr_rate_limit_wait_seconds_count{instance="%s"}`, id):                                  float64(len(posts)),
		fmt.Sprintf(`searcharr_budget_used{instance="%s",window="hour"}`, id):                                      float64(len(posts)),
		fmt.Sprintf(`searcharr_budget_remaining{instance="%s",window="hour"}`, id):                                 float64(100 - len(posts)),
		`searcharr_arr_request_duration_seconds_count{app="sonarr",endpoint="/api/v3/command",method="POST"}`:      float64(len(posts)),
		`searcharr_plugin_call_duration_seconds_count{method="Plan",plugin="missing"}`:                             1,
		`searcharr_run_duration_seconds_count{status="succeeded",strategy="missing"}`:                              1,
	}
	var got map[string]float64
	// The run ends with its last command's answer; its duration is
	// recorded right after, so allow the scrape a moment.
	waitUntil(t, "the run's metrics", 10*time.Second, func() bool {
		_, got = scrape(t, s.api.base, e2eMetricsToken)
		for k, v := range want {
			if got[k] != v {
				return false
			}
		}
		return true
	})
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if got["go_goroutines"] <= 0 || got["process_start_time_seconds"] <= 0 {
		t.Errorf("the Go and process collectors are missing")
	}
	if _, ok := got[`searcharr_plugin_call_errors_total{method="Plan",plugin="missing"}`]; ok {
		t.Errorf("a successful Plan counted as an error")
	}

	checkCorrelation(t, s.proc.output(), r.ID, len(posts))
}

// checkCorrelation reads the JSON log and checks that the run's lines,
// the plugin's, the dispatcher's and the arr calls of its commands all
// carry the run's correlation id.
func checkCorrelation(t *testing.T, output string, runID int64, commands int) {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(output, "\n") {
		var m map[string]any
		if strings.HasPrefix(l, "{") && json.Unmarshal([]byte(l), &m) == nil {
			lines = append(lines, m)
		}
	}
	run := float64(runID)
	var cid string
	for _, l := range lines {
		if l["msg"] == "run started" && l["run_id"] == run {
			cid, _ = l["correlation_id"].(string)
		}
	}
	if cid == "" {
		t.Fatalf("no 'run started' line with a correlation id for run %d", runID)
	}
	counts := map[string]int{}
	for _, l := range lines {
		has := l["correlation_id"] == cid
		switch {
		case l["run_id"] == run:
			counts[fmt.Sprint(l["component"], ": ", l["msg"])]++
			if !has {
				t.Errorf("line of run %d without its correlation id: %v", runID, l)
			}
		case l["plugin"] == "missing" && l["msg"] == "plan ready":
			counts["plugin: plan ready"]++
			if !has {
				t.Errorf("plugin line without the correlation id: %v", l)
			}
		case l["component"] == "pluginhost" && l["msg"] == "plugin call" && l["method"] == "Plan":
			counts["pluginhost: plan call"]++
			if !has {
				t.Errorf("plan call line without the correlation id: %v", l)
			}
		case l["component"] == "arr" && l["op"] == "POST /api/v3/command":
			counts["arr: command posts"]++
			if !has {
				t.Errorf("arr call of a command without the correlation id: %v", l)
			}
		case l["component"] == "arr" && strings.HasPrefix(fmt.Sprint(l["op"]), "GET /api/v3/command/"):
			counts["arr: command polls"]++
			if !has {
				t.Errorf("arr poll of a command without the correlation id: %v", l)
			}
		}
	}
	for what, n := range map[string]int{
		"engine: run started":    1,
		"engine: plan ready":     1,
		"engine: run ended":      1,
		"dispatch: command sent": commands,
		"plugin: plan ready":     1,
		"pluginhost: plan call":  1,
		"arr: command posts":     commands,
	} {
		if counts[what] != n {
			t.Errorf("%d lines %q, want %d (all counts: %v)", counts[what], what, n, counts)
		}
	}
}
