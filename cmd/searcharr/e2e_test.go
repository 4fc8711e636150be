package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// searcharr is one running server with a logged-in admin.
type searcharr struct {
	proc *proc
	api  *client
}

func startSearcharr(t *testing.T, databaseURL string) *searcharr {
	t.Helper()
	return launch(t, launchOptions{DatabaseURL: databaseURL, Register: true})
}

// launchOptions say how launch starts searcharr. Zero values pick a free
// address and a fresh data directory; a test that restarts searcharr on
// the same database passes the same Addr and DataDir again.
type launchOptions struct {
	Addr        string
	DataDir     string
	DatabaseURL string
	// Env is added to the process environment.
	Env []string
	// Register creates the admin before logging in; a restart leaves it
	// unset.
	Register bool
	// WaitPath is the endpoint that must answer 200 (default /health).
	WaitPath string
	// Anonymous leaves the database as it is and logs nobody in (the web
	// UI's setup wizard starts from there).
	Anonymous bool
}

// launch starts searcharr serve, waits for it to answer and logs in as the
// admin.
func launch(t *testing.T, o launchOptions) *searcharr {
	t.Helper()
	if o.Addr == "" {
		o.Addr = freePort(t)
	}
	if o.DataDir == "" {
		o.DataDir = filepath.Join(t.TempDir(), "data")
	}
	if o.WaitPath == "" {
		o.WaitPath = "/health"
	}
	env := append([]string{
		"SEARCHARR_LISTEN=" + o.Addr,
		"SEARCHARR_DATA_DIR=" + o.DataDir,
		"SEARCHARR_DATABASE_URL=" + o.DatabaseURL,
		"SEARCHARR_PLUGIN_DIR=" + binaries.pluginDir,
		"SEARCHARR_LOG_LEVEL=debug",
	}, o.Env...)
	p := start(t, binaries.searcharr, env, "serve")
	c := &client{t: t, base: "http://" + o.Addr}
	waitUntil(t, "searcharr to answer "+o.WaitPath, 60*time.Second, func() bool {
		resp, err := http.Get(c.base + o.WaitPath)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	if o.Anonymous {
		return &searcharr{proc: p, api: c}
	}
	creds := map[string]string{"username": "admin", "password": "correct horse battery staple"}
	if o.Register {
		c.do("POST", "/api/auth/register", creds, &map[string]any{})
	}
	var login struct {
		AccessToken string `json:"access_token"`
	}
	c.do("POST", "/api/auth/login", creds, &login)
	c.token = login.AccessToken
	return &searcharr{proc: p, api: c}
}

type runRecord struct {
	ID              int64  `json:"id"`
	Status          string `json:"status"`
	Error           string `json:"error"`
	ItemsConsidered int    `json:"items_considered"`
	ItemsSelected   int    `json:"items_selected"`
	CommandsSent    int    `json:"commands_sent"`
	IndexerSearches int    `json:"indexer_searches"`
	ItemsFound      int    `json:"items_found"`
}

func (s *searcharr) createQueue(t *testing.T, instanceID int64, name, strategy string, budget int, filters any) int64 {
	t.Helper()
	var q struct {
		ID int64 `json:"id"`
	}
	s.api.do("POST", "/api/search-queues", map[string]any{
		"instance_id": instanceID, "name": name, "strategy": strategy,
		// Recurring daily: the scheduler leaves it alone for a day, so
		// every run in these tests is one the test started.
		"recurring": true, "interval_hours": 24, "max_items_per_run": budget, "filters": filters,
	}, &q)
	return q.ID
}

// startRun starts a queue and waits for its run to end.
func (s *searcharr) startRun(t *testing.T, queueID int64) runRecord {
	t.Helper()
	var started struct {
		RunID int64 `json:"run_id"`
	}
	s.api.do("POST", fmt.Sprintf("/api/search-queues/%d/start", queueID), nil, &started)
	var r runRecord
	waitUntil(t, fmt.Sprintf("run %d to end", started.RunID), 60*time.Second, func() bool {
		var page struct {
			Items []runRecord `json:"items"`
		}
		s.api.do("GET", fmt.Sprintf("/api/search-history?queue_id=%d&limit=100", queueID), nil, &page)
		for _, it := range page.Items {
			if it.ID == started.RunID {
				r = it
				return it.Status == "succeeded" || it.Status == "failed"
			}
		}
		return false
	})
	return r
}

func TestEndToEndSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	endToEnd(t, "")
}

func TestEndToEndPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	endToEnd(t, freshPostgres(t))
}

// endToEnd carries searches from the API through the bus, a plugin process,
// the Library, the policy and the dispatcher to the simulated Sonarr, and
// checks what Sonarr received.
func endToEnd(t *testing.T, databaseURL string) {
	control, sims := startFakearr(t, "--sonarr", "1", "--radarr", "0", "--episodes", "400",
		"--missing-ratio", "0.4", "--seed", "7", "--command-duration", "100ms", "--import-delay", "1h")
	sonarr := sims[0]
	s := startSearcharr(t, databaseURL)

	const rate = 4.0
	var inst struct {
		ID int64 `json:"id"`
	}
	s.api.do("POST", "/api/instances", map[string]any{
		"name": "sonarr", "kind": "sonarr", "url": sonarr.URL, "api_key": sonarr.APIKey,
		"rate_per_second": rate, "burst": 1,
	}, &inst)

	// The built-in strategy, in its own process.
	missing := s.createQueue(t, inst.ID, "missing", "missing", 8, map[string]any{"order": "oldest_aired"})
	r := s.startRun(t, missing)
	if r.Status != "succeeded" || r.ItemsSelected != 8 || r.CommandsSent != 8 || r.IndexerSearches != 8 {
		t.Fatalf("missing run = %+v, want succeeded with 8 items, commands and searches", r)
	}
	posts := commandPosts(simRequests(t, control), sonarr.Name)
	if len(posts) != 8 {
		t.Fatalf("Sonarr received %d commands, want 8", len(posts))
	}
	seen := map[string]bool{}
	for i, p := range posts {
		var body struct {
			Name       string  `json:"name"`
			EpisodeIDs []int64 `json:"episodeIds"`
		}
		if err := json.Unmarshal([]byte(p.Body), &body); err != nil {
			t.Fatal(err)
		}
		if body.Name != "EpisodeSearch" || len(body.EpisodeIDs) != 1 {
			t.Fatalf("command %d = %s, want an EpisodeSearch of one episode", i, p.Body)
		}
		if key := fmt.Sprint(body.EpisodeIDs); seen[key] {
			t.Fatalf("episode %s searched twice in one run", key)
		} else {
			seen[key] = true
		}
	}
	// Paced by the instance's token bucket (burst 1): in any window at most
	// 1 + rate×window commands arrive, with 150 ms of slack for the time a
	// send spends between its token and the simulator on a loaded machine
	// (the race detector and a busy CI host have delayed one send by 64 ms).
	// An unpaced sender still fails: eight sends arrive within milliseconds.
	for i := range posts {
		for j := i + 1; j < len(posts); j++ {
			window := posts[j].Time.Sub(posts[i].Time).Seconds()
			if allowed := 1 + rate*(window+0.15); float64(j-i+1) > allowed {
				t.Fatalf("%d commands within %.3fs at %v/s with burst 1", j-i+1, window, rate)
			}
		}
	}
	var items struct {
		Items []struct {
			Item     string `json:"item"`
			Decision string `json:"decision"`
		} `json:"items"`
	}
	s.api.do("GET", fmt.Sprintf("/api/search-history/%d/items", r.ID), nil, &items)
	kept := 0
	for _, it := range items.Items {
		if it.Decision == "kept" {
			kept++
		}
	}
	if kept != 8 {
		t.Fatalf("run %d recorded %d kept items, want 8: %+v", r.ID, kept, items.Items)
	}

	// The same items are cooling down now: a second run searches others.
	r2 := s.startRun(t, missing)
	if r2.Status != "succeeded" || r2.CommandsSent != 8 {
		t.Fatalf("second run = %+v", r2)
	}
	for _, p := range commandPosts(simRequests(t, control), sonarr.Name)[8:] {
		var body struct {
			EpisodeIDs []int64 `json:"episodeIds"`
		}
		json.Unmarshal([]byte(p.Body), &body)
		if seen[fmt.Sprint(body.EpisodeIDs)] {
			t.Fatalf("episode %v searched again inside its cooldown", body.EpisodeIDs)
		}
	}

	// A third-party plugin from the plugin directory.
	example := s.createQueue(t, inst.ID, "fewest", "fewest-searches", 3, map[string]any{"candidates": 50})
	r3 := s.startRun(t, example)
	if r3.Status != "succeeded" || r3.CommandsSent != 3 {
		t.Fatalf("example plugin run = %+v", r3)
	}
	if n := len(commandPosts(simRequests(t, control), sonarr.Name)); n != 19 {
		t.Fatalf("Sonarr received %d commands in all, want 19", n)
	}

	// Killing the plugin process while it plans fails that run only.
	addFault(t, control, map[string]any{"instance": sonarr.Name, "pathPrefix": "/api/v3/wanted", "hang": true, "remaining": 1})
	var started struct {
		RunID int64 `json:"run_id"`
	}
	s.api.do("POST", fmt.Sprintf("/api/search-queues/%d/start", missing), nil, &started)
	var pid int
	waitUntil(t, "the plan to reach the hung wanted list", 30*time.Second, func() bool {
		for _, req := range simRequests(t, control) {
			if strings.HasSuffix(req.Path, "/api/v3/wanted/missing") && req.Status == 0 {
				pid = childPID(t, s.proc.cmd.Process.Pid, "plugin serve missing")
				return pid != 0
			}
		}
		pid = childPID(t, s.proc.cmd.Process.Pid, "plugin serve missing")
		return false
	})
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var killed runRecord
	waitUntil(t, "the killed run to fail", 60*time.Second, func() bool {
		var page struct {
			Items []runRecord `json:"items"`
		}
		s.api.do("GET", fmt.Sprintf("/api/search-history?queue_id=%d", missing), nil, &page)
		for _, it := range page.Items {
			if it.ID == started.RunID {
				killed = it
			}
		}
		return killed.Status == "failed"
	})
	if !strings.Contains(killed.Error, `"missing"`) {
		t.Fatalf("failed run error %q does not name the plugin", killed.Error)
	}
	// The host stayed up and restarts the plugin: the next run succeeds.
	waitUntil(t, "the plugin to be back", 60*time.Second, func() bool {
		var plugins []struct {
			Name   string `json:"name"`
			Status string `json:"status"`
		}
		s.api.do("GET", "/api/plugins", nil, &plugins)
		for _, p := range plugins {
			if p.Name == "missing" {
				return p.Status == "running"
			}
		}
		return false
	})
	if r := s.startRun(t, missing); r.Status != "succeeded" || r.CommandsSent == 0 {
		t.Fatalf("run after the crash = %+v", r)
	}
}
