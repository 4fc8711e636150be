package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestBrowserIsolation: a second user, logged in through the UI, never
// sees the first user's instance, queue or run: not on the dashboard, the
// instances, queues and history pages, not by opening the run's address,
// and not in the live activity feed while the first user's run goes by.
func TestBrowserIsolation(t *testing.T) {
	browser(t)
	s := launch(t, launchOptions{Register: true})
	inst := s.addInstance(t, "Alice Sonarr", 20, "--sonarr", "1", "--radarr", "0", "--episodes", "200",
		"--missing-ratio", "0.5", "--seed", "5", "--command-duration", "100ms", "--import-delay", "1h")
	queue := s.createQueue(t, inst.ID, "Alice backlog", "missing", 3, map[string]any{"order": "oldest_aired"})
	run := s.startRun(t, queue)
	var items struct {
		Items []struct {
			Title string `json:"title"`
		} `json:"items"`
	}
	s.api.do("GET", fmt.Sprintf("/api/search-history/%d/items", run.ID), nil, &items)
	if len(items.Items) == 0 || items.Items[0].Title == "" {
		t.Fatalf("run %d recorded no titled item", run.ID)
	}
	secret := []string{"Alice Sonarr", "Alice backlog", items.Items[0].Title}

	const bobPassword = "plum kettle harbour 7"
	s.api.do("POST", "/api/auth/register", map[string]string{"username": "bob", "password": bobPassword}, &map[string]any{})

	p := openPage(t, s.api.base+"/")
	p.login("bob", bobPassword)
	p.waitHeading("Dashboard")
	waitUntil(t, "the dashboard to open its event stream", 10*time.Second, p.eventStreamOpen)
	notShown := func(where string) {
		t.Helper()
		text := p.pageText()
		for _, s := range secret {
			if strings.Contains(text, s) {
				t.Errorf("%s shows another user's %q", where, s)
			}
		}
	}
	notShown("bob's dashboard")
	p.checkPage("dashboard of a user with nothing yet")

	// Alice's next run, while Bob watches his feed.
	var started struct {
		RunID int64 `json:"run_id"`
	}
	s.api.do("POST", fmt.Sprintf("/api/search-queues/%d/start", queue), nil, &started)
	waitUntil(t, "alice's second run to end", 30*time.Second, func() bool {
		r := s.runOf(t, started.RunID)
		return r.Status == "succeeded" || r.Status == "failed"
	})
	time.Sleep(time.Second) // what the stream would have pushed has arrived
	notShown("bob's dashboard during alice's run")
	if p.hasText(fmt.Sprintf("Run %d", started.RunID)) {
		t.Errorf("bob's dashboard shows alice's run %d", started.RunID)
	}

	for _, page := range []struct{ route, heading string }{
		{"#/instances", "Instances"},
		{"#/queues", "Search queues"},
		{"#/history", "History"},
	} {
		p.goTo(page.route, page.heading)
		time.Sleep(500 * time.Millisecond) // the list has loaded
		notShown("bob's " + page.heading)
		p.checkPage(page.heading + " of a user with nothing yet")
	}

	// Alice's run by its address: not found, and nothing of it shown.
	p.allowStatus(404)
	p.goTo(fmt.Sprintf("#/history/%d", run.ID), fmt.Sprintf("Run %d", run.ID))
	p.waitFor("a not-found message", js(`/not found|no such|does not exist/i.test(f.text())`), 15*time.Second)
	notShown("alice's run opened by bob")
}
