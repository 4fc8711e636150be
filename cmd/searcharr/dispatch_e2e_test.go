package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
)

// startDispatchSearcharr runs searcharr on a given data directory and address, so
// a test can start it again on the same database after killing it.
func startDispatchSearcharr(t *testing.T, dataDir, addr, databaseURL string, register bool) *searcharr {
	t.Helper()
	return launch(t, launchOptions{Addr: addr, DataDir: dataDir, DatabaseURL: databaseURL, Register: register})
}

// dispatchAcceptedEpisodes counts, per episode, the command POSTs the simulator
// accepted for it.
func dispatchAcceptedEpisodes(t *testing.T, control, instance string) map[int64]int {
	t.Helper()
	out := map[int64]int{}
	for _, p := range commandPosts(simRequests(t, control), instance) {
		if p.Status != http.StatusCreated {
			continue
		}
		var body struct {
			EpisodeIDs []int64 `json:"episodeIds"`
		}
		if err := json.Unmarshal([]byte(p.Body), &body); err != nil {
			t.Fatal(err)
		}
		for _, id := range body.EpisodeIDs {
			out[id]++
		}
	}
	return out
}

func dispatchSimCounters(t *testing.T, control, instance string) (commands, searches int) {
	t.Helper()
	resp, err := http.Get(control + "/__fakearr/counters?instance=" + instance)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var all map[string]struct {
		Commands        int `json:"commands"`
		IndexerSearches int `json:"indexerSearches"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&all); err != nil {
		t.Fatal(err)
	}
	return all[instance].Commands, all[instance].IndexerSearches
}

func TestDispatchSurvivesKill9SQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	dispatchCrash(t, "")
}

func TestDispatchSurvivesKill9Postgres(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	dispatchCrash(t, freshPostgres(t))
}

// dispatchCrash kills searcharr with SIGKILL while it sends a run's
// commands, starts it again on the same database, and checks at the
// simulator that every intended search arrived exactly once.
func dispatchCrash(t *testing.T, databaseURL string) {
	const want = 30
	control, sims := startFakearr(t, "--sonarr", "1", "--radarr", "0", "--episodes", "400",
		"--missing-ratio", "0.5", "--seed", "11", "--command-duration", "50ms", "--import-delay", "1h")
	sonarr := sims[0]
	// Each POST takes 150ms at the arr, so a kill likely lands while one
	// is on the wire.
	addFault(t, control, map[string]any{"instance": sonarr.Name, "pathPrefix": "/api/v3/command", "latency": "150ms"})

	dataDir := filepath.Join(t.TempDir(), "data")
	addr := freePort(t)
	s := startDispatchSearcharr(t, dataDir, addr, databaseURL, true)
	var inst struct {
		ID int64 `json:"id"`
	}
	s.api.do("POST", "/api/instances", map[string]any{
		"name": "sonarr", "kind": "sonarr", "url": sonarr.URL, "api_key": sonarr.APIKey,
		"rate_per_second": 5, "burst": 1, "max_in_flight": 50,
	}, &inst)
	queue := s.createQueue(t, inst.ID, "missing", "missing", want, map[string]any{"order": "oldest_aired"})
	var started struct {
		RunID int64 `json:"run_id"`
	}
	s.api.do("POST", fmt.Sprintf("/api/search-queues/%d/start", queue), nil, &started)

	waitUntil(t, "a few commands to reach the arr", 60*time.Second, func() bool {
		return len(commandPosts(simRequests(t, control), sonarr.Name)) >= 6
	})
	if err := s.proc.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	s.proc.cmd.Wait()
	before := len(dispatchAcceptedEpisodes(t, control, sonarr.Name))
	if before >= want {
		t.Fatalf("all %d commands went out before the kill; the test proves nothing", before)
	}

	startDispatchSearcharr(t, dataDir, addr, databaseURL, false)
	st, err := store.Open(context.Background(), store.Options{DatabaseURL: databaseURL, DataDir: dataDir, SkipMigrations: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// What searcharr meant to search: every command it recorded.
	var cmds []domain.DispatchedCommand
	waitUntil(t, "every recorded command to be sent", 90*time.Second, func() bool {
		cmds, err = st.Commands().ListByStatus(context.Background(), 0,
			domain.CommandPending, domain.CommandSent, domain.CommandCompleted, domain.CommandFailed, domain.CommandExpired)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cmds {
			if c.Status == domain.CommandPending {
				return false
			}
		}
		return len(cmds) >= want
	})
	// Give a doubled send every chance to show up.
	time.Sleep(2 * time.Second)

	intended := map[int64]bool{}
	cost := 0
	for _, c := range cmds {
		if c.Status != domain.CommandSent && c.Status != domain.CommandCompleted {
			t.Fatalf("command %d ended %s: %s", c.ID, c.Status, c.Error)
		}
		for _, k := range c.Items {
			intended[k.ID] = true
		}
		cost += c.Cost
	}
	got := dispatchAcceptedEpisodes(t, control, sonarr.Name)
	for id := range intended {
		if got[id] == 0 {
			t.Fatalf("episode %d was intended and never reached the arr", id)
		}
	}
	var doubled []int64
	for id, n := range got {
		if !intended[id] {
			t.Fatalf("episode %d reached the arr without being intended", id)
		}
		if n != 1 {
			doubled = append(doubled, id)
		}
	}
	sort.Slice(doubled, func(i, j int) bool { return doubled[i] < doubled[j] })
	if len(doubled) > 0 {
		t.Fatalf("episodes %v were accepted more than once", doubled)
	}
	commands, searches := dispatchSimCounters(t, control, sonarr.Name)
	if commands != len(cmds) || searches != cost {
		t.Fatalf("the simulator ran %d commands and %d indexer searches, want %d and %d", commands, searches, len(cmds), cost)
	}
	t.Logf("%d commands recorded, %d episodes searched before the kill, all once", len(cmds), before)
}
