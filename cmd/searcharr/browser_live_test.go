package main

import (
	"fmt"
	"testing"
	"time"
)

// TestBrowserLiveRun: with the dashboard open, a run started elsewhere
// shows up in the live activity feed and its counters move while it sends,
// without a reload; the run's detail then shows the item the simulator
// grabbed as found. History and a phone-width dashboard are checked too.
func TestBrowserLiveRun(t *testing.T) {
	browser(t)
	s := launch(t, launchOptions{Register: true})
	// Every search finds a release (a Grab webhook follows the command);
	// the imports wait, so "found" means the grab.
	inst := s.addInstance(t, "Sonarr", 2, "--sonarr", "1", "--radarr", "0", "--episodes", "300",
		"--missing-ratio", "0.5", "--seed", "11", "--find-chance", "1", "--command-duration", "200ms", "--import-delay", "1h")
	const budget = 6 // at 2 commands/s with a burst of 1, about 3 s of sending
	queue := s.createQueue(t, inst.ID, "Backlog", "missing", budget, map[string]any{"order": "oldest_aired"})

	p := openPage(t, s.api.base+"/")
	p.login("admin", adminPassword)
	p.waitHeading("Dashboard")
	p.waitText("Backlog")
	p.checkPage("dashboard")
	waitUntil(t, "the dashboard to open its event stream", 10*time.Second, p.eventStreamOpen)
	// A mark the page would lose on a reload.
	if err := evalErr(p, "window.__notReloaded = true"); err != nil {
		t.Fatal(err)
	}
	before := p.apiRequests()

	var started struct {
		RunID int64 `json:"run_id"`
	}
	s.api.do("POST", fmt.Sprintf("/api/search-queues/%d/start", queue), nil, &started)
	runLink := fmt.Sprintf("Run %d", started.RunID)
	p.waitText(fmt.Sprintf("Run %d of Backlog started", started.RunID))

	// The counters of the run in progress, sampled as a person watching.
	sent := js(`(() => {
		const a = [...document.querySelectorAll('li a')].find((a) => f.norm(a.textContent) === ` + jsString(runLink) + `);
		const li = a && a.closest('li');
		const dt = li && [...li.querySelectorAll('dt')].find((d) => f.norm(d.textContent) === 'Commands sent');
		return dt ? Number(dt.nextElementSibling.textContent) : -1;
	})()`)
	seen := map[int]bool{}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		n := evalIn[int](p, sent)
		if n >= 0 {
			seen[n] = true
		}
		if n < 0 && len(seen) > 0 {
			break // the run left "Runs in progress"
		}
		time.Sleep(50 * time.Millisecond)
	}
	intermediate := 0
	for n := range seen {
		if n > 0 && n < budget {
			intermediate++
		}
	}
	if intermediate == 0 {
		t.Errorf("the run's Commands sent showed %v while it sent %d commands: it never moved during the run", keys(seen), budget)
	}
	p.waitText("Search sent:")
	p.waitText(fmt.Sprintf("Run %d finished", started.RunID))
	if !evalIn[bool](p, "window.__notReloaded === true") {
		t.Fatal("the dashboard reloaded to show the run")
	}
	t.Logf("the dashboard made %d API requests while a run of %d commands went by", p.apiRequests()-before, budget)
	p.screenshot("dashboard")
	p.checkPage("dashboard after a run")

	// The simulator grabbed what was searched; the run's detail says so.
	waitUntil(t, "the simulator to grab", 20*time.Second, func() bool {
		return simCount(t, inst.Control, inst.Sim.Name).Grabs > 0
	})
	waitUntil(t, "the grab to be attributed to the run", 20*time.Second, func() bool {
		return s.runOf(t, started.RunID).ItemsFound > 0
	})
	p.click(runLink)
	p.waitHeading(runLink)
	p.waitFor("an item marked found", js(`[...document.querySelectorAll('table.decisions tbody tr')].some((tr) => /\bFound\b/.test(tr.innerText) && !/Not found/.test(tr.innerText))`), 15*time.Second)
	p.checkPage("run detail")
	p.screenshot("run-detail")

	p.goTo("#/history", "History")
	p.waitText(runLink)
	p.checkPage("history")
	p.screenshot("history")

	p.goTo("#/dashboard", "Dashboard")
	p.phone()
	p.waitText("Backlog")
	p.checkPage("dashboard at phone width")
	p.screenshot("dashboard-phone")
	p.desktop()
}

func keys(m map[int]bool) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	return out
}
