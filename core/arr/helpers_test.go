package arr_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/domain"
)

const (
	testKey     = "0123456789abcdef0123456789abcdef"
	contractDir = "../../testdata/arr-contracts"
)

// example reads a file of the official api-examples.
func example(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(contractDir, "api-examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixture reads a file of this package's testdata.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// records returns the records array of a paging object.
func records(t testing.TB, page []byte) []json.RawMessage {
	t.Helper()
	var p struct {
		Records []json.RawMessage `json:"records"`
	}
	if err := json.Unmarshal(page, &p); err != nil {
		t.Fatal(err)
	}
	return p.Records
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recorded is one request a fake application received.
type recorded struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
}

// fakeApp serves the example responses of one application under a URL
// base, checks the API key like the apps do (401, empty body) and records
// every request.
type fakeApp struct {
	t      testing.TB
	kind   domain.InstanceKind
	base   string
	srv    *httptest.Server
	routes map[string]func(w http.ResponseWriter, r *http.Request)

	mu   sync.Mutex
	reqs []recorded
}

func newFakeApp(t testing.TB, kind domain.InstanceKind, base string) *fakeApp {
	t.Helper()
	f := &fakeApp{t: t, kind: kind, base: base, routes: map[string]func(http.ResponseWriter, *http.Request){}}
	static := func(body []byte) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, body) }
	}
	notFound := func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, []byte(`{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not Found","status":404,"traceId":"00-abc-def-00"}`))
	}
	if kind == domain.KindSonarr {
		missing := example(t, "sonarr-wanted-missing.json")
		series := fixture(t, "sonarr-series.json")
		var list []json.RawMessage
		_ = json.Unmarshal(series, &list)
		f.routes["GET /system/status"] = static(fixture(t, "sonarr-system-status.json"))
		f.routes["GET /wanted/missing"] = static(missing)
		f.routes["GET /wanted/cutoff"] = static(fixture(t, "sonarr-wanted-cutoff.json"))
		f.routes["GET /queue"] = static(fixture(t, "sonarr-queue.json"))
		f.routes["GET /series"] = static(series)
		f.routes["GET /series/12"] = static(list[0])
		f.routes["GET /series/999"] = notFound
		f.routes["GET /episode"] = static(fixture(t, "sonarr-episodes.json"))
		f.routes["GET /calendar"] = static(mustJSON(t, records(t, missing)))
		f.routes["GET /history/since"] = static(fixture(t, "sonarr-history-since.json"))
		f.routes["POST /command"] = f.created(example(t, "sonarr-command-EpisodeSearch-201.json"), 1201)
		f.routes["GET /command/1201"] = static(example(t, "sonarr-command-EpisodeSearch-completed.json"))
		f.routes["GET /command"] = static(mustJSON(t, []json.RawMessage{example(t, "sonarr-command-EpisodeSearch-completed.json")}))
	} else {
		missing := example(t, "radarr-wanted-missing.json")
		movies := records(t, missing)
		f.routes["GET /system/status"] = static(fixture(t, "radarr-system-status.json"))
		f.routes["GET /wanted/missing"] = static(missing)
		f.routes["GET /wanted/cutoff"] = static(fixture(t, "radarr-wanted-cutoff.json"))
		f.routes["GET /queue"] = static(fixture(t, "radarr-queue.json"))
		f.routes["GET /movie"] = static(mustJSON(t, movies))
		f.routes["GET /movie/42"] = static(movies[0])
		f.routes["GET /movie/999"] = notFound
		f.routes["GET /calendar"] = static(mustJSON(t, movies))
		f.routes["GET /history/since"] = static(fixture(t, "radarr-history-since.json"))
		f.routes["POST /command"] = f.created(example(t, "radarr-command-MoviesSearch-201.json"), 877)
		f.routes["GET /command/877"] = static(example(t, "radarr-command-MoviesSearch-201.json"))
		f.routes["GET /command"] = static(mustJSON(t, []json.RawMessage{example(t, "radarr-command-MoviesSearch-201.json")}))
	}
	f.routes["GET /queue/status"] = static(fixture(t, "queue-status.json"))
	f.routes["GET /tag"] = static(fixture(t, "tags.json"))
	f.routes["GET /qualityprofile"] = static(fixture(t, "qualityprofile.json"))
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeApp) created(body []byte, id int) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "http://"+r.Host+f.base+"/api/v3/command/"+itoa(id))
		writeJSON(w, http.StatusCreated, body)
	}
}

func (f *fakeApp) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.reqs = append(f.reqs, recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
	f.mu.Unlock()
	if r.Header.Get("X-Api-Key") != testKey {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, f.base+"/api/v3")
	h := f.routes[r.Method+" "+path]
	if !ok || h == nil {
		http.NotFound(w, r)
		return
	}
	h(w, r)
}

// requests returns what the fake received so far.
func (f *fakeApp) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// client returns a client for the fake.
func (f *fakeApp) client(t testing.TB) *arr.Client {
	t.Helper()
	return newClient(t, f.kind, f.srv.URL+f.base, nil)
}

func newClient(t testing.TB, kind domain.InstanceKind, url string, mod func(*arr.Config)) *arr.Client {
	t.Helper()
	cfg := arr.Config{Kind: kind, URL: url, APIKey: testKey, Timeout: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	c, err := arr.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	arr.SetBackoff(c, time.Millisecond, 5*time.Millisecond)
	return c
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func itoa(n int) string { return strconv.Itoa(n) }
