package fakearr

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func controlJSON(t *testing.T, e *env, method, path, body string, v any) int {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	status, _, b := e.raw(req)
	if v != nil && len(b) > 0 {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return status
}

func TestRequestLog(t *testing.T) {
	e := newEnv(t, sonarrCfg(), radarrCfg())
	e.do(http.MethodGet, "sonarr", "/api/v3/wanted/missing?pageSize=5&sortKey=episodes.lastSearchTime", "")
	e.do(http.MethodPost, "radarr", "/api/v3/command", `{"name":"MoviesSearch","movieIds":[1]}`)
	reqs := e.sim.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests logged", len(reqs))
	}
	r := reqs[0]
	if r.Instance != "sonarr" || r.Method != "GET" || r.Path != "/sonarr/api/v3/wanted/missing" ||
		r.RawQuery != "pageSize=5&sortKey=episodes.lastSearchTime" || r.Status != 200 || !r.Time.Equal(testStart) {
		t.Fatalf("logged %+v", r)
	}
	if reqs[1].Body != `{"name":"MoviesSearch","movieIds":[1]}` || reqs[1].Status != 201 {
		t.Fatalf("logged %+v", reqs[1])
	}
	var viaAPI []Request
	controlJSON(t, e, http.MethodGet, "/__fakearr/requests?instance=radarr", "", &viaAPI)
	if len(viaAPI) != 1 || viaAPI[0].Instance != "radarr" {
		t.Fatalf("control log %+v", viaAPI)
	}
	controlJSON(t, e, http.MethodGet, fmt.Sprintf("/__fakearr/requests?after=%d", reqs[0].Seq), "", &viaAPI)
	if len(viaAPI) != 1 {
		t.Fatalf("after=: %d entries", len(viaAPI))
	}
	e.clock.Advance(time.Hour)
	e.do(http.MethodGet, "sonarr", "/api/v3/tag", "")
	controlJSON(t, e, http.MethodGet, "/__fakearr/requests?since="+testStart.Add(time.Minute).Format(time.RFC3339), "", &viaAPI)
	if len(viaAPI) != 1 || !strings.HasSuffix(viaAPI[0].Path, "/tag") {
		t.Fatalf("since=: %+v", viaAPI)
	}
	if s := controlJSON(t, e, http.MethodDelete, "/__fakearr/requests", "", nil); s != http.StatusNoContent || len(e.sim.Requests()) != 0 {
		t.Fatalf("reset: %d, %d left", s, len(e.sim.Requests()))
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t, sonarrCfg(), radarrCfg())
	var f Fault
	if s := controlJSON(t, e, http.MethodPost, "/__fakearr/faults", `{"instance":"sonarr","pathPrefix":"/api/v3/wanted","status":429,"retryAfter":7,"remaining":2}`, &f); s != 201 || f.ID == 0 {
		t.Fatalf("add fault: %d %+v", s, f)
	}
	for i := 0; i < 2; i++ {
		status, h, _ := e.do(http.MethodGet, "sonarr", "/api/v3/wanted/missing", "")
		if status != 429 || h.Get("Retry-After") != "7" {
			t.Fatalf("fault %d: %d %v", i, status, h)
		}
	}
	if status, _, _ := e.do(http.MethodGet, "sonarr", "/api/v3/wanted/missing", ""); status != 200 {
		t.Fatalf("fault outlived remaining: %d", status)
	}
	if status, _, _ := e.do(http.MethodGet, "radarr", "/api/v3/wanted/missing", ""); status != 200 {
		t.Fatalf("fault hit another instance: %d", status)
	}
	id, _ := e.sim.Faults().Add(Fault{Instance: "radarr", Malformed: true})
	status, _, body := e.do(http.MethodGet, "radarr", "/api/v3/movie/1", "")
	if status != 200 || json.Valid(body) {
		t.Fatalf("malformed: %d %s", status, body)
	}
	e.sim.Faults().Remove(id)
	e.sim.Faults().Add(Fault{PathPrefix: "/api/v3/tag", ErrorRate: 1})
	if status, _, _ := e.do(http.MethodGet, "sonarr", "/api/v3/tag", ""); status != 500 {
		t.Fatalf("error rate 1: %d", status)
	}
	e.sim.Faults().Clear()
	e.sim.Faults().Add(Fault{PathPrefix: "/api/v3/queue", Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+"/sonarr/api/v3/queue", nil)
	start := time.Now()
	if _, err := e.srv.Client().Do(req); err == nil || time.Since(start) > 3*time.Second {
		t.Fatalf("hang: err %v after %v", err, time.Since(start))
	}
	e.sim.Faults().Clear()
	e.sim.Faults().Add(Fault{Latency: Duration(30 * time.Millisecond)})
	start = time.Now()
	e.do(http.MethodGet, "sonarr", "/api/v3/tag", "")
	if time.Since(start) < 30*time.Millisecond {
		t.Fatal("latency not applied")
	}
	var list []Fault
	controlJSON(t, e, http.MethodGet, "/__fakearr/faults", "", &list)
	if len(list) != 1 || time.Duration(list[0].Latency) != 30*time.Millisecond {
		t.Fatalf("faults %+v", list)
	}
	controlJSON(t, e, http.MethodDelete, "/__fakearr/faults", "", nil)
	if len(e.sim.Faults().List()) != 0 {
		t.Fatal("faults not cleared")
	}
}

func TestIndexersFailingFault(t *testing.T) {
	sink := newHookSink(t)
	cfg := sonarrCfg()
	cfg.Webhook.URL = sink.srv.URL
	e := newEnv(t, cfg)
	in := e.sim.Instance("sonarr")
	controlJSON(t, e, http.MethodPost, "/__fakearr/faults", `{"instance":"sonarr","indexersFailing":true}`, nil)
	id := in.Wanted(false, true)[0]
	res := postCommand(t, e, "sonarr", map[string]any{"name": "EpisodeSearch", "episodeIds": []int{id}})
	e.clock.Advance(time.Second)
	cs, _ := in.WaitCommand(t.Context(), num(res, "id"))
	if cs.Status != "failed" || cs.Result != "unsuccessful" || cs.Searches != 0 {
		t.Fatalf("command with failing indexers: %+v", cs)
	}
	controlJSON(t, e, http.MethodDelete, "/__fakearr/faults", "", nil)
	_ = in.WaitWebhooks(t.Context())
	if len(sink.events("Health")) != 1 || len(sink.events("HealthRestored")) != 1 {
		t.Fatalf("health webhooks: %d raised, %d restored", len(sink.events("Health")), len(sink.events("HealthRestored")))
	}
	if sink.events("Health")[0].body["type"] != "IndexerSearchCheck" {
		t.Fatalf("health type %v", sink.events("Health")[0].body["type"])
	}
}

func TestControlAPI(t *testing.T) {
	e := newEnv(t, sonarrCfg(), radarrCfg(), InstanceConfig{Kind: "sonarr", Episodes: 50, URLBase: "/tv/4k", APIKey: "k2"})
	var infos []InstanceInfo
	controlJSON(t, e, http.MethodGet, "/__fakearr/instances", "", &infos)
	if len(infos) != 3 || infos[0].Name != "sonarr" || infos[2].Name != "sonarr2" || infos[2].URL != e.srv.URL+"/tv/4k" || infos[2].APIKey != "k2" {
		t.Fatalf("instances %+v", infos)
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/tv/4k/api/v3/system/status?apikey=k2", nil)
	status, _, body := e.raw(req)
	if status != 200 || !strings.Contains(string(body), `"urlBase":"/tv/4k"`) {
		t.Fatalf("nested url base: %d %s", status, body)
	}
	if s := controlJSON(t, e, http.MethodPost, "/__fakearr/webhooks/sonarr/Test", "", nil); s != http.StatusAccepted {
		t.Fatalf("trigger Test: %d", s)
	}
	if s := controlJSON(t, e, http.MethodPost, "/__fakearr/webhooks/sonarr/MovieAdded", "", nil); s != http.StatusBadRequest {
		t.Fatalf("MovieAdded on Sonarr: %d", s)
	}
	_ = e.sim.Instance("sonarr").WaitWebhooks(t.Context())
	var hooks map[string][]WebhookDelivery
	controlJSON(t, e, http.MethodGet, "/__fakearr/webhooks?instance=sonarr", "", &hooks)
	if len(hooks["sonarr"]) != 1 || hooks["sonarr"][0].EventType != "Test" || hooks["sonarr"][0].Sent {
		t.Fatalf("webhooks %+v", hooks)
	}
	var counters map[string]Counters
	controlJSON(t, e, http.MethodGet, "/__fakearr/counters", "", &counters)
	if len(counters) != 3 {
		t.Fatalf("counters %+v", counters)
	}
	var now map[string]time.Time
	if s := controlJSON(t, e, http.MethodPost, "/__fakearr/clock/advance?d=1h", "", &now); s != 200 || !now["now"].Equal(testStart.Add(time.Hour)) {
		t.Fatalf("advance: %d %v", s, now)
	}
}

func TestConfigValidation(t *testing.T) {
	for _, c := range []Config{
		{},
		{Instances: []InstanceConfig{{Kind: "lidarr"}}},
		{Instances: []InstanceConfig{{Kind: "sonarr", Name: "a"}, {Kind: "radarr", Name: "a"}}},
		{Instances: []InstanceConfig{{Kind: "sonarr", URLBase: "/x"}, {Kind: "radarr", URLBase: "/X"}}},
		{Instances: []InstanceConfig{{Kind: "sonarr", Webhook: WebhookConfig{Method: "GET"}}}},
		{Instances: []InstanceConfig{{Kind: "sonarr", Episodes: -1}}},
	} {
		if _, err := New(c); err == nil || !strings.HasPrefix(err.Error(), "fakearr: ") {
			t.Errorf("config %+v: err %v", c, err)
		}
	}
	a, _ := New(Config{Instances: []InstanceConfig{{Kind: "sonarr", Seed: 5}}})
	b, _ := New(Config{Instances: []InstanceConfig{{Kind: "sonarr", Seed: 5}}})
	defer a.Close()
	defer b.Close()
	if a.Instance("sonarr").APIKey() != b.Instance("sonarr").APIKey() || len(a.Instance("sonarr").APIKey()) != 32 {
		t.Fatal("API key not derived deterministically from the seed")
	}
}

// TestControlSetsWebhook: the webhook connection can be set while the
// simulator runs, as a user fills Settings → Connect → Webhook in the app
// after Searcharr showed the values; the Test event then reaches it.
func TestControlSetsWebhook(t *testing.T) {
	sink := newHookSink(t)
	e := newEnv(t, sonarrCfg())
	in := e.sim.Instance("sonarr")
	if s := controlJSON(t, e, http.MethodPost, "/__fakearr/webhooks/sonarr/Test", "", nil); s != http.StatusAccepted {
		t.Fatalf("Test without a webhook: %d", s)
	}
	if err := in.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(sink.events("Test")); n != 0 {
		t.Fatalf("%d Test webhooks reached a sink nobody configured", n)
	}
	body := fmt.Sprintf(`{"url":%q,"method":"put","username":"u","password":"p"}`, sink.srv.URL+"/hook")
	if s := controlJSON(t, e, http.MethodPut, "/__fakearr/webhooks/sonarr", body, nil); s != http.StatusNoContent {
		t.Fatalf("setting the webhook: %d", s)
	}
	controlJSON(t, e, http.MethodPost, "/__fakearr/webhooks/sonarr/Test", "", nil)
	if err := in.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := sink.events("Test")
	if len(got) != 1 || got[0].method != http.MethodPut {
		t.Fatalf("Test webhooks %+v, want one PUT", got)
	}
	if u, p, ok := (&http.Request{Header: got[0].header}).BasicAuth(); !ok || u != "u" || p != "p" {
		t.Fatal("basic auth of the new connection not sent")
	}
	for _, c := range []struct {
		path, body string
		want       int
	}{
		{"/__fakearr/webhooks/sonarr", `{"url":"http://x","method":"GET"}`, http.StatusBadRequest},
		{"/__fakearr/webhooks/sonarr", `{`, http.StatusBadRequest},
		{"/__fakearr/webhooks/nope", `{"url":"http://x"}`, http.StatusNotFound},
	} {
		if s := controlJSON(t, e, http.MethodPut, c.path, c.body, nil); s != c.want {
			t.Errorf("PUT %s %s: %d, want %d", c.path, c.body, s, c.want)
		}
	}
}
