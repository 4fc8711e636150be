package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// adminPassword is the password launch registers the admin with.
const adminPassword = "correct horse battery staple"

// login signs in through the login page, which the UI shows to anyone
// without a session.
func (p *browserPage) login(username, password string) {
	p.t.Helper()
	p.waitHeading("Log in")
	p.fill("Username", username)
	p.fill("Password", password)
	p.click("Log in")
	p.waitFor("the login page to give way", js(`!f.heading().toLowerCase().startsWith('log in')`), 15*time.Second)
}

// goTo follows the app's hash route, as a bookmark or the address bar
// does, and waits for its heading.
func (p *browserPage) goTo(route, heading string) {
	p.t.Helper()
	if err := evalErr(p, "location.hash = "+jsString(route)); err != nil {
		p.t.Fatal(err)
	}
	p.waitHeading(heading)
}

func evalErr(p *browserPage, expr string) error {
	_, err := chromedp.Run(p.ctx, chromedp.Evaluate[chromedp.Void](expr))
	return err
}

// uiInstance is an instance created through the API for a browser test,
// with its simulated app's webhook pointed at Searcharr.
type uiInstance struct {
	ID      int64
	Control string
	Sim     simInstance
}

// addInstance creates an instance for the simulator's first app through
// the API, then configures that app's webhook with the values Searcharr
// gives (as a user does in Settings → Connect), so grabs are reported.
func (s *searcharr) addInstance(t *testing.T, name string, rate float64, simArgs ...string) uiInstance {
	t.Helper()
	control, sims := startFakearr(t, simArgs...)
	sim := sims[0]
	var inst struct {
		ID int64 `json:"id"`
	}
	s.api.do("POST", "/api/instances", map[string]any{
		"name": name, "kind": sim.Kind, "url": sim.URL, "api_key": sim.APIKey, "rate_per_second": rate, "burst": 1,
	}, &inst)
	var hook struct {
		URL      string `json:"url"`
		Method   string `json:"method"`
		Username string `json:"username"`
		Password string `json:"password"`
	}
	s.api.do("GET", fmt.Sprintf("/api/instances/%d/webhook", inst.ID), nil, &hook)
	setSimWebhook(t, control, sim.Name, hook.URL, hook.Username, hook.Password)
	return uiInstance{ID: inst.ID, Control: control, Sim: sim}
}

// setSimWebhook fills the simulated app's Settings → Connect → Webhook.
func setSimWebhook(t *testing.T, control, instance, url, username, password string) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"url": url, "method": "POST", "username": username, "password": password})
	req, _ := http.NewRequest(http.MethodPut, control+"/__fakearr/webhooks/"+instance, bytes.NewReader(b))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("setting the simulator's webhook: %d", resp.StatusCode)
	}
}

// eventStreamOpen tells whether the page has opened its event stream.
func (p *browserPage) eventStreamOpen() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, u := range p.requests {
		if strings.Contains(u, "/api/events") {
			return true
		}
	}
	return false
}

// apiRequests counts the page's requests under /api/ so far.
func (p *browserPage) apiRequests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, u := range p.requests {
		if strings.Contains(u, "/api/") {
			n++
		}
	}
	return n
}

// runOf reads one run through its decisions endpoint.
func (s *searcharr) runOf(t *testing.T, runID int64) runRecord {
	t.Helper()
	var out struct {
		Run runRecord `json:"run"`
	}
	s.api.do("GET", fmt.Sprintf("/api/search-history/%d/items?limit=1", runID), nil, &out)
	return out.Run
}
