package main

import (
	"testing"

	"github.com/chromedp/chromedp/kb"
)

// TestBrowserWizardSQLite: from an empty database to a first search the
// simulator receives, through the setup wizard, with the keyboard only.
func TestBrowserWizardSQLite(t *testing.T) {
	wizard(t, "")
}

// wizard walks the setup wizard with Tab, Enter and typing only: no
// element is clicked.
func wizard(t *testing.T, databaseURL string) {
	browser(t)
	s := launch(t, launchOptions{Anonymous: true, DatabaseURL: databaseURL})
	p := openPage(t, s.api.base+"/")

	// Step 1: the administrator.
	p.waitHeading("Set up Searcharr")
	p.checkPage("wizard: administrator")
	p.screenshot("wizard-admin")
	p.tabTo("Username")
	if got := p.field("Username").Value; got != "admin" {
		t.Fatalf("the username is prefilled with %q, want admin", got)
	}
	p.tabTo("Password")
	p.typeText(adminPassword)
	p.tabTo("Confirm password")
	p.typeText(adminPassword)
	p.press(kb.Enter)
	p.waitFor("the administrator to be created", js(`!f.field('Confirm password')`), 15_000_000_000)
	p.checkPage("wizard: after the administrator")
}
