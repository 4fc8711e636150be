package fakearr

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// hookSink is a webhook receiver that keeps what it was sent.
type hookSink struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []received
}

type received struct {
	method string
	header http.Header
	body   map[string]any
}

func newHookSink(t *testing.T) *hookSink {
	h := &hookSink{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.got = append(h.got, received{r.Method, r.Header.Clone(), m})
		h.mu.Unlock()
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// events returns the payloads received with an eventType.
func (h *hookSink) events(eventType string) []received {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []received
	for _, r := range h.got {
		if r.body["eventType"] == eventType {
			out = append(out, r)
		}
	}
	return out
}

// sample loads a webhook example from testdata.
func sample(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("../../../testdata/arr-contracts/webhooks/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func keys(v any) []string {
	m, _ := v.(map[string]any)
	if l, ok := v.([]any); ok && len(l) > 0 {
		m, _ = l[0].(map[string]any)
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sameShape checks got has the sample's keys at the top level and in the
// named nested objects, ignoring the optional keys.
func sameShape(t *testing.T, name string, got map[string]any, nested []string, optional ...string) {
	t.Helper()
	want := sample(t, name)
	drop := func(ks []string) []string {
		return slices.DeleteFunc(ks, func(k string) bool { return slices.Contains(optional, k) })
	}
	if g, w := drop(keys(got)), drop(keys(want)); !slices.Equal(g, w) {
		t.Errorf("%s: top-level keys\n got %v\nwant %v", name, g, w)
	}
	for _, k := range nested {
		if g, w := keys(got[k]), keys(want[k]); !slices.Equal(g, w) {
			t.Errorf("%s: keys of %s\n got %v\nwant %v", name, k, g, w)
		}
	}
}

func TestEpisodeSearchConsequences(t *testing.T) {
	sink := newHookSink(t)
	cfg := sonarrCfg()
	cfg.FindChance = 1
	cfg.Webhook = WebhookConfig{URL: sink.srv.URL + "/hook", Method: "PUT", Username: "u", Password: "p", Headers: map[string]string{"X-Extra": "1"}}
	e := newEnv(t, cfg)
	in := e.sim.Instance("sonarr")
	id := in.Wanted(false, true)[0]
	res := postCommand(t, e, "sonarr", map[string]any{"name": "EpisodeSearch", "episodeIds": []int{id}})
	if res["status"] != "queued" {
		t.Fatalf("new command status %v", res["status"])
	}
	e.clock.Advance(time.Second)
	cs, err := in.WaitCommand(t.Context(), num(res, "id"))
	if err != nil || cs.Status != "completed" || cs.Message != "Episode search completed. 1 reports downloaded." {
		t.Fatalf("command: %+v %v", cs, err)
	}
	var cmd map[string]any
	e.getJSON("sonarr", fmt.Sprintf("/api/v3/command/%d", cs.ID), &cmd)
	for _, k := range []string{"started", "ended", "duration", "message"} {
		if _, ok := cmd[k]; !ok {
			t.Fatalf("completed command lacks %s: %v", k, cmd)
		}
	}
	q := e.page("sonarr", "/api/v3/queue?includeEpisode=true")
	if q.TotalRecords != 1 || num(q.Records[0], "episodeId") != id {
		t.Fatalf("queue: %+v", q)
	}
	if err := in.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	grabs := sink.events("Grab")
	if len(grabs) != 1 {
		t.Fatalf("got %d Grab webhooks", len(grabs))
	}
	g := grabs[0]
	if g.method != http.MethodPut || g.header.Get("X-Extra") != "1" || !strings.HasPrefix(g.header.Get("User-Agent"), "Sonarr/") {
		t.Fatalf("webhook transport: %s %v", g.method, g.header)
	}
	if u, p, ok := (&http.Request{Header: g.header}).BasicAuth(); !ok || u != "u" || p != "p" {
		t.Fatal("basic auth not sent pre-emptively")
	}
	sameShape(t, "sonarr-Grab", g.body, []string{"series", "episodes", "release", "customFormatInfo"})
	if num(g.body["episodes"].([]any)[0].(map[string]any), "id") != id {
		t.Fatal("Grab names another episode")
	}
	// Still missing until the import.
	if !slices.Contains(in.Wanted(false, true), id) {
		t.Fatal("episode left wanted/missing before the import")
	}
	e.clock.Advance(time.Minute)
	waitFor(t, func() bool { st, _ := in.Episode(id); return st.HasFile })
	if err := in.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	dl := sink.events("Download")
	if len(dl) != 1 {
		t.Fatalf("got %d Download webhooks", len(dl))
	}
	sameShape(t, "sonarr-Download", dl[0].body, []string{"series", "episodes", "episodeFile", "release", "customFormatInfo"}, "deletedFiles")
	if dateAdded := dl[0].body["episodeFile"].(map[string]any)["dateAdded"].(string); !strings.HasSuffix(dateAdded, "Z") {
		t.Fatalf("dateAdded %q", dateAdded)
	}
	if slices.Contains(in.Wanted(false, true), id) {
		t.Fatal("imported episode still in wanted/missing")
	}
	var ep map[string]any
	e.getJSON("sonarr", fmt.Sprintf("/api/v3/episode/%d", id), &ep)
	if ep["hasFile"] != true || num(ep, "episodeFileId") == 0 {
		t.Fatalf("episode after import: %v", ep)
	}
	if q := e.page("sonarr", "/api/v3/queue"); q.TotalRecords != 0 {
		t.Fatalf("queue after import has %d records", q.TotalRecords)
	}
	var hist []map[string]any
	e.getJSON("sonarr", "/api/v3/history/since?date=2000-01-01&eventType=grabbed", &hist)
	if len(hist) != 1 || num(hist[0], "episodeId") != id {
		t.Fatalf("history: %v", hist)
	}
	c := in.Counters()
	if c.Grabs != 1 || c.Imports != 1 || c.WebhooksSent != 2 || c.IndexerSearches != 1 {
		t.Fatalf("counters %+v", c)
	}
}

func TestMoviesSearchConsequences(t *testing.T) {
	sink := newHookSink(t)
	cfg := radarrCfg()
	cfg.FindChance = 1
	cfg.Webhook = WebhookConfig{URL: sink.srv.URL}
	e := newEnv(t, cfg)
	in := e.sim.Instance("radarr")
	var id int
	for _, m := range in.Wanted(false, true) {
		if st, _ := in.Movie(m); st.IsAvailable && st.Status == "released" {
			id = m
			break
		}
	}
	res := postCommand(t, e, "radarr", map[string]any{"name": "MoviesSearch", "movieIds": []int{id}})
	e.clock.Advance(time.Second)
	cs, err := in.WaitCommand(t.Context(), num(res, "id"))
	if err != nil || cs.Message != "Completed search for 1 movies. 1 reports downloaded." {
		t.Fatalf("command %+v %v", cs, err)
	}
	if q := e.page("radarr", "/api/v3/queue"); q.TotalRecords != 1 || num(q.Records[0], "movieId") != id {
		t.Fatalf("queue %+v", q)
	}
	e.clock.Advance(time.Minute)
	waitFor(t, func() bool { st, _ := in.Movie(id); return st.HasFile })
	if err := in.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	g, d := sink.events("Grab"), sink.events("Download")
	if len(g) != 1 || len(d) != 1 {
		t.Fatalf("%d Grab and %d Download webhooks", len(g), len(d))
	}
	if g[0].method != http.MethodPost {
		t.Fatalf("default method %s", g[0].method)
	}
	sameShape(t, "radarr-Grab", g[0].body, []string{"movie", "remoteMovie", "release", "customFormatInfo"})
	sameShape(t, "radarr-Download", d[0].body, []string{"movie", "remoteMovie", "movieFile", "release", "customFormatInfo"}, "deletedFiles")
	if slices.Contains(in.Wanted(false, true), id) {
		t.Fatal("imported movie still in wanted/missing")
	}
	var m map[string]any
	e.getJSON("radarr", fmt.Sprintf("/api/v3/movie/%d", id), &m)
	if m["hasFile"] != true || m["movieFile"] == nil || m["lastSearchTime"] == nil {
		t.Fatalf("movie after import: %v", m)
	}
}

func TestTriggeredWebhooksMatchSamples(t *testing.T) {
	sink := newHookSink(t)
	s, r := sonarrCfg(), radarrCfg()
	s.Webhook.URL, r.Webhook.URL = sink.srv.URL, sink.srv.URL
	e := newEnv(t, s, r)
	son, rad := e.sim.Instance("sonarr"), e.sim.Instance("radarr")
	var withFile, movieWithFile int
	for id := 1; withFile == 0; id++ {
		if st, _ := son.Episode(id); st.HasFile {
			withFile = id
		}
	}
	for id := 1; movieWithFile == 0; id++ {
		if st, _ := rad.Movie(id); st.HasFile {
			movieWithFile = id
		}
	}
	for _, c := range []struct {
		in     *Instance
		event  string
		id     int
		sample string
		nested []string
	}{
		{son, "Test", 0, "sonarr-Test", []string{"series", "episodes"}},
		{son, "SeriesAdd", 3, "sonarr-SeriesAdd", []string{"series"}},
		{son, "EpisodeFileDelete", withFile, "sonarr-EpisodeFileDelete", []string{"series", "episodes", "episodeFile"}},
		{son, "Health", 0, "sonarr-Health", nil},
		{son, "HealthRestored", 0, "sonarr-HealthRestored", nil},
		{rad, "Test", 0, "radarr-Test", []string{"movie", "remoteMovie", "release"}},
		{rad, "MovieAdded", 2, "radarr-MovieAdded", []string{"movie"}},
		{rad, "MovieFileDelete", movieWithFile, "radarr-MovieFileDelete", []string{"movie", "movieFile"}},
		{rad, "Health", 0, "radarr-Health", nil},
		{rad, "HealthRestored", 0, "radarr-HealthRestored", nil},
	} {
		t.Run(c.sample, func(t *testing.T) {
			before := len(sink.events(c.event))
			if err := c.in.TriggerWebhook(c.event, c.id); err != nil {
				t.Fatal(err)
			}
			if err := c.in.WaitWebhooks(t.Context()); err != nil {
				t.Fatal(err)
			}
			got := sink.events(c.event)
			if len(got) != before+1 {
				t.Fatalf("%d %s webhooks", len(got), c.event)
			}
			sameShape(t, c.sample, got[len(got)-1].body, c.nested)
			if strings.HasPrefix(c.sample, "sonarr-Test") || strings.HasPrefix(c.sample, "radarr-Test") {
				want, _ := json.Marshal(sample(t, c.sample))
				have, _ := json.Marshal(got[len(got)-1].body)
				if string(want) != string(have) {
					t.Fatalf("Test payload differs\n got %s\nwant %s", have, want)
				}
			}
		})
	}
	if st, _ := son.Episode(withFile); st.HasFile || !slices.Contains(son.Wanted(false, st.Monitored && st.SeriesMonitored), withFile) {
		t.Fatal("deleted episode file did not make the episode missing")
	}
}

func TestIndexerLimitHealth(t *testing.T) {
	sink := newHookSink(t)
	cfg := sonarrCfg()
	cfg.IndexerDailyLimit = 1
	cfg.Webhook.URL = sink.srv.URL
	e := newEnv(t, cfg)
	in := e.sim.Instance("sonarr")
	ids := in.Wanted(false, true)
	res := postCommand(t, e, "sonarr", map[string]any{"name": "EpisodeSearch", "episodeIds": ids[:3]})
	e.clock.Advance(time.Second)
	if cs, _ := in.WaitCommand(t.Context(), num(res, "id")); cs.Status != "completed" || cs.Searches != 1 {
		t.Fatalf("limited command %+v", cs)
	}
	_ = in.WaitWebhooks(t.Context())
	h := sink.events("Health")
	if len(h) != 1 || h[0].body["type"] != "IndexerStatusCheck" || h[0].body["level"] != "warning" {
		t.Fatalf("Health webhooks %v", h)
	}
	var health []map[string]any
	e.getJSON("sonarr", "/api/v3/health", &health)
	if len(health) != 1 {
		t.Fatalf("health %v", health)
	}
	e.clock.Set(nextDay(e.clock.Now()).Add(time.Minute))
	in.Advance()
	_ = in.WaitWebhooks(t.Context())
	if len(sink.events("HealthRestored")) != 1 {
		t.Fatal("no HealthRestored at the day's roll-over")
	}
	res = postCommand(t, e, "sonarr", map[string]any{"name": "EpisodeSearch", "episodeIds": ids[3:4]})
	e.clock.Advance(time.Second)
	if cs, _ := in.WaitCommand(t.Context(), num(res, "id")); cs.Searches != 1 {
		t.Fatalf("search after the roll-over: %+v", cs)
	}
}
