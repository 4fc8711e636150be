package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// fakeArr answers system/status as app when the API key is key.
func fakeArr(t *testing.T, app, key string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != key {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.URL.Path != "/api/v3/system/status" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"appName":%q,"instanceName":%q,"version":"4.0.1.0"}`, app, app)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestEveryDocumentedOperation walks through the API as a user would and
// checks that every operation of the OpenAPI document was called with
// success, and that the document is valid.
func TestEveryDocumentedOperation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st, mountUI(t, ""))
		called := map[string]bool{}
		call := func(want int, method, path, pattern string, body any, c cred) resp {
			t.Helper()
			called[method+" "+pattern] = true
			return h.must(want, method, path, body, c)
		}

		call(200, "GET", "/health", "/health", nil, cred{})
		call(200, "GET", "/ready", "/ready", nil, cred{})
		call(200, "GET", "/api/auth/setup", "/api/auth/setup", nil, cred{})
		call(201, "POST", "/api/auth/register", "/api/auth/register", map[string]any{"username": "alice", "password": testPassword}, cred{})
		var tok tokens
		call(200, "POST", "/api/auth/login", "/api/auth/login", map[string]any{"username": "alice", "password": testPassword}, cred{}).json(t, &tok)
		if tok.TokenType != "Bearer" || tok.ExpiresIn <= 0 || tok.AccessToken == "" || tok.RefreshToken == "" {
			t.Fatalf("login tokens = %+v", tok)
		}
		a := bearer(tok.AccessToken)
		var me struct {
			Username   string `json:"username"`
			IsAdmin    bool   `json:"is_admin"`
			AuthMethod string `json:"auth_method"`
		}
		call(200, "GET", "/api/auth/me", "/api/auth/me", nil, a).json(t, &me)
		if me.Username != "alice" || !me.IsAdmin || me.AuthMethod != "bearer" {
			t.Fatalf("me = %+v", me)
		}
		call(200, "POST", "/api/auth/refresh", "/api/auth/refresh", map[string]any{"refresh_token": tok.RefreshToken}, cred{}).json(t, &tok)
		a = bearer(tok.AccessToken)

		var key struct {
			ID  int64  `json:"id"`
			Key string `json:"key"`
		}
		call(201, "POST", "/api/auth/api-keys", "/api/auth/api-keys", map[string]any{"name": "script"}, a).json(t, &key)
		k := cred{apiKey: key.Key}
		call(200, "GET", "/api/auth/api-keys", "/api/auth/api-keys", nil, k)

		arrURL := fakeArr(t, "Sonarr", "sonarr-key-0001")
		call(200, "POST", "/api/instances/test", "/api/instances/test",
			map[string]any{"kind": "sonarr", "url": arrURL, "api_key": "sonarr-key-0001"}, a)
		body := instanceBody("Sonarr", "sonarr-key-0001")
		body["url"] = arrURL
		var inst struct {
			ID        int64 `json:"id"`
			HasAPIKey bool  `json:"has_api_key"`
		}
		call(201, "POST", "/api/instances", "/api/instances", body, a).json(t, &inst)
		if !inst.HasAPIKey {
			t.Fatal("has_api_key = false")
		}
		ip := fmt.Sprintf("/api/instances/%d", inst.ID)
		call(200, "GET", "/api/instances", "/api/instances", nil, a)
		call(200, "GET", ip, "/api/instances/{id}", nil, a)
		delete(body, "api_key")
		body["burst"] = 5
		call(200, "PUT", ip, "/api/instances/{id}", body, a)
		var tested struct {
			Success bool   `json:"success"`
			App     string `json:"app"`
			Version string `json:"version"`
		}
		call(200, "POST", ip+"/test", "/api/instances/{id}/test", nil, a).json(t, &tested)
		if !tested.Success || tested.App != "Sonarr" || tested.Version == "" {
			t.Fatalf("test after update without api_key = %+v (the stored key must be kept)", tested)
		}

		call(200, "GET", "/api/plugins", "/api/plugins", nil, a)
		var q struct {
			ID             int64  `json:"id"`
			MaxItemsPerRun int    `json:"max_items_per_run"`
			CooldownHours  int    `json:"cooldown_hours"`
			IntervalHours  int    `json:"interval_hours"`
			Status         string `json:"status"`
			IsActive       bool   `json:"is_active"`
		}
		call(201, "POST", "/api/search-queues", "/api/search-queues", queueBody(inst.ID, "Daily"), a).json(t, &q)
		if q.MaxItemsPerRun != 50 || q.CooldownHours != 24 || q.IntervalHours != 6 || q.Status != "pending" || !q.IsActive {
			t.Fatalf("created queue = %+v, want defaults 50/24, interval 6, pending, active", q)
		}
		qp := fmt.Sprintf("/api/search-queues/%d", q.ID)
		call(200, "GET", "/api/search-queues", "/api/search-queues", nil, a)
		call(200, "GET", qp, "/api/search-queues/{id}", nil, a)
		upd := queueBody(inst.ID, "Daily")
		upd["strategy"] = "cutoff_unmet"
		upd["filters"] = map[string]any{}
		var updated struct {
			Strategy string `json:"strategy"`
		}
		call(200, "PUT", qp, "/api/search-queues/{id}", upd, a).json(t, &updated)
		if updated.Strategy != "cutoff" {
			t.Fatalf("strategy cutoff_unmet stored as %q, want cutoff", updated.Strategy)
		}
		var started struct {
			RunID int64 `json:"run_id"`
		}
		call(202, "POST", qp+"/start", "/api/search-queues/{id}/start", nil, a).json(t, &started)
		ev := h.pub.published()
		if len(ev) != 1 || ev[0].RunID != started.RunID || ev[0].QueueID != q.ID || ev[0].Kind != domain.TriggerAPI {
			t.Fatalf("published %+v, want one api trigger for run %d", ev, started.RunID)
		}
		call(200, "GET", qp+"/status", "/api/search-queues/{id}/status", nil, a)
		call(200, "PUT", qp+"/subscriptions", "/api/search-queues/{id}/subscriptions",
			map[string]any{"subscriptions": []map[string]any{{"event_type": "EpisodeFileDelete", "condition": `event.deleteReason == "missingFromDisk"`}}}, a)
		call(200, "GET", qp+"/subscriptions", "/api/search-queues/{id}/subscriptions", nil, a)
		call(200, "POST", "/api/validate/expression", "/api/validate/expression",
			map[string]any{"kind": "condition", "expression": `event.eventType == "Grab"`}, a)
		call(200, "GET", "/api/users", "/api/users", nil, a)
		call(200, "POST", qp+"/pause", "/api/search-queues/{id}/pause", nil, a)
		call(200, "POST", qp+"/resume", "/api/search-queues/{id}/resume", nil, a)
		var hist struct {
			Items []struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			} `json:"items"`
			Total int `json:"total"`
		}
		call(200, "GET", "/api/search-history?queue_id="+fmt.Sprint(q.ID)+"&status=pending", "/api/search-history", nil, a).json(t, &hist)
		if hist.Total != 1 || hist.Items[0].ID != started.RunID {
			t.Fatalf("history = %+v, want the started run", hist)
		}
		if err := st.RunItems().Insert(t.Context(), started.RunID, []domain.RunItem{
			{Key: domain.ItemKey{Type: domain.ItemEpisode, ID: 7}, Title: "S01E01", Decision: domain.DecisionKept, Reason: "missing", Command: domain.CmdEpisodeSearch},
		}); err != nil {
			t.Fatal(err)
		}
		var items struct {
			Items []struct {
				ItemKey  string `json:"item_key"`
				Decision string `json:"decision"`
			} `json:"items"`
		}
		call(200, "GET", fmt.Sprintf("/api/search-history/%d/items", started.RunID), "/api/search-history/{id}/items", nil, a).json(t, &items)
		if len(items.Items) != 1 || items.Items[0].ItemKey != "episode:7" {
			t.Fatalf("items = %+v", items)
		}

		var preview struct {
			Run struct {
				ID     int64 `json:"id"`
				DryRun bool  `json:"dry_run"`
			} `json:"run"`
			Decisions []struct {
				ItemKey    string `json:"item_key"`
				Decision   string `json:"decision"`
				ReasonCode string `json:"reason_code"`
				Reason     string `json:"reason"`
				Command    string `json:"command"`
			} `json:"decisions"`
			Summary struct {
				Kept    int            `json:"kept"`
				Dropped int            `json:"dropped"`
				ByCode  map[string]int `json:"by_reason_code"`
			} `json:"summary"`
		}
		call(200, "POST", qp+"/preview", "/api/search-queues/{id}/preview", nil, a).json(t, &preview)
		if !preview.Run.DryRun || len(preview.Decisions) != 2 || preview.Decisions[1].ReasonCode != "cooldown" ||
			preview.Decisions[0].Command != "EpisodeSearch" || preview.Summary.Kept != 1 || preview.Summary.ByCode["cooldown"] != 1 {
			t.Fatalf("preview = %+v", preview)
		}
		if n := len(h.pub.published()); n != 1 {
			t.Fatalf("preview published %d triggers, want none beyond the start", n-1)
		}
		var clone struct {
			ID       int64  `json:"id"`
			Name     string `json:"name"`
			Strategy string `json:"strategy"`
			IsActive bool   `json:"is_active"`
			Status   string `json:"status"`
		}
		call(201, "POST", qp+"/clone", "/api/search-queues/{id}/clone", map[string]any{"name": "Nightly"}, a).json(t, &clone)
		if clone.ID == q.ID || clone.Name != "Nightly" || clone.Strategy != "cutoff" || clone.IsActive || clone.Status != "paused" {
			t.Fatalf("clone = %+v", clone)
		}
		var qh struct {
			Total int `json:"total"`
		}
		call(200, "GET", fmt.Sprintf("/api/search-history/queue/%d", q.ID), "/api/search-history/queue/{id}", nil, a).json(t, &qh)
		if qh.Total != 2 {
			t.Fatalf("queue history total = %d, want the start and the preview", qh.Total)
		}
		if err := st.Runs().Finish(t.Context(), started.RunID, domain.RunFailed, "boom"); err != nil {
			t.Fatal(err)
		}
		var failures struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		call(200, "GET", "/api/search-history/failures", "/api/search-history/failures", nil, a).json(t, &failures)
		if len(failures.Items) != 1 || failures.Items[0].ID != started.RunID {
			t.Fatalf("failures = %+v", failures)
		}
		var stats struct {
			TotalRuns  int     `json:"total_runs"`
			FailedRuns int     `json:"failed_runs"`
			Rate       float64 `json:"success_rate"`
			ByStrategy []struct {
				Strategy string `json:"strategy"`
				Total    int    `json:"total"`
			} `json:"by_strategy"`
			ByInstance []struct {
				InstanceID int64 `json:"instance_id"`
				Total      int   `json:"total"`
			} `json:"by_instance"`
			Daily []struct {
				Date  string `json:"date"`
				Total int    `json:"total"`
			} `json:"daily_trend"`
		}
		call(200, "GET", "/api/search-history/stats?days=7", "/api/search-history/stats", nil, a).json(t, &stats)
		if stats.TotalRuns != 1 || stats.FailedRuns != 1 || stats.Rate != 0 || len(stats.ByStrategy) != 1 || len(stats.Daily) != 7 || stats.Daily[6].Total != 1 ||
			len(stats.ByInstance) != 1 || stats.ByInstance[0].InstanceID != inst.ID || stats.ByInstance[0].Total != 1 {
			t.Fatalf("stats = %+v (the dry run must be left out)", stats)
		}
		var dash struct {
			Instances []struct {
				ID int64 `json:"id"`
			} `json:"instances"`
			Daily []struct{} `json:"daily"`
		}
		call(200, "GET", "/api/dashboard", "/api/dashboard", nil, a).json(t, &dash)
		if len(dash.Instances) != 1 || dash.Instances[0].ID != inst.ID || len(dash.Daily) != 30 {
			t.Fatalf("dashboard = %+v", dash)
		}
		var pruned struct {
			Deleted int `json:"deleted"`
		}
		call(200, "DELETE", "/api/search-history?older_than_days=30", "/api/search-history", nil, a).json(t, &pruned)
		if pruned.Deleted != 0 {
			t.Fatalf("pruned %d recent runs", pruned.Deleted)
		}

		var ex struct {
			ID     int64 `json:"id"`
			Active bool  `json:"active"`
		}
		call(201, "POST", "/api/exclusions", "/api/exclusions", map[string]any{"instance_id": inst.ID, "kind": "series", "target_id": 42,
			"title": "Some Show", "reason": "ended"}, a).json(t, &ex)
		if !ex.Active {
			t.Fatalf("exclusion = %+v", ex)
		}
		ep := fmt.Sprintf("/api/exclusions/%d", ex.ID)
		call(200, "GET", "/api/exclusions?instance_id="+fmt.Sprint(inst.ID), "/api/exclusions", nil, a)
		call(200, "GET", ep, "/api/exclusions/{id}", nil, a)
		var exUpd struct {
			Reason    string  `json:"reason"`
			ExpiresAt *string `json:"expires_at"`
		}
		call(200, "PUT", ep, "/api/exclusions/{id}", map[string]any{"reason": "for a month", "expires_at": h.clock.Now().Add(720 * time.Hour).Format(time.RFC3339)}, a).json(t, &exUpd)
		if exUpd.Reason != "for a month" || exUpd.ExpiresAt == nil {
			t.Fatalf("updated exclusion = %+v", exUpd)
		}
		call(204, "DELETE", ep, "/api/exclusions/{id}", nil, a)

		var hook struct {
			URL      string `json:"url"`
			Method   string `json:"method"`
			Username string `json:"username"`
			Password string `json:"password"`
		}
		call(200, "GET", ip+"/webhook", "/api/instances/{id}/webhook", nil, a).json(t, &hook)
		if !strings.HasPrefix(hook.URL, h.base+fmt.Sprintf("/api/webhooks/%d/", inst.ID)) || hook.Method != "POST" || hook.Username == "" || len(hook.Password) < 40 {
			t.Fatalf("webhook = %+v", hook)
		}
		var again struct {
			URL      string `json:"url"`
			Password string `json:"password"`
		}
		call(200, "POST", ip+"/webhook/regenerate", "/api/instances/{id}/webhook/regenerate", nil, a).json(t, &again)
		if again.URL == hook.URL || again.Password == hook.Password {
			t.Fatal("regenerate kept the old token or password")
		}

		call(204, "DELETE", qp, "/api/search-queues/{id}", nil, a)
		call(204, "DELETE", ip, "/api/instances/{id}", nil, a)
		call(204, "DELETE", fmt.Sprintf("/api/auth/api-keys/%d", key.ID), "/api/auth/api-keys/{id}", nil, a)
		call(200, "POST", "/api/auth/password", "/api/auth/password",
			map[string]any{"current_password": testPassword, "new_password": "another quite long phrase"}, a)
		call(204, "POST", "/api/auth/logout", "/api/auth/logout", map[string]any{"refresh_token": tok.RefreshToken}, a)

		doc := h.must(200, "GET", "/openapi.json", nil, cred{})
		ops := documentedOperations(t, doc.Body)
		var missing []string
		for _, op := range ops {
			if !called[op] {
				missing = append(missing, op)
			}
		}
		if len(missing) > 0 {
			t.Fatalf("documented operations never called: %v", missing)
		}
		h.must(200, "GET", "/docs", nil, cred{})
	})
}

// documentedOperations validates the OpenAPI document and lists its
// operations as "METHOD /path".
func documentedOperations(t *testing.T, data []byte) []string {
	t.Helper()
	var raw struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if !strings.HasPrefix(raw.OpenAPI, "3.1") {
		t.Fatalf("openapi = %q, want 3.1", raw.OpenAPI)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json does not validate: %v", err)
	}
	var ops []string
	for path, item := range raw.Paths {
		for method := range item {
			ops = append(ops, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(ops)
	if len(ops) < 25 {
		t.Fatalf("only %d operations documented: %v", len(ops), ops)
	}
	return ops
}
