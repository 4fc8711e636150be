package fakearr

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// testStart is the ManualClock's start in tests.
var testStart = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

// env is a simulator under test behind an httptest server.
type env struct {
	t     *testing.T
	sim   *Sim
	clock *ManualClock
	srv   *httptest.Server
}

// newEnv starts a simulator with a ManualClock and the given instances.
func newEnv(t *testing.T, instances ...InstanceConfig) *env {
	t.Helper()
	clock := NewManualClock(testStart)
	sim, err := New(Config{Instances: instances, Clock: clock})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(func() {
		srv.Close()
		_ = sim.Close()
	})
	return &env{t: t, sim: sim, clock: clock, srv: srv}
}

// sonarrCfg and radarrCfg are small default libraries.
func sonarrCfg() InstanceConfig {
	return InstanceConfig{Kind: domain.KindSonarr, Seed: 7, Episodes: 2000, MissingRatio: 0.3, CutoffRatio: 0.3, CommandDuration: time.Second, ImportDelay: time.Minute}
}

func radarrCfg() InstanceConfig {
	return InstanceConfig{Kind: domain.KindRadarr, Seed: 7, Movies: 400, MissingRatio: 0.3, CutoffRatio: 0.3, CommandDuration: time.Second, ImportDelay: time.Minute}
}

// do sends a request to instance name with its API key in X-Api-Key.
func (e *env) do(method, name, path, body string) (int, http.Header, []byte) {
	e.t.Helper()
	in := e.sim.Instance(name)
	req, err := http.NewRequest(method, e.srv.URL+in.URLBase()+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("X-Api-Key", in.APIKey())
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return e.raw(req)
}

// raw sends a request as is.
func (e *env) raw(req *http.Request) (int, http.Header, []byte) {
	e.t.Helper()
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// getJSON GETs path and decodes a 200 answer into v.
func (e *env) getJSON(name, path string, v any) {
	e.t.Helper()
	status, _, body := e.do(http.MethodGet, name, path, "")
	if status != http.StatusOK {
		e.t.Fatalf("GET %s: status %d: %s", path, status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		e.t.Fatalf("GET %s: decode: %v: %s", path, err, body)
	}
}

// page is a decoded paging envelope.
type page struct {
	Page          int              `json:"page"`
	PageSize      int              `json:"pageSize"`
	SortKey       string           `json:"sortKey"`
	SortDirection string           `json:"sortDirection"`
	TotalRecords  int              `json:"totalRecords"`
	Records       []map[string]any `json:"records"`
}

func (e *env) page(name, path string) page {
	e.t.Helper()
	var p page
	e.getJSON(name, path, &p)
	return p
}

// num reads a JSON number field as int.
func num(m map[string]any, k string) int {
	f, _ := m[k].(float64)
	return int(f)
}
