package api_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// TestStartOverrideCooldownAndPreviewOptions: override_cooldown reaches the
// trigger and the previewer; without it both are false.
func TestStartOverrideCooldownAndPreviewOptions(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st)
	a := bearer(h.register("alice", cred{}).AccessToken)
	q := h.createQueue(a, h.createInstance(a, "Sonarr", "k-1"), "Daily")
	qp := fmt.Sprintf("/api/search-queues/%d", q)
	h.must(http.StatusAccepted, "POST", qp+"/start", map[string]any{"override_cooldown": true}, a)
	if ev := h.pub.published(); len(ev) != 1 || !ev[0].OverrideCooldown {
		t.Fatalf("trigger = %+v, want override_cooldown", ev)
	}
	h.must(http.StatusOK, "POST", qp+"/preview", map[string]any{"override_cooldown": true}, a)
	h.must(http.StatusOK, "POST", qp+"/preview", nil, a)
	if c := h.preview.calls; len(c) != 2 || !c[0].OverrideCooldown || c[1].OverrideCooldown {
		t.Fatalf("preview options = %+v", c)
	}
	var clone struct {
		Name string `json:"name"`
	}
	h.must(http.StatusCreated, "POST", qp+"/clone", nil, a).json(t, &clone)
	if clone.Name != "Daily (copy)" {
		t.Fatalf("clone name = %q", clone.Name)
	}
}

// TestPreviewWithoutEngine answers 503 and records nothing.
func TestPreviewWithoutEngine(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st, func(_ *api.Config, d *api.Deps) { d.Previewer = nil; d.Scheduler = nil })
	a := bearer(h.register("alice", cred{}).AccessToken)
	q := h.createQueue(a, h.createInstance(a, "Sonarr", "k-1"), "Daily")
	h.must(http.StatusServiceUnavailable, "POST", fmt.Sprintf("/api/search-queues/%d/preview", q), nil, a)
	if n, _ := st.Runs().Count(t.Context(), domain.RunFilter{}); n != 0 {
		t.Fatalf("%d runs recorded", n)
	}
	var health map[string]any
	h.must(http.StatusOK, "GET", "/health", nil, cred{}).json(t, &health)
	if _, ok := health["scheduler"]; ok {
		t.Fatalf("health without a scheduler = %v", health)
	}
}

// TestHealthShowsScheduler as the seed does.
func TestHealthShowsScheduler(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st)
	var health struct {
		Status    string `json:"status"`
		Scheduler struct {
			Running   bool `json:"running"`
			JobsCount int  `json:"jobs_count"`
		} `json:"scheduler"`
	}
	h.must(http.StatusOK, "GET", "/health", nil, cred{}).json(t, &health)
	if health.Status != "healthy" || !health.Scheduler.Running || health.Scheduler.JobsCount != 3 {
		t.Fatalf("health = %+v", health)
	}
}

// TestPruneHistory: the owner's old finished runs go, recent and other
// users' stay; an administrator may prune everyone's.
func TestPruneHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		alice, bob := h.twoUsers()
		a, b := bearer(alice.AccessToken), bearer(bob.AccessToken)
		run := func(c cred, name string, old bool) int64 {
			q := h.createQueue(c, h.createInstance(c, name, "k-"+name), "Q")
			var started struct {
				RunID int64 `json:"run_id"`
			}
			h.must(http.StatusAccepted, "POST", fmt.Sprintf("/api/search-queues/%d/start", q), nil, c).json(t, &started)
			if err := st.Runs().Finish(t.Context(), started.RunID, domain.RunSucceeded, ""); err != nil {
				t.Fatal(err)
			}
			if old {
				if _, err := st.DB().ExecContext(t.Context(), fmt.Sprintf("UPDATE runs SET created_at = '2020-01-01T00:00:00Z' WHERE id = %d", started.RunID)); err != nil {
					t.Fatal(err)
				}
			}
			return started.RunID
		}
		aliceOld, aliceNew, bobOld := run(a, "a1", true), run(a, "a2", false), run(b, "b1", true)
		prune := func(c cred, query string) int {
			var out struct {
				Deleted int `json:"deleted"`
			}
			h.must(http.StatusOK, "DELETE", "/api/search-history?"+query, nil, c).json(t, &out)
			return out.Deleted
		}
		if n := prune(b, "older_than_days=30"); n != 1 {
			t.Fatalf("bob pruned %d, want his one old run", n)
		}
		if _, err := st.Runs().Get(t.Context(), aliceOld); err != nil {
			t.Fatalf("bob's prune removed alice's run: %v", err)
		}
		if _, err := st.Runs().Get(t.Context(), bobOld); err == nil {
			t.Fatal("bob's old run survived his prune")
		}
		bobOld2 := run(b, "b2", true)
		if n := prune(a, "older_than_days=30&all_users=true"); n != 2 {
			t.Fatalf("admin pruned %d, want alice's and bob's old runs", n)
		}
		for id, want := range map[int64]bool{aliceOld: false, bobOld2: false, aliceNew: true} {
			if _, err := st.Runs().Get(t.Context(), id); (err == nil) != want {
				t.Errorf("run %d present = %v, want %v", id, err == nil, want)
			}
		}
	})
}

// TestWebhookURLAndReceiverCheck: the URL follows the base URL (or the
// request's host, never an untrusted X-Forwarded-Host); a mounted receiver
// answers without API credentials and CheckWebhook accepts exactly the
// shown credentials; its token never reaches the logs.
func TestWebhookURLAndReceiverCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ep := st.Instances()
		// A receiver mounted on the server is public and does its own check.
		h := newHarness(t, st, func(s *api.Server) {
			s.MountWebhookReceiver(func(c *fiber.Ctx) error {
				id, err := api.CheckWebhook(c.UserContext(), ep, c.Path(), c.Get("Authorization"))
				if err != nil {
					return c.SendStatus(http.StatusUnauthorized)
				}
				return c.Status(http.StatusOK).SendString(fmt.Sprint(id))
			})
		})
		a := bearer(h.register("alice", cred{}).AccessToken)
		inst := h.createInstance(a, "Sonarr", "k-1")
		var hook struct {
			URL, Username, Password string
		}
		spoof := cred{bearer: a.bearer, header: map[string]string{"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}}
		h.must(http.StatusOK, "GET", fmt.Sprintf("/api/instances/%d/webhook", inst), nil, spoof).json(t, &hook)
		if !strings.HasPrefix(hook.URL, h.base+"/api/webhooks/") {
			t.Fatalf("url = %s, want it on %s", hook.URL, h.base)
		}
		path := strings.TrimPrefix(hook.URL, h.base)
		basic := func(u, p string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(u+":"+p)) }
		cases := []struct {
			path, auth string
			ok         bool
		}{
			{path, basic(hook.Username, hook.Password), true},
			{path, basic(hook.Username, hook.Password+"x"), false},
			{path, basic("other", hook.Password), false},
			{path + "x", basic(hook.Username, hook.Password), false},
			{fmt.Sprintf("/api/webhooks/%d/%s", inst+1, path[strings.LastIndexByte(path, '/')+1:]), basic(hook.Username, hook.Password), false},
			{path, "", false},
			{path, "Bearer x", false},
			{"/api/webhooks/abc/def", basic(hook.Username, hook.Password), false},
		}
		for _, c := range cases {
			id, err := api.CheckWebhook(t.Context(), ep, c.path, c.auth)
			if (err == nil) != c.ok || (c.ok && id != inst) {
				t.Errorf("CheckWebhook(%s, %q) = %d, %v; want ok=%v", c.path, c.auth, id, err, c.ok)
			}
		}

		good := cred{header: map[string]string{"Authorization": basic(hook.Username, hook.Password)}}
		if got := h.do("POST", path, "{}", good); got.Status != http.StatusOK || string(got.Body) != fmt.Sprint(inst) {
			t.Fatalf("receiver with good credentials = %s", got)
		}
		if got := h.do("PUT", path, "{}", cred{header: map[string]string{"Authorization": basic(hook.Username, "nope")}}); got.Status != http.StatusUnauthorized {
			t.Fatalf("receiver with a bad password = %s", got)
		}
		if got := h.do("GET", path, nil, cred{}); got.Status != http.StatusUnauthorized {
			t.Fatalf("GET on the receiver path without credentials = %s, want the API's 401", got)
		}
		token := path[strings.LastIndexByte(path, '/')+1:]
		if strings.Contains(h.logs.String(), token) {
			t.Fatal("webhook token found in the logs")
		}

		// With a base URL, the URL is under it.
		hb := newHarness(t, st, func(c *api.Config, _ *api.Deps) { c.BaseURL = "https://media.example.com/searcharr/" })
		var hook2 struct{ URL string }
		hb.must(http.StatusOK, "GET", fmt.Sprintf("/searcharr/api/instances/%d/webhook", inst), nil, a).json(t, &hook2)
		if hook2.URL != "https://media.example.com/searcharr"+path {
			t.Fatalf("url with base URL = %s", hook2.URL)
		}
	})
}

// TestBasePathPrefix: with SEARCHARR_BASE_URL's path every route, the
// OpenAPI document and the docs page are under it; outside it nothing is
// served except /health and /ready; cookies are scoped to it.
func TestBasePathPrefix(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st, func(c *api.Config, _ *api.Deps) { c.BaseURL = "https://media.example.com/searcharr" },
		mountUI(t, "https://media.example.com/searcharr"))
	h.must(http.StatusCreated, "POST", "/searcharr/api/auth/register", map[string]any{"username": "alice", "password": testPassword}, cred{})
	login := h.must(http.StatusOK, "POST", "/searcharr/api/auth/login", map[string]any{"username": "alice", "password": testPassword}, cred{})
	var tok tokens
	login.json(t, &tok)
	for _, c := range login.Header.Values("Set-Cookie") {
		if !strings.Contains(c, "path=/searcharr") {
			t.Errorf("cookie %q not scoped to the base path", c)
		}
	}
	a := bearer(tok.AccessToken)
	h.must(http.StatusOK, "GET", "/searcharr/api/instances", nil, a)
	h.must(http.StatusUnauthorized, "GET", "/searcharr/api/instances", nil, cred{})
	h.must(http.StatusNotFound, "GET", "/api/instances", nil, a)
	h.must(http.StatusNotFound, "GET", "/searcharrx/api/instances", nil, a)
	h.must(http.StatusOK, "GET", "/health", nil, cred{})
	h.must(http.StatusOK, "GET", "/searcharr/ready", nil, cred{})
	doc := h.must(http.StatusOK, "GET", "/searcharr/openapi.json", nil, cred{})
	var oas struct {
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
	}
	if err := json.Unmarshal(doc.Body, &oas); err != nil || len(oas.Servers) != 1 || oas.Servers[0].URL != "https://media.example.com/searcharr" {
		t.Fatalf("servers = %+v, %v", oas.Servers, err)
	}
	documentedOperations(t, doc.Body)
	docs := h.must(http.StatusOK, "GET", "/searcharr/docs", nil, cred{})
	if !strings.Contains(string(docs.Body), `<base href="/searcharr/">`) || !strings.Contains(string(docs.Body), `src="docs.js"`) {
		t.Fatalf("docs page does not load the document under the base path: %.300s", docs.Body)
	}
	h.must(http.StatusNotFound, "GET", "/openapi.json", nil, cred{})
}
