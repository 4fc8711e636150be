package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// fakeMetrics stands for the Prometheus handler.
var fakeMetrics = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	_, _ = w.Write([]byte("searcharr_up 1\n"))
})

func TestMetricsWithoutTokenArePublic(t *testing.T) {
	h := newHarness(t, storetest.Open(t, store.DialectSQLite))
	got := h.must(http.StatusOK, "GET", "/metrics", nil, cred{})
	if !strings.Contains(string(got.Body), "searcharr_up 1") {
		t.Fatalf("metrics body = %q", got.Body)
	}
	// A bearer that is not an access token does not turn the public route
	// into a refusal.
	h.must(http.StatusOK, "GET", "/metrics", nil, bearer("whatever"))
}

func TestMetricsToken(t *testing.T) {
	const token = "metrics-token-0123456789"
	h := newHarness(t, storetest.Open(t, store.DialectSQLite), func(c *api.Config, _ *api.Deps) { c.MetricsToken = token })
	alice := h.register("alice", cred{})
	for name, c := range map[string]cred{
		"none":               {},
		"wrong token":        bearer(token + "x"),
		"prefix":             bearer(token[:10]),
		"basic":              {header: map[string]string{"Authorization": "Basic " + token}},
		"user access token":  bearer(alice.AccessToken),
		"token as api key":   {apiKey: token},
		"token without type": {header: map[string]string{"Authorization": token}},
	} {
		got := h.do("GET", "/metrics", nil, c)
		if got.Status != http.StatusUnauthorized || strings.Contains(string(got.Body), "searcharr_up") {
			t.Errorf("%s: %s, want 401 without the metrics", name, got)
		}
		if name == "none" && !strings.HasPrefix(got.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("401 without a Bearer challenge: %v", got.Header)
		}
		if strings.Contains(string(got.Body), token) {
			t.Errorf("%s: the answer shows the token", name)
		}
	}
	got := h.must(http.StatusOK, "GET", "/metrics", nil, bearer(token))
	if !strings.Contains(string(got.Body), "searcharr_up 1") {
		t.Fatalf("metrics body = %q", got.Body)
	}
	h.must(http.StatusOK, "GET", "/metrics", nil, cred{header: map[string]string{"Authorization": "bearer " + token}})
}

func TestMetricsLeftOutWithoutHandler(t *testing.T) {
	h := newHarness(t, storetest.Open(t, store.DialectSQLite), func(_ *api.Config, d *api.Deps) { d.Metrics = nil })
	// Not mounted: like any unknown route, refused before routing.
	h.must(http.StatusUnauthorized, "GET", "/metrics", nil, cred{})
}

// failedCatalog reports one plugin the host gave up restarting.
type failedCatalog struct{ fakeCatalog }

func (failedCatalog) Plugins() []api.PluginInfo {
	ps := fakeCatalog{}.Plugins()
	ps[1].Status = "failed"
	ps[2].Status = "restarting"
	return ps
}

func TestHealthReflectsPluginsAndScheduler(t *testing.T) {
	type health struct {
		Status  string `json:"status"`
		Plugins struct {
			Count   int      `json:"count"`
			Running int      `json:"running"`
			Failed  []string `json:"failed"`
		} `json:"plugins"`
	}
	type ready struct {
		Ready  bool   `json:"ready"`
		Reason string `json:"reason"`
	}
	st := storetest.Open(t, store.DialectSQLite)

	h := newHarness(t, st)
	var b health
	h.must(http.StatusOK, "GET", "/health", nil, cred{}).json(t, &b)
	if b.Status != "healthy" || b.Plugins.Running != 4 || len(b.Plugins.Failed) != 0 {
		t.Fatalf("health = %+v", b)
	}

	h = newHarness(t, st, func(_ *api.Config, d *api.Deps) { d.Plugins = failedCatalog{} })
	h.must(http.StatusOK, "GET", "/health", nil, cred{}).json(t, &b)
	if b.Status != "degraded" || b.Plugins.Count != 4 || b.Plugins.Running != 2 || len(b.Plugins.Failed) != 1 || b.Plugins.Failed[0] != "cutoff" {
		t.Fatalf("health with a failed plugin = %+v", b)
	}
	var r ready
	h.must(http.StatusOK, "GET", "/ready", nil, cred{}).json(t, &r)
	if !r.Ready {
		t.Fatalf("a failed plugin must not make the server unready: %+v", r)
	}

	h = newHarness(t, st, func(_ *api.Config, d *api.Deps) { d.Scheduler = fakeScheduler{running: false} })
	h.must(http.StatusOK, "GET", "/health", nil, cred{}).json(t, &b)
	if b.Status != "degraded" {
		t.Fatalf("health with the scheduler stopped = %+v", b)
	}
	got := h.must(http.StatusServiceUnavailable, "GET", "/ready", nil, cred{})
	if err := json.Unmarshal(got.Body, &r); err != nil || r.Ready || r.Reason != "scheduler not running" {
		t.Fatalf("ready with the scheduler stopped = %s", got.Body)
	}

	h = newHarness(t, st, func(_ *api.Config, d *api.Deps) { d.Bus = fakeBus{running: false} })
	got = h.must(http.StatusServiceUnavailable, "GET", "/ready", nil, cred{})
	if err := json.Unmarshal(got.Body, &r); err != nil || r.Ready || r.Reason != "event bus not running" {
		t.Fatalf("ready with the bus stopped = %s", got.Body)
	}
}
