package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
)

// runsInstance registers the simulator's Sonarr with searcharr.
func runsInstance(t *testing.T, s *searcharr, sonarr simInstance, extra map[string]any) int64 {
	t.Helper()
	body := map[string]any{"name": "sonarr", "kind": "sonarr", "url": sonarr.URL, "api_key": sonarr.APIKey}
	for k, v := range extra {
		body[k] = v
	}
	var inst struct {
		ID int64 `json:"id"`
	}
	s.api.do("POST", "/api/instances", body, &inst)
	return inst.ID
}

// start starts a queue and returns its run.
func (s *searcharr) start(t *testing.T, queueID int64) int64 {
	t.Helper()
	var started struct {
		RunID int64 `json:"run_id"`
	}
	s.api.do("POST", fmt.Sprintf("/api/search-queues/%d/start", queueID), nil, &started)
	return started.RunID
}

// waitRun waits for a run of a queue to end and returns it.
func (s *searcharr) waitRun(t *testing.T, queueID, runID int64, timeout time.Duration) runRecord {
	t.Helper()
	var r runRecord
	waitUntil(t, fmt.Sprintf("run %d to end", runID), timeout, func() bool {
		var page struct {
			Items []runRecord `json:"items"`
		}
		s.api.do("GET", fmt.Sprintf("/api/search-history?queue_id=%d&limit=100", queueID), nil, &page)
		for _, it := range page.Items {
			if it.ID == runID {
				r = it
				return it.Status == "succeeded" || it.Status == "failed"
			}
		}
		return false
	})
	return r
}

// searchedOnce checks at the simulator that every item a command was
// recorded for reached it exactly once, and nothing else did. It returns
// the recorded commands.
func searchedOnce(t *testing.T, control, instance, databaseURL, dataDir string) []domain.DispatchedCommand {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{DatabaseURL: databaseURL, DataDir: dataDir, SkipMigrations: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cmds, err := st.Commands().ListByStatus(context.Background(), 0,
		domain.CommandPending, domain.CommandSent, domain.CommandCompleted, domain.CommandFailed, domain.CommandExpired)
	if err != nil {
		t.Fatal(err)
	}
	intended := map[int64]int{}
	for _, c := range cmds {
		if c.Status != domain.CommandSent && c.Status != domain.CommandCompleted {
			t.Fatalf("command %d of run %d ended %s: %s", c.ID, c.RunID, c.Status, c.Error)
		}
		for _, k := range c.Items {
			intended[k.ID]++
		}
	}
	got := dispatchAcceptedEpisodes(t, control, instance)
	var doubled []int64
	for id, n := range intended {
		if n != 1 {
			t.Errorf("episode %d was planned by %d commands", id, n)
		}
		if got[id] == 0 {
			t.Errorf("episode %d was planned and never reached the arr", id)
		}
	}
	for id, n := range got {
		if intended[id] == 0 {
			t.Errorf("episode %d reached the arr without being planned", id)
		}
		if n > 1 {
			doubled = append(doubled, id)
		}
	}
	sort.Slice(doubled, func(i, j int) bool { return doubled[i] < doubled[j] })
	if len(doubled) > 0 {
		t.Errorf("episodes %v were searched more than once", doubled)
	}
	return cmds
}

func TestRunsSurviveKill9SQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	t.Parallel()
	runsSurviveKills(t, "")
}

func TestRunsSurviveKill9Postgres(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	t.Parallel()
	runsSurviveKills(t, freshPostgres(t))
}

// runsSurviveKills kills searcharr with SIGKILL at several moments after
// a start (while the run is opened, planned, or sending), starts it again
// on the same database, and checks that the run then ends within a
// minute, that every planned item reached the simulator exactly once, and
// that each run reports the commands it sent.
func runsSurviveKills(t *testing.T, databaseURL string) {
	control, sims := startFakearr(t, "--sonarr", "1", "--radarr", "0", "--episodes", "400",
		"--missing-ratio", "0.5", "--seed", "5", "--command-duration", "50ms", "--import-delay", "1h")
	sonarr := sims[0]
	// The wanted list answers slowly, so the early kills land while the
	// run plans.
	addFault(t, control, map[string]any{"instance": sonarr.Name, "pathPrefix": "/api/v3/wanted", "latency": "300ms"})

	dataDir := filepath.Join(t.TempDir(), "data")
	addr := freePort(t)
	s := launch(t, launchOptions{Addr: addr, DataDir: dataDir, DatabaseURL: databaseURL, Register: true})
	inst := runsInstance(t, s, sonarr, map[string]any{"rate_per_second": 4, "burst": 1, "max_in_flight": 50})
	queue := s.createQueue(t, inst, "crash", "missing", 8, map[string]any{"order": "oldest_aired"})

	runs := map[int64]runRecord{}
	for _, delay := range []time.Duration{0, 50 * time.Millisecond, 100 * time.Millisecond, 500 * time.Millisecond, 2 * time.Second} {
		runID := s.start(t, queue)
		time.Sleep(delay)
		if err := s.proc.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		s.proc.cmd.Wait()
		s = launch(t, launchOptions{Addr: addr, DataDir: dataDir, DatabaseURL: databaseURL})
		r := s.waitRun(t, queue, runID, time.Minute)
		if r.Status != "succeeded" || r.ItemsSelected == 0 {
			t.Fatalf("killed %s after its start, run %d ended %s (%q) with %d selected", delay, runID, r.Status, r.Error, r.ItemsSelected)
		}
		runs[runID] = r
	}

	cmds := searchedOnce(t, control, sonarr.Name, databaseURL, dataDir)
	sent := map[int64]int{}
	searches := map[int64]int{}
	for _, c := range cmds {
		sent[c.RunID]++
		searches[c.RunID] += c.Cost
	}
	total := 0
	for id, r := range runs {
		if r.CommandsSent != sent[id] || r.IndexerSearches != searches[id] {
			t.Errorf("run %d reports %d commands and %d searches sent, its commands say %d and %d",
				id, r.CommandsSent, r.IndexerSearches, sent[id], searches[id])
		}
		total += r.CommandsSent
	}
	if commands, _ := dispatchSimCounters(t, control, sonarr.Name); commands != total {
		t.Errorf("the simulator ran %d commands, the runs report %d", commands, total)
	}
	t.Logf("%d runs, %d commands, each item searched once", len(runs), len(cmds))
}

func TestSlowPlanSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	t.Parallel()
	slowPlan(t, "")
}

func TestSlowPlanPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	t.Parallel()
	slowPlan(t, freshPostgres(t))
}

// slowPlan runs a queue whose wanted list takes 60 s to answer: the plan
// is governed by its own timeout, not by the bus's, and succeeds.
func slowPlan(t *testing.T, databaseURL string) {
	control, sims := startFakearr(t, "--sonarr", "1", "--radarr", "0", "--episodes", "100",
		"--missing-ratio", "0.5", "--seed", "9", "--command-duration", "50ms", "--import-delay", "1h")
	sonarr := sims[0]
	s := startSearcharr(t, databaseURL)
	inst := runsInstance(t, s, sonarr, map[string]any{"rate_per_second": 10, "burst": 1, "timeout_seconds": 120})
	queue := s.createQueue(t, inst, "slow", "missing", 5, map[string]any{"order": "oldest_aired"})
	addFault(t, control, map[string]any{"instance": sonarr.Name, "pathPrefix": "/api/v3/wanted/missing", "latency": "60s", "remaining": 1})
	began := time.Now()
	runID := s.start(t, queue)
	r := s.waitRun(t, queue, runID, 100*time.Second)
	if r.Status != "succeeded" || r.CommandsSent == 0 {
		t.Fatalf("slow plan: run %d ended %s (%q) with %d commands sent", runID, r.Status, r.Error, r.CommandsSent)
	}
	if took := time.Since(began); took < 60*time.Second {
		t.Fatalf("the run took %s: the wanted list was not slow, the test proves nothing", took)
	}
	if posts := commandPosts(simRequests(t, control), sonarr.Name); len(posts) != r.CommandsSent {
		t.Fatalf("the simulator got %d commands, the run reports %d", len(posts), r.CommandsSent)
	}
	// The queue is free again.
	if code := s.api.do("POST", fmt.Sprintf("/api/search-queues/%d/start", queue), nil, nil); code != http.StatusAccepted {
		t.Fatalf("start after the slow run = %d, want 202", code)
	}
}

func TestQueuesStartedTogetherSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	t.Parallel()
	queuesTogether(t, "")
}

func TestQueuesStartedTogetherPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	t.Parallel()
	queuesTogether(t, freshPostgres(t))
}

// queuesTogether starts two, then twenty queues of one instance (sharing
// its cooldown, the default) at once and checks at the simulator that no
// item was searched twice.
func queuesTogether(t *testing.T, databaseURL string) {
	control, sims := startFakearr(t, "--sonarr", "1", "--radarr", "0", "--episodes", "600",
		"--missing-ratio", "0.5", "--seed", "13", "--command-duration", "20ms", "--import-delay", "1h")
	sonarr := sims[0]
	dataDir := filepath.Join(t.TempDir(), "data")
	s := launch(t, launchOptions{DataDir: dataDir, DatabaseURL: databaseURL, Register: true})
	inst := runsInstance(t, s, sonarr, map[string]any{"rate_per_second": 50, "burst": 20, "max_in_flight": 100})

	for _, round := range []struct{ queues, budget int }{{2, 20}, {20, 5}} {
		ids := make([]int64, round.queues)
		for i := range ids {
			ids[i] = s.createQueue(t, inst, fmt.Sprintf("together-%d-%d", round.queues, i), "missing", round.budget,
				map[string]any{"order": "oldest_aired"})
		}
		runs := make([]int64, len(ids))
		var wg sync.WaitGroup
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runs[i] = s.start(t, id)
			}()
		}
		wg.Wait()
		for i, id := range ids {
			if r := s.waitRun(t, id, runs[i], time.Minute); r.Status != "succeeded" {
				t.Fatalf("run %d of queue %d ended %s: %s", runs[i], id, r.Status, r.Error)
			}
		}
	}
	cmds := searchedOnce(t, control, sonarr.Name, databaseURL, dataDir)
	t.Logf("%d commands from 22 queues, each item searched once", len(cmds))
}
