package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// webhookInfo is what GET /api/instances/{id}/webhook answers.
type webhookInfo struct {
	URL        string     `json:"url"`
	Username   string     `json:"username"`
	Password   string     `json:"password"`
	LastTestAt *time.Time `json:"last_test_at"`
}

// hookRun is a run as the history lists it, with its outcome counter.
type hookRun struct {
	ID            int64  `json:"id"`
	QueueID       int64  `json:"queue_id"`
	Trigger       string `json:"trigger"`
	Status        string `json:"status"`
	ItemsSelected int    `json:"items_selected"`
	CommandsSent  int    `json:"commands_sent"`
	ItemsFound    int    `json:"items_found"`
}

// simDelivery is one webhook fakearr sent.
type simDelivery struct {
	EventType string `json:"eventType"`
	Status    int    `json:"status"`
	Sent      bool   `json:"sent"`
	Error     string `json:"error"`
}

func simGet(t *testing.T, url string, out any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

func simPost(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("POST %s: %d", url, resp.StatusCode)
	}
}

func simDeliveries(t *testing.T, control, instance string) []simDelivery {
	t.Helper()
	var out map[string][]simDelivery
	simGet(t, control+"/__fakearr/webhooks?instance="+instance, &out)
	return out[instance]
}

func countDeliveries(ds []simDelivery, event string, status int) int {
	n := 0
	for _, d := range ds {
		if d.EventType == event && d.Status == status {
			n++
		}
	}
	return n
}

type simCounters struct {
	Grabs   int `json:"grabs"`
	Imports int `json:"imports"`
}

func simCount(t *testing.T, control, instance string) simCounters {
	t.Helper()
	var out map[string]simCounters
	simGet(t, control+"/__fakearr/counters?instance="+instance, &out)
	return out[instance]
}

func (s *searcharr) runsOf(t *testing.T, queueID int64) []hookRun {
	t.Helper()
	var page struct {
		Items []hookRun `json:"items"`
	}
	s.api.do("GET", fmt.Sprintf("/api/search-history?queue_id=%d&limit=100", queueID), nil, &page)
	return page.Items
}

func (s *searcharr) run(t *testing.T, queueID, runID int64) hookRun {
	t.Helper()
	for _, r := range s.runsOf(t, queueID) {
		if r.ID == runID {
			return r
		}
	}
	t.Fatalf("run %d of queue %d not listed", runID, queueID)
	return hookRun{}
}

// startQueue starts a queue without waiting for its run.
func (s *searcharr) startQueue(t *testing.T, queueID int64) int64 {
	t.Helper()
	var started struct {
		RunID int64 `json:"run_id"`
	}
	s.api.do("POST", fmt.Sprintf("/api/search-queues/%d/start", queueID), nil, &started)
	return started.RunID
}

// hookedInstance creates a Sonarr instance, reads its webhook credentials,
// starts fakearr sending its webhooks there with them, and points the
// instance at fakearr.
func hookedInstance(t *testing.T, s *searcharr, rate float64, simArgs ...string) (int64, webhookInfo, string, simInstance) {
	t.Helper()
	body := map[string]any{"name": "sonarr", "kind": "sonarr", "url": "http://127.0.0.1:9", "api_key": "placeholder-key",
		"rate_per_second": rate, "burst": 1}
	var inst struct {
		ID int64 `json:"id"`
	}
	s.api.do("POST", "/api/instances", body, &inst)
	var hook webhookInfo
	s.api.do("GET", fmt.Sprintf("/api/instances/%d/webhook", inst.ID), nil, &hook)
	if !strings.Contains(hook.URL, fmt.Sprintf("/api/webhooks/%d/", inst.ID)) || hook.Username == "" || hook.Password == "" {
		t.Fatalf("webhook info %+v", hook)
	}
	args := append([]string{"--sonarr", "1", "--radarr", "0", "--webhook-url", hook.URL,
		"--webhook-username", hook.Username, "--webhook-password", hook.Password}, simArgs...)
	control, sims := startFakearr(t, args...)
	body["url"], body["api_key"] = sims[0].URL, sims[0].APIKey
	s.api.do("PUT", fmt.Sprintf("/api/instances/%d", inst.ID), body, &map[string]any{})

	// The arr's Test: if serve has not mounted the receiver, the API's own
	// authentication refuses it.
	simPost(t, control+"/__fakearr/webhooks/"+sims[0].Name+"/Test")
	var test simDelivery
	waitUntil(t, "the Test webhook to be answered", 10*time.Second, func() bool {
		for _, d := range simDeliveries(t, control, sims[0].Name) {
			if d.EventType == "Test" && (d.Status != 0 || d.Error != "") {
				test = d
				return true
			}
		}
		return false
	})
	if test.Status == http.StatusUnauthorized || test.Status == http.StatusNotFound {
		t.Skipf("the webhook receiver is not mounted by serve (Test answered %d)", test.Status)
	}
	if test.Status != http.StatusOK {
		t.Fatalf("Test webhook answered %+v", test)
	}
	s.api.do("GET", fmt.Sprintf("/api/instances/%d/webhook", inst.ID), nil, &hook)
	if hook.LastTestAt == nil {
		t.Fatal("the Test webhook is not shown as the last test received")
	}
	return inst.ID, hook, control, sims[0]
}

func TestWebhooksEndToEndSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	webhooksEndToEnd(t, "")
}

func TestWebhooksEndToEndPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	webhooksEndToEnd(t, freshPostgres(t))
}

// webhooksEndToEnd: the simulator's Grab and Download webhooks set the
// run's items_found to exactly its grabs; an EpisodeFileDelete searches
// that episode; a Health warning about indexers pauses dispatch and
// HealthRestored resumes it.
func webhooksEndToEnd(t *testing.T, databaseURL string) {
	s := startSearcharr(t, databaseURL)
	instID, _, control, sonarr := hookedInstance(t, s, 4, "--episodes", "300", "--missing-ratio", "0.4",
		"--seed", "11", "--find-chance", "0.5", "--command-duration", "100ms", "--import-delay", "1s")

	// Outcomes.
	missing := s.createQueue(t, instID, "missing", "missing", 12, map[string]any{"order": "oldest_aired"})
	r := s.startRun(t, missing)
	if r.Status != "succeeded" || r.CommandsSent != 12 {
		t.Fatalf("run = %+v", r)
	}
	var c simCounters
	waitUntil(t, "every grab to be imported and announced", 30*time.Second, func() bool {
		c = simCount(t, control, sonarr.Name)
		ds := simDeliveries(t, control, sonarr.Name)
		return c.Grabs > 0 && c.Imports == c.Grabs &&
			countDeliveries(ds, "Grab", 200) == c.Grabs && countDeliveries(ds, "Download", 200) == c.Imports
	})
	waitUntil(t, "items_found to reach the simulator's grabs", 15*time.Second, func() bool {
		return s.run(t, missing, r.ID).ItemsFound >= c.Grabs
	})
	time.Sleep(time.Second)
	if got := s.run(t, missing, r.ID).ItemsFound; got != c.Grabs {
		t.Fatalf("items_found = %d, the simulator grabbed %d", got, c.Grabs)
	}

	// A file deleted from disk searches that episode (one Searcharr never
	// searched: a grab since the last search would rightly hold it back).
	searched := map[int64]bool{}
	for _, p := range commandPosts(simRequests(t, control), sonarr.Name) {
		var body struct {
			EpisodeIDs []int64 `json:"episodeIds"`
		}
		json.Unmarshal([]byte(p.Body), &body)
		for _, id := range body.EpisodeIDs {
			searched[id] = true
		}
	}
	episodeID := episodeWithFile(t, sonarr, searched)
	deleted := s.createQueue(t, instID, "deleted", "missing", 1, map[string]any{"order": "newest_aired"})
	s.api.do("PUT", fmt.Sprintf("/api/search-queues/%d/subscriptions", deleted), map[string]any{"subscriptions": []map[string]any{
		{"event_type": "EpisodeFileDelete", "condition": `event.deleteReason == "manual" && len(event.episodes) > 0`},
	}}, &map[string]any{})
	before := len(commandPosts(simRequests(t, control), sonarr.Name))
	simPost(t, fmt.Sprintf("%s/__fakearr/webhooks/%s/EpisodeFileDelete?episodeId=%d", control, sonarr.Name, episodeID))
	var hooked hookRun
	waitUntil(t, "the webhook-triggered run to end", 30*time.Second, func() bool {
		for _, run := range s.runsOf(t, deleted) {
			if run.Trigger == "webhook" && (run.Status == "succeeded" || run.Status == "failed") {
				hooked = run
				return true
			}
		}
		return false
	})
	posts := commandPosts(simRequests(t, control), sonarr.Name)[before:]
	if hooked.Status != "succeeded" || hooked.CommandsSent != 1 || len(posts) != 1 {
		t.Fatalf("webhook run = %+v, %d commands sent to Sonarr", hooked, len(posts))
	}
	if want := fmt.Sprintf(`"episodeIds":[%d]`, episodeID); !strings.Contains(posts[0].Body, want) {
		t.Fatalf("searched %s, want episode %d", posts[0].Body, episodeID)
	}

	// Failing indexers pause dispatch until they are restored. The
	// simulator finds out on the next search and sends a Health warning.
	s.api.do("PUT", fmt.Sprintf("/api/instances/%d", instID), map[string]any{"name": "sonarr", "kind": "sonarr",
		"url": sonarr.URL, "rate_per_second": 1, "burst": 1}, &map[string]any{})
	addFault(t, control, map[string]any{"instance": sonarr.Name, "indexersFailing": true})
	health := s.createQueue(t, instID, "health", "missing", 4, map[string]any{"order": "newest_aired"})
	before = len(commandPosts(simRequests(t, control), sonarr.Name))
	runID := s.startQueue(t, health)
	waitUntil(t, "the Health webhook to be answered", 20*time.Second, func() bool {
		return countDeliveries(simDeliveries(t, control, sonarr.Name), "Health", 200) == 1
	})
	// A command already past the rate limiter may still leave; after that
	// nothing does while paused, though at 1/s three would have.
	time.Sleep(1500 * time.Millisecond)
	held := len(commandPosts(simRequests(t, control), sonarr.Name))
	time.Sleep(3 * time.Second)
	if n := len(commandPosts(simRequests(t, control), sonarr.Name)); n != held || n-before >= 4 {
		t.Fatalf("commands kept going out while the indexers failed: %d before the pause settled, %d after 3 s, %d in all",
			held-before, n-held, n-before)
	}
	req, _ := http.NewRequest(http.MethodDelete, control+"/__fakearr/faults", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	waitUntil(t, "HealthRestored to be answered", 20*time.Second, func() bool {
		return countDeliveries(simDeliveries(t, control, sonarr.Name), "HealthRestored", 200) == 1
	})
	waitUntil(t, "dispatch to resume", 20*time.Second, func() bool {
		return len(commandPosts(simRequests(t, control), sonarr.Name))-before == 4
	})
	waitUntil(t, "the paused run to end", 20*time.Second, func() bool {
		r := s.run(t, health, runID)
		return r.Status == "succeeded" || r.Status == "failed"
	})
}

// episodeWithFile finds a monitored, aired episode that has a file, not in
// skip.
func episodeWithFile(t *testing.T, sonarr simInstance, skip map[int64]bool) int64 {
	t.Helper()
	get := func(path string, out any) {
		req, _ := http.NewRequest(http.MethodGet, sonarr.URL+path, nil)
		req.Header.Set("X-Api-Key", sonarr.APIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	var series []struct {
		ID        int64 `json:"id"`
		Monitored bool  `json:"monitored"`
	}
	get("/api/v3/series", &series)
	for _, se := range series {
		if !se.Monitored {
			continue
		}
		var eps []struct {
			ID         int64      `json:"id"`
			HasFile    bool       `json:"hasFile"`
			Monitored  bool       `json:"monitored"`
			AirDateUTC *time.Time `json:"airDateUtc"`
		}
		get(fmt.Sprintf("/api/v3/episode?seriesId=%d", se.ID), &eps)
		for _, e := range eps {
			if !skip[e.ID] && e.HasFile && e.Monitored && e.AirDateUTC != nil && e.AirDateUTC.Before(time.Now().Add(-48*time.Hour)) {
				return e.ID
			}
		}
	}
	t.Fatal("no monitored episode with a file")
	return 0
}

// TestWebhookKilledAfterAnswer: a webhook answered 2xx has its effect once
// even when the process is killed right after answering.
func TestWebhookKilledAfterAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	dataDir := filepath.Join(t.TempDir(), "data")
	addr := freePort(t)
	s := startSearcharrAt(t, dataDir, addr, true)
	instID, hook, control, sonarr := hookedInstance(t, s, 10, "--episodes", "300", "--missing-ratio", "0.4",
		"--seed", "5", "--find-chance", "-1", "--command-duration", "50ms")
	q := s.createQueue(t, instID, "missing", "missing", 10, map[string]any{"order": "oldest_aired"})
	r := s.startRun(t, q)
	if r.Status != "succeeded" || r.CommandsSent != 10 {
		t.Fatalf("run = %+v", r)
	}
	var searched []int64
	for _, p := range commandPosts(simRequests(t, control), sonarr.Name) {
		var body struct {
			EpisodeIDs []int64 `json:"episodeIds"`
		}
		json.Unmarshal([]byte(p.Body), &body)
		searched = append(searched, body.EpisodeIDs...)
	}
	if len(searched) != 10 {
		t.Fatalf("searched %v", searched)
	}

	// Sonarr grabs each searched episode; Searcharr dies right after the
	// last answer.
	tmpl, err := os.ReadFile("../../testdata/arr-contracts/webhooks/sonarr-Grab.json")
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range searched {
		var payload map[string]any
		json.Unmarshal(tmpl, &payload)
		payload["episodes"].([]any)[0].(map[string]any)["id"] = id
		payload["downloadId"] = fmt.Sprintf("kill-%d", i)
		body, _ := json.Marshal(payload)
		req, _ := http.NewRequest(http.MethodPost, hook.URL, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(hook.Username, hook.Password)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("grab %d answered %d", i, resp.StatusCode)
		}
	}
	if err := s.proc.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	s.proc.cmd.Wait()

	s2 := startSearcharrAt(t, dataDir, addr, false)
	waitUntil(t, "every answered grab to be counted", 30*time.Second, func() bool {
		return s2.run(t, q, r.ID).ItemsFound >= len(searched)
	})
	time.Sleep(2 * time.Second)
	if got := s2.run(t, q, r.ID).ItemsFound; got != len(searched) {
		t.Fatalf("items_found = %d after the restart, want %d: each answered grab exactly once", got, len(searched))
	}
}

// startSearcharrAt starts searcharr on SQLite in dataDir at addr and logs
// in, registering the admin first when register is set.
func startSearcharrAt(t *testing.T, dataDir, addr string, register bool) *searcharr {
	t.Helper()
	return launch(t, launchOptions{Addr: addr, DataDir: dataDir, Register: register})
}
