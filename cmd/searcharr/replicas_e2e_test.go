package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestReplicaTakesOverARunWhoseSenderWasKilled runs two searcharr
// processes on one PostgreSQL database, kills the one sending a run's
// commands with SIGKILL, and checks that the other sends the rest once its
// lease lapses, with no local wake, and that every item reaches the arr
// exactly once and the run ends.
func TestReplicaTakesOverARunWhoseSenderWasKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	const (
		want  = 40
		rate  = 4.0
		lease = 3 * time.Second
	)
	databaseURL := freshPostgres(t)
	control, sims := startFakearr(t, "--sonarr", "1", "--radarr", "0", "--episodes", "400",
		"--missing-ratio", "0.5", "--seed", "23", "--command-duration", "50ms", "--import-delay", "1h")
	sonarr := sims[0]
	addFault(t, control, map[string]any{"instance": sonarr.Name, "pathPrefix": "/api/v3/command", "latency": "100ms"})

	// Replicas share the database and the secret key, each with its own
	// data directory.
	env := []string{
		"SEARCHARR_DISPATCH_LEASE=" + lease.String(),
		"SEARCHARR_SECRET_KEY=" + strings.Repeat("5e", 32),
	}
	first := launch(t, launchOptions{DatabaseURL: databaseURL, Env: env, Register: true})
	second := launch(t, launchOptions{DatabaseURL: databaseURL, Env: env})

	var inst struct {
		ID int64 `json:"id"`
	}
	first.api.do("POST", "/api/instances", map[string]any{
		"name": "sonarr", "kind": "sonarr", "url": sonarr.URL, "api_key": sonarr.APIKey,
		"rate_per_second": rate, "burst": 1, "max_in_flight": 50,
	}, &inst)
	queue := first.createQueue(t, inst.ID, "missing", "missing", want, map[string]any{"order": "oldest_aired"})
	var started struct {
		RunID int64 `json:"run_id"`
	}
	first.api.do("POST", fmt.Sprintf("/api/search-queues/%d/start", queue), nil, &started)

	waitUntil(t, "the first commands to reach the arr", 60*time.Second, func() bool {
		return len(commandPosts(simRequests(t, control), sonarr.Name)) >= 8
	})
	sender, survivor := first, second
	if strings.Contains(second.proc.output(), `msg="command sent"`) {
		sender, survivor = second, first
	}
	if strings.Contains(survivor.proc.output(), `msg="command sent"`) {
		t.Fatal("both replicas sent for the instance")
	}
	if err := sender.proc.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	sender.proc.cmd.Wait()
	killed := time.Now()
	before := len(commandPosts(simRequests(t, control), sonarr.Name))
	if before >= want {
		t.Fatalf("all %d commands went out before the kill; the test proves nothing", before)
	}

	var run runRecord
	waitUntil(t, "the survivor to finish the run", 60*time.Second, func() bool {
		var page struct {
			Items []runRecord `json:"items"`
		}
		survivor.api.do("GET", fmt.Sprintf("/api/search-history?queue_id=%d&limit=100", queue), nil, &page)
		for _, it := range page.Items {
			if it.ID == started.RunID {
				run = it
			}
		}
		return run.Status == "succeeded" || run.Status == "failed"
	})
	if run.Status != "succeeded" || run.CommandsSent != want {
		t.Fatalf("run after the takeover = %+v, want succeeded with %d commands sent", run, want)
	}
	posts := commandPosts(simRequests(t, control), sonarr.Name)
	var resumed time.Time
	for _, p := range posts[before:] {
		if p.Status == http.StatusCreated {
			resumed = p.Time
			break
		}
	}
	// The dead replica renewed its lease at most a third of the lease
	// before the kill; a takeover waiting for a local wake never comes.
	if gap := resumed.Sub(killed); resumed.IsZero() || gap > lease+4*time.Second {
		t.Fatalf("the survivor resumed sending %s after the kill, want within the lease (%s) and a few seconds", gap, lease)
	}
	seen := dispatchAcceptedEpisodes(t, control, sonarr.Name)
	if len(seen) != want {
		t.Fatalf("%d episodes reached the arr, want %d", len(seen), want)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("episode %d was accepted %d times", id, n)
		}
	}
	if commands, searches := dispatchSimCounters(t, control, sonarr.Name); commands != want || searches != want {
		t.Fatalf("the simulator ran %d commands and %d indexer searches, want %d each", commands, searches, want)
	}
	t.Logf("%d commands before the kill; the survivor resumed %s after it", before, resumed.Sub(killed).Round(time.Millisecond))
}
