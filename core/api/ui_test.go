package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
	"github.com/vibequality/searcharr/core/web"
)

func mountUI(t *testing.T, baseURL string) func(*api.Server) {
	return func(s *api.Server) {
		ui, err := web.New(web.Config{BaseURL: baseURL})
		if err != nil {
			t.Fatal(err)
		}
		s.MountUI(ui)
	}
}

// TestUIServedWithoutCredentials: the page, its files and page addresses
// answer without credentials under the UI's strict policy, while every
// API route still needs them.
func TestUIServedWithoutCredentials(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st, mountUI(t, ""))
	for _, p := range []string{"/", "/app.js", "/style.css", "/vendor/preact-htm.js", "/dashboard"} {
		r := h.must(http.StatusOK, "GET", p, nil, cred{})
		if got := r.Header.Get("Content-Security-Policy"); got != web.ContentSecurityPolicy {
			t.Errorf("GET %s CSP = %q", p, got)
		}
	}
	if r := h.must(http.StatusOK, "GET", "/", nil, cred{}); !strings.Contains(string(r.Body), `<script type="module" src="app.js">`) ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET / is not the UI's index: %s", r.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/api/instances", "/api/nothing", "/api/", "/missing.js"} {
		if r := h.do("GET", p, nil, cred{}); r.Status != http.StatusUnauthorized {
			t.Errorf("GET %s without credentials = %s, want 401", p, r)
		}
	}
	// Routes of the API keep their own answers.
	if r := h.must(http.StatusOK, "GET", "/openapi.json", nil, cred{}); !strings.Contains(r.Header.Get("Content-Type"), "openapi") {
		t.Errorf("GET /openapi.json answered %s", r.Header.Get("Content-Type"))
	}
	if r := h.must(http.StatusOK, "GET", "/health", nil, cred{}); !strings.Contains(string(r.Body), `"status"`) {
		t.Errorf("GET /health = %s", r)
	}
	// An unknown API path is not the page, even signed in.
	tok := h.register("alice", cred{})
	if r := h.do("GET", "/api/nothing", nil, bearer(tok.AccessToken)); r.Status != http.StatusNotFound ||
		!strings.Contains(r.Header.Get("Content-Type"), "problem") {
		t.Errorf("GET /api/nothing signed in = %s", r)
	}
	if r := h.do("POST", "/", nil, bearer(tok.AccessToken)); r.Status == http.StatusOK {
		t.Errorf("POST / = %s", r)
	}
}

// TestUIUnderBasePath: behind a reverse proxy path the page is served
// there with a matching <base href>, and the bare prefix redirects to it.
func TestUIUnderBasePath(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st, func(c *api.Config, _ *api.Deps) { c.BaseURL = "https://example.org/searcharr/" }, mountUI(t, "https://example.org/searcharr/"))
	r := h.must(http.StatusOK, "GET", "/searcharr/", nil, cred{})
	if !strings.Contains(string(r.Body), `<base href="/searcharr/">`) {
		t.Errorf("index under the base path lacks its base href")
	}
	h.must(http.StatusOK, "GET", "/searcharr/app.js", nil, cred{})
	h.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if r := h.do("GET", "/searcharr", nil, cred{}); r.Status != http.StatusFound || r.Header.Get("Location") != "/searcharr/" {
		t.Errorf("GET /searcharr = %d to %q", r.Status, r.Header.Get("Location"))
	}
}

// TestSetupStatus: the public setup status says whether the first user is
// still to be created.
func TestSetupStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		var s struct {
			SetupRequired bool `json:"setup_required"`
		}
		h.must(http.StatusOK, "GET", "/api/auth/setup", nil, cred{}).json(t, &s)
		if !s.SetupRequired {
			t.Error("setup not required on an empty database")
		}
		h.register("alice", cred{})
		h.must(http.StatusOK, "GET", "/api/auth/setup", nil, cred{}).json(t, &s)
		if s.SetupRequired {
			t.Error("setup still required once a user exists")
		}
	})
}

// TestDocsOffline: /docs is the UI's own page under the strict policy; it
// loads its renderer and the document from this server only.
func TestDocsOffline(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st, mountUI(t, ""))
	r := h.must(http.StatusOK, "GET", "/docs", nil, cred{})
	if got := r.Header.Get("Content-Security-Policy"); got != web.ContentSecurityPolicy {
		t.Errorf("/docs CSP = %q", got)
	}
	body := string(r.Body)
	if !strings.Contains(body, `<script type="module" src="docs.js">`) {
		t.Errorf("/docs does not load docs.js: %.300s", body)
	}
	for _, bad := range []string{"http://", "https://", "//unpkg", "<script>", "style="} {
		if strings.Contains(body, bad) {
			t.Errorf("/docs contains %q", bad)
		}
	}
	h.must(http.StatusOK, "GET", "/docs.js", nil, cred{})
	h.must(http.StatusOK, "GET", "/openapi.json", nil, cred{})
}
