package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"
)

// TestBrowserQueueEditor: a queue for the third-party example plugin is
// created from the form generated from its JSON Schema (a value the
// plugin refuses is shown at its field first); a custom queue's filter
// expression, invalid, is marked at the position of the error, then fixed
// and saved.
func TestBrowserQueueEditor(t *testing.T) {
	browser(t)
	s := launch(t, launchOptions{Register: true})
	inst := s.addInstance(t, "Sonarr", 5, "--sonarr", "1", "--radarr", "0", "--episodes", "200", "--seed", "3")

	p := openPage(t, s.api.base+"/")
	p.login("admin", adminPassword)
	p.goTo("#/queues", "Search queues")
	p.checkPage("queues, empty")

	// The example plugin, from the plugin directory.
	p.click("New queue")
	p.waitHeading("New queue")
	p.fill("Name", "Fewest first")
	p.choose("Strategy", "fewest-searches")
	p.waitText("Settings of fewest-searches")
	if got := p.field("Candidates").Value; got != "500" {
		t.Errorf("Candidates shows %q, want the schema's default 500", got)
	}
	p.checkPage("queue editor, example plugin")
	p.fill("Candidates", "5000")
	p.click("Save queue")
	p.waitFor("the refused value to be marked at its field", js(`(() => { const el = f.field('Candidates'); return el && el.getAttribute('aria-invalid') === 'true'; })()`), 15*time.Second)
	if f := p.field("Candidates"); f.Error == "" {
		t.Errorf("Candidates is marked invalid without a message: %+v", f)
	}
	// Erased key by key, the field stays empty (no default put back under
	// the cursor), so typing 40 gives 40.
	p.fill("Candidates", "500")
	p.press(kb.Backspace, kb.Backspace, kb.Backspace)
	if got := p.field("Candidates").Value; got != "" {
		t.Fatalf("Candidates shows %q after erasing it, want it empty", got)
	}
	p.typeText("40")
	if got := p.field("Candidates").Value; got != "40" {
		t.Fatalf("Candidates shows %q after typing 40 into the emptied field", got)
	}
	p.click("Save queue")
	p.waitHeading("Search queues")
	p.waitText("Fewest first")
	var queues []struct {
		Name     string         `json:"name"`
		Strategy string         `json:"strategy"`
		Filters  map[string]any `json:"filters"`
	}
	s.api.do("GET", "/api/search-queues", nil, &queues)
	if len(queues) != 1 || queues[0].Strategy != "fewest-searches" || fmt.Sprint(queues[0].Filters["candidates"]) != "40" {
		t.Fatalf("saved queues = %+v, want one fewest-searches queue with candidates 40", queues)
	}
	p.checkPage("queues with one")

	// The custom strategy's filter: an unknown field, marked where it is.
	p.click("New queue")
	p.waitHeading("New queue")
	p.fill("Name", "Fresh first")
	p.choose("Strategy", "custom")
	const bad = `search_count < 3 && titel != ""`
	p.fill("Filter expression", bad)
	p.waitText("One error")
	f := p.field("Filter expression")
	if !f.Invalid || !strings.Contains(f.Error, "Line 1, column") {
		t.Fatalf("the invalid filter shows %+v, want aria-invalid and a message with its line and column", f)
	}
	// The marker puts its caret under the unknown name.
	caret := evalIn[int](p, `(() => {
		const pre = document.querySelector('.expr-marker');
		if (!pre) return -1;
		const lines = pre.textContent.split('\n');
		const gutter = lines[0].indexOf('│') + 2;
		return lines[1].indexOf('^') - gutter;
	})()`)
	if want := strings.Index(bad, "titel"); caret != want {
		t.Errorf("the caret is under column %d of %q, want %d (the unknown name)", caret+1, bad, want+1)
	}
	p.checkPage("queue editor, invalid expression")
	p.screenshot("queue-editor-error")
	const good = `search_count < 3 && title != ""`
	p.fill("Filter expression", good)
	p.waitText("Expression is valid")
	if f := p.field("Filter expression"); f.Invalid {
		t.Fatalf("the fixed filter is still marked invalid: %+v", f)
	}
	p.screenshot("queue-editor")
	p.click("Save queue")
	p.waitHeading("Search queues")
	p.waitText("Fresh first")
	s.api.do("GET", "/api/search-queues", nil, &queues)
	saved := false
	for _, q := range queues {
		if q.Name == "Fresh first" {
			saved = q.Strategy == "custom" && q.Filters["filter"] == good
		}
	}
	if !saved {
		t.Fatalf("saved queues = %+v, want Fresh first with the fixed filter", queues)
	}
	_ = inst
}
