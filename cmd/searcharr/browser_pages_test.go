package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserEveryPage opens every page of the UI, with data in it, at
// desktop and at phone width, and holds each to the same checks as the
// scenario tests: no console error, no CSP violation, no request to
// another origin, no serious accessibility violation.
func TestBrowserEveryPage(t *testing.T) {
	browser(t)
	s := launch(t, launchOptions{Register: true})
	inst := s.addInstance(t, "Sonarr", 20, "--sonarr", "1", "--radarr", "0", "--episodes", "200",
		"--missing-ratio", "0.5", "--seed", "7", "--command-duration", "50ms", "--import-delay", "1h")
	queue := s.createQueue(t, inst.ID, "Backlog", "missing", 3, map[string]any{"order": "oldest_aired"})
	run := s.startRun(t, queue)

	pages := []struct{ route, heading string }{
		{"#/dashboard", "Dashboard"},
		{"#/instances", "Instances"},
		{fmt.Sprintf("#/instances/%d", inst.ID), "Sonarr"},
		{"#/queues", "Search queues"},
		{fmt.Sprintf("#/queues/%d/edit", queue), "Edit Backlog"},
		{fmt.Sprintf("#/queues/%d/preview", queue), "Preview of Backlog"},
		{"#/history", "History"},
		{fmt.Sprintf("#/history/%d", run.ID), fmt.Sprintf("Run %d", run.ID)},
		{"#/history/stats", "Statistics"},
		{"#/history/failures", "Failures"},
		{"#/notifications", "Notifications"},
		{"#/exclusions", "Exclusions"},
		{"#/plugins", "Plugins"},
		{"#/settings", "Settings"},
	}
	p := openPage(t, s.api.base+"/")
	p.login("admin", adminPassword)
	for _, width := range []string{"desktop", "phone"} {
		if width == "phone" {
			p.phone()
		} else {
			p.desktop()
		}
		for _, pg := range pages {
			p.goTo(pg.route, pg.heading)
			p.checkPage(pg.route + " at " + width)
			if dir := os.Getenv("SEARCHARR_PAGE_SHOTS"); dir != "" {
				p.shotTo(dir, width+"-"+strings.NewReplacer("#/", "", "/", "-").Replace(pg.route))
			}
		}
	}
}

// shotTo writes a screenshot of the page to dir/name.png (for looking at
// every page by hand: SEARCHARR_PAGE_SHOTS=/tmp/shots go test -run
// TestBrowserEveryPage ./cmd/searcharr/).
func (p *browserPage) shotTo(dir, name string) {
	p.t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}
