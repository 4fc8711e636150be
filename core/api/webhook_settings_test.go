package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

type webhookSettings struct {
	URL      string `json:"url"`
	Warning  string `json:"warning"`
	Triggers []struct {
		Label, Field, Why string
	} `json:"triggers"`
}

func (w webhookSettings) fields() string {
	var f []string
	for _, t := range w.Triggers {
		f = append(f, t.Field)
	}
	return strings.Join(f, ",")
}

// TestWebhookSettingsWarnAndListTriggers: reached on a loopback address
// without SEARCHARR_BASE_URL, the webhook settings warn and say how to fix
// it; with a base URL they do not. The triggers fit the instance's kind.
func TestWebhookSettingsWarnAndListTriggers(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st)
	a := bearer(h.register("alice", cred{}).AccessToken)
	sonarr := h.createInstance(a, "Sonarr", "k-1")
	body := instanceBody("Radarr", "k-2")
	body["kind"] = "radarr"
	var radarr struct{ ID int64 }
	h.must(http.StatusCreated, "POST", "/api/instances", body, a).json(t, &radarr)

	var w webhookSettings
	h.must(http.StatusOK, "GET", fmt.Sprintf("/api/instances/%d/webhook", sonarr), nil, a).json(t, &w)
	if !strings.Contains(w.Warning, "SEARCHARR_BASE_URL") || !strings.Contains(w.Warning, "127.0.0.1") {
		t.Errorf("loopback warning = %q", w.Warning)
	}
	if got := w.fields(); !strings.Contains(got, "onGrab") || !strings.Contains(got, "onSeriesAdd") ||
		!strings.Contains(got, "onHealthIssue") || strings.Contains(got, "onMovieAdded") {
		t.Errorf("sonarr triggers = %s", got)
	}
	h.must(http.StatusOK, "GET", fmt.Sprintf("/api/instances/%d/webhook", radarr.ID), nil, a).json(t, &w)
	if got := w.fields(); !strings.Contains(got, "onGrab") || !strings.Contains(got, "onMovieAdded") || strings.Contains(got, "onSeriesAdd") {
		t.Errorf("radarr triggers = %s", got)
	}
	for _, tr := range w.Triggers {
		if tr.Label == "" || tr.Why == "" {
			t.Errorf("trigger %+v lacks its label or reason", tr)
		}
	}

	hb := newHarness(t, st, func(c *api.Config, _ *api.Deps) { c.BaseURL = "http://searcharr.lan:7337" })
	var wb webhookSettings
	hb.must(http.StatusOK, "GET", fmt.Sprintf("/api/instances/%d/webhook", sonarr), nil, a).json(t, &wb)
	if wb.Warning != "" || !strings.HasPrefix(wb.URL, "http://searcharr.lan:7337/") {
		t.Errorf("with a base URL: warning %q, url %s", wb.Warning, wb.URL)
	}

	// A Host that is not loopback needs no warning either.
	req, err := http.NewRequest("GET", h.base+fmt.Sprintf("/api/instances/%d/webhook", sonarr), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "searcharr.lan:7337"
	req.Header.Set("Authorization", "Bearer "+a.bearer)
	res, err := h.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var wh webhookSettings
	if err := json.NewDecoder(res.Body).Decode(&wh); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET with Host searcharr.lan = %d %v", res.StatusCode, err)
	}
	if wh.Warning != "" || !strings.HasPrefix(wh.URL, "http://searcharr.lan:7337/") {
		t.Errorf("with a LAN host: warning %q, url %s", wh.Warning, wh.URL)
	}
}
