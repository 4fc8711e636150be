package fakearr

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Known deviations of the real apps from their OpenAPI documents, which the
// simulator reproduces on purpose. Each is applied to the loaded document
// or to the check below, with its reason.
var knownDeviations = []struct{ key, what, why string }{
	{"status-201", "POST /api/v3/command answers 201", "the apps return Created(); the documents say 200 (NOTES §3); the 201 body is checked against the 200 schema"},
	{"command-body", "CommandResource.body has the command's own properties", "body is the concrete command (episodeIds, movieIds, seriesId...), the document's Command schema lists only the base class and forbids additional properties"},
}

// allow is called wherever the test departs from the documents: a
// departure not in knownDeviations fails the test.
func allow(t *testing.T, key string) {
	t.Helper()
	for _, d := range knownDeviations {
		if d.key == key {
			return
		}
	}
	t.Fatalf("the contract test departs from the documents (%s) without a listed deviation", key)
}

// Error responses (401, 404, 400, 500) are not in the documents, which
// describe only 200; they are checked against the apps' behaviour in
// semantics_test.go, and a case answering one fails here.

// contractDoc loads an OpenAPI document with the deviations applied.
func contractDoc(t *testing.T, file string) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../../../testdata/arr-contracts/" + file)
	if err != nil {
		t.Fatalf("load %s: %v", file, err)
	}
	allow(t, "command-body")
	extra := true
	doc.Components.Schemas["Command"].Value.AdditionalProperties = openapi3.AdditionalProperties{Has: &extra}
	return doc
}

// contractCase is one request whose answer is validated.
type contractCase struct {
	method, template, path, body string
}

// validate sends a request and validates the answer against the route of
// template in doc.
func validate(t *testing.T, e *env, doc *openapi3.T, inst string, c contractCase) {
	t.Helper()
	status, header, body := e.do(c.method, inst, c.path, c.body)
	if status >= 300 {
		t.Errorf("%s %s: status %d: %s", c.method, c.path, status, body)
		return
	}
	item := doc.Paths.Find(c.template)
	if item == nil {
		t.Fatalf("no path %s in the document", c.template)
	}
	op := item.GetOperation(c.method)
	if op == nil {
		t.Fatalf("no %s %s in the document", c.method, c.template)
	}
	if status == http.StatusCreated && c.template == "/api/v3/command" {
		allow(t, "status-201")
		status = http.StatusOK
	}
	in := e.sim.Instance(inst)
	req, _ := http.NewRequest(c.method, e.srv.URL+in.URLBase()+c.path, strings.NewReader(c.body))
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req,
			Route:   &routers.Route{Spec: doc, Path: c.template, PathItem: item, Method: c.method, Operation: op},
			Options: &openapi3filter.Options{ExcludeRequestBody: true, MultiError: true, IncludeResponseStatus: true},
		},
		Status:  status,
		Header:  header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	input.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		msg := err.Error()
		if len(msg) > 3000 {
			msg = msg[:3000]
		}
		t.Errorf("%s %s: response does not match the document:\n%s\nbody: %.600s", c.method, c.path, msg, body)
	}
}

func TestContractSonarr(t *testing.T) {
	sink := newHookSink(t)
	cfg := sonarrCfg()
	cfg.FindChance = 1
	cfg.ImportDelay = time.Hour
	cfg.Webhook.URL = sink.srv.URL
	e := newEnv(t, cfg)
	in := e.sim.Instance("sonarr")
	doc := contractDoc(t, "sonarr-openapi.json")
	ids := in.Wanted(false, true)
	// Put something in the queue and the history, and leave a command running.
	b, _ := json.Marshal(map[string]any{"name": "EpisodeSearch", "episodeIds": ids[:3]})
	e.do(http.MethodPost, "sonarr", "/api/v3/command", string(b))
	e.clock.Advance(time.Second)
	waitFor(t, func() bool { return in.QueueLen() == 3 })
	st, _ := in.Episode(ids[0])
	cases := []contractCase{
		{"GET", "/api/v3/system/status", "/api/v3/system/status", ""},
		{"GET", "/ping", "/ping", ""},
		{"GET", "/api/v3/wanted/missing", "/api/v3/wanted/missing", ""},
		{"GET", "/api/v3/wanted/missing", "/api/v3/wanted/missing?pageSize=200&includeSeries=true&includeImages=true&sortKey=episodes.lastSearchTime&sortDirection=ascending", ""},
		{"GET", "/api/v3/wanted/missing", "/api/v3/wanted/missing?pageSize=100&monitored=false&sortKey=series.sortTitle", ""},
		{"GET", "/api/v3/wanted/missing", "/api/v3/wanted/missing?pageSize=0", ""},
		{"GET", "/api/v3/wanted/cutoff", "/api/v3/wanted/cutoff?pageSize=200&includeSeries=true&includeEpisodeFile=true", ""},
		{"GET", "/api/v3/wanted/missing/{id}", fmt.Sprintf("/api/v3/wanted/missing/%d", ids[0]), ""},
		{"GET", "/api/v3/queue", "/api/v3/queue?includeSeries=true&includeEpisode=true", ""},
		{"GET", "/api/v3/queue", "/api/v3/queue?page=5&pageSize=1", ""},
		{"GET", "/api/v3/queue/status", "/api/v3/queue/status", ""},
		{"GET", "/api/v3/series", "/api/v3/series", ""},
		{"GET", "/api/v3/series/{id}", fmt.Sprintf("/api/v3/series/%d", st.SeriesID), ""},
		{"GET", "/api/v3/episode", fmt.Sprintf("/api/v3/episode?seriesId=%d&includeEpisodeFile=true", st.SeriesID), ""},
		{"GET", "/api/v3/episode/{id}", fmt.Sprintf("/api/v3/episode/%d", ids[1]), ""},
		{"GET", "/api/v3/calendar", "/api/v3/calendar?start=2026-06-01&end=2026-07-01&unmonitored=true&includeSeries=true", ""},
		{"GET", "/api/v3/tag", "/api/v3/tag", ""},
		{"GET", "/api/v3/qualityprofile", "/api/v3/qualityprofile", ""},
		{"GET", "/api/v3/history/since", "/api/v3/history/since?date=2020-01-01&includeSeries=true&includeEpisode=true", ""},
		{"POST", "/api/v3/command", "/api/v3/command", `{"name":"SeasonSearch","seriesId":1,"seasonNumber":1}`},
		{"POST", "/api/v3/command", "/api/v3/command", `{"name":"MissingEpisodeSearch"}`},
		{"GET", "/api/v3/command", "/api/v3/command", ""},
		{"GET", "/api/v3/command/{id}", "/api/v3/command/1", ""},
	}
	for _, c := range cases {
		validate(t, e, doc, "sonarr", c)
	}
}

func TestContractRadarr(t *testing.T) {
	cfg := radarrCfg()
	cfg.FindChance = 1
	cfg.ImportDelay = time.Hour
	e := newEnv(t, cfg)
	in := e.sim.Instance("radarr")
	doc := contractDoc(t, "radarr-openapi.json")
	ids := in.Wanted(false, true)
	b, _ := json.Marshal(map[string]any{"name": "MoviesSearch", "movieIds": ids[:20]})
	e.do(http.MethodPost, "radarr", "/api/v3/command", string(b))
	e.clock.Advance(time.Second)
	waitFor(t, func() bool { return in.QueueLen() > 0 })
	cases := []contractCase{
		{"GET", "/api/v3/system/status", "/api/v3/system/status", ""},
		{"GET", "/ping", "/ping", ""},
		{"GET", "/api/v3/wanted/missing", "/api/v3/wanted/missing?pageSize=-1", ""},
		{"GET", "/api/v3/wanted/missing", "/api/v3/wanted/missing?monitored=false&sortKey=movies.lastSearchTime&sortDirection=ascending", ""},
		{"GET", "/api/v3/wanted/cutoff", "/api/v3/wanted/cutoff?pageSize=100", ""},
		{"GET", "/api/v3/queue", "/api/v3/queue?includeMovie=true&pageSize=50", ""},
		{"GET", "/api/v3/queue/status", "/api/v3/queue/status", ""},
		{"GET", "/api/v3/movie", "/api/v3/movie", ""},
		{"GET", "/api/v3/movie/{id}", fmt.Sprintf("/api/v3/movie/%d", ids[0]), ""},
		{"GET", "/api/v3/calendar", "/api/v3/calendar?start=2026-01-01&end=2027-01-01&unmonitored=true", ""},
		{"GET", "/api/v3/tag", "/api/v3/tag", ""},
		{"GET", "/api/v3/qualityprofile", "/api/v3/qualityprofile", ""},
		{"GET", "/api/v3/history/since", "/api/v3/history/since?date=2020-01-01&includeMovie=true", ""},
		{"POST", "/api/v3/command", "/api/v3/command", `{"name":"MissingMoviesSearch"}`},
		{"GET", "/api/v3/command", "/api/v3/command", ""},
		{"GET", "/api/v3/command/{id}", "/api/v3/command/1", ""},
	}
	for _, c := range cases {
		validate(t, e, doc, "radarr", c)
	}
}
