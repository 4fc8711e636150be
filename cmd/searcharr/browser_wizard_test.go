package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"
)

// TestBrowserWizardSQLite: from an empty database to a first search the
// simulator receives, through the setup wizard, with the keyboard only; a
// wrong URL base and a wrong API key on the way are each reported at the
// field at fault.
func TestBrowserWizardSQLite(t *testing.T) {
	wizard(t, "")
}

// TestBrowserWizardPostgres: the same on PostgreSQL.
func TestBrowserWizardPostgres(t *testing.T) {
	browser(t)
	wizard(t, freshPostgres(t))
}

// wizard walks the setup wizard with Tab, Enter and typing only: no
// element is clicked.
func wizard(t *testing.T, databaseURL string) {
	browser(t)
	control, sims := startFakearr(t, "--sonarr", "1", "--radarr", "0", "--episodes", "200",
		"--missing-ratio", "0.5", "--seed", "9", "--command-duration", "200ms", "--import-delay", "1h")
	sim := sims[0]
	s := launch(t, launchOptions{Anonymous: true, DatabaseURL: databaseURL})
	p := openPage(t, s.api.base+"/")
	shots := databaseURL == "" // one set of pictures

	// Step 1: the administrator.
	p.waitHeading("Set up Searcharr")
	p.checkPage("wizard: administrator")
	if shots {
		p.screenshot("wizard-admin")
	}
	p.tabTo("Username")
	if got := p.field("Username").Value; got != "admin" {
		t.Fatalf("the username is prefilled with %q, want admin", got)
	}
	p.tabTo("Password")
	p.typeText(adminPassword)
	p.tabTo("Confirm password")
	p.typeText(adminPassword)
	p.press(kb.Enter)

	// Step 2: the instance, tested before it is saved.
	p.waitText("Connect Sonarr or Radarr")
	p.checkPage("wizard: instance")
	if shots {
		p.screenshot("wizard-instance")
	}
	u, _ := url.Parse(sim.URL)
	wrongBase := u.Scheme + "://" + u.Host + "/not-sonarr"
	p.tabTo("URL")
	p.typeText(wrongBase)
	p.tabTo("API key")
	p.typeText(sim.APIKey)
	p.press(kb.Enter)
	p.waitFor("the URL to be marked wrong", js(`f.field('URL').getAttribute('aria-invalid') === 'true'`), 20*time.Second)
	if f := p.field("URL"); !strings.Contains(strings.ToLower(f.Error), "url") {
		t.Errorf("a wrong URL base says %q at the URL field: it does not name the URL", f.Error)
	} else {
		t.Logf("wrong URL base: %q", f.Error)
	}
	if p.field("API key").Invalid {
		t.Error("a wrong URL base marks the API key too")
	}
	p.checkPage("wizard: wrong URL base")

	p.tabTo("URL")
	p.typeOver(sim.URL)
	p.tabTo("API key")
	p.typeOver("0123456789abcdef0123456789abcdef")
	p.press(kb.Enter)
	p.waitFor("the API key to be marked wrong", js(`f.field('API key').getAttribute('aria-invalid') === 'true'`), 20*time.Second)
	if f := p.field("API key"); !strings.Contains(strings.ToLower(f.Error), "api key") {
		t.Errorf("a wrong API key says %q at the API key field: it does not name the API key", f.Error)
	} else {
		t.Logf("wrong API key: %q", f.Error)
	}
	if p.field("URL").Invalid {
		t.Error("a wrong API key leaves the URL marked wrong")
	}
	p.checkPage("wizard: wrong API key")
	if shots {
		p.screenshot("wizard-wrong-key")
	}
	p.tabTo("API key")
	p.typeOver(sim.APIKey)
	p.press(kb.Enter)

	// Step 3: the webhook. The test plays the user in Sonarr: it enters the
	// values the wizard shows and presses Test there.
	p.waitText("Send Sonarr/Radarr events to Searcharr")
	p.waitFor("the webhook values", js(`f.field('Webhook URL') && f.field('Webhook URL').value !== ''`), 15*time.Second)
	p.checkPage("wizard: webhook")
	setSimWebhook(t, control, sim.Name, p.field("Webhook URL").Value, p.field("Username").Value, p.field("Password").Value)
	simPost(t, control+"/__fakearr/webhooks/"+sim.Name+"/Test")
	p.waitText("Test received")
	if shots {
		p.screenshot("wizard-webhook")
	}
	p.tabTo("Continue")
	p.press(kb.Enter)

	// Step 4: a first queue from a preset, with a small run.
	p.waitText("Create a first queue")
	p.checkPage("wizard: first queue")
	p.tabTo("Items per run")
	p.typeOver("3")
	p.press(kb.Enter)

	// Step 5: the preview, then start.
	p.waitText("Preview and start")
	p.waitText("to search")
	p.checkPage("wizard: preview")
	if shots {
		p.screenshot("wizard-preview")
	}
	p.tabTo("Start searching")
	p.press(kb.Enter)
	p.waitHeading("Dashboard")
	waitUntil(t, "the simulator to receive the first search", 30*time.Second, func() bool {
		return len(commandPosts(simRequests(t, control), sim.Name)) > 0
	})
	p.checkPage("dashboard after the wizard")
}
