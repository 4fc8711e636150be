package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// with returns a copy of body with k set to v (or removed when v is del).
func with(body map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range body {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == del {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

type deleted struct{}

var del = deleted{}

// TestBadInputMatrix sends wrong types, missing fields, out-of-range
// numbers, refused URLs, bad filters and oversized bodies to every write
// endpoint: each answers 4xx naming the field, and nothing changes.
func TestBadInputMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		alice := h.register("alice", cred{})
		a := bearer(alice.AccessToken)
		inst := h.createInstance(a, "Sonarr", "key-0001")
		queue := h.createQueue(a, inst, "Daily")
		ip := fmt.Sprintf("/api/instances/%d", inst)
		qp := fmt.Sprintf("/api/search-queues/%d", queue)
		ib := instanceBody("New", "key-0002")
		qb := queueBody(inst, "New")
		huge := `{"name":"` + strings.Repeat("x", 3<<19) + `"}`
		var ex struct {
			ID int64 `json:"id"`
		}
		h.must(201, "POST", "/api/exclusions", map[string]any{"instance_id": inst, "kind": "episode", "target_id": 9}, a).json(t, &ex)
		exID := ex.ID
		xp := fmt.Sprintf("/api/exclusions/%d", exID)
		xb := map[string]any{"instance_id": inst, "kind": "series", "target_id": 10, "reason": "r"}
		past := "2001-01-01T00:00:00Z"

		snapshot := func() string {
			var parts []string
			for _, p := range []string{"/api/instances", "/api/search-queues", "/api/auth/api-keys", "/api/search-history", "/api/exclusions",
				fmt.Sprintf("/api/exclusions/%d", exID)} {
				parts = append(parts, string(h.must(200, "GET", p, nil, a).Body))
			}
			n, _ := st.Users().Count(t.Context())
			return strings.Join(parts, "\n") + fmt.Sprint(n)
		}
		before := snapshot()

		type bad struct {
			method, path string
			body         any
			status       int
			field        string
		}
		cases := []bad{
			{"POST", "/api/auth/register", map[string]any{"username": 5, "password": testPassword}, 422, "body.username"},
			{"POST", "/api/auth/register", map[string]any{"username": "bob"}, 422, "password"},
			{"POST", "/api/auth/register", map[string]any{"username": "b o b", "password": testPassword}, 422, "body.username"},
			{"POST", "/api/auth/register", map[string]any{"username": "bob", "password": "short"}, 422, "body.password"},
			{"POST", "/api/auth/register", huge, 413, ""},
			{"POST", "/api/auth/login", map[string]any{"username": "alice"}, 422, "password"},
			{"POST", "/api/auth/login", map[string]any{"username": []int{1}, "password": "x"}, 422, "body.username"},
			{"POST", "/api/auth/refresh", map[string]any{"refresh_token": 12}, 422, "body.refresh_token"},
			{"POST", "/api/auth/password", map[string]any{"current_password": testPassword}, 422, "new_password"},
			{"POST", "/api/auth/password", map[string]any{"current_password": testPassword, "new_password": "aaaaaaaaaaaaaaaa"}, 422, "body.new_password"},
			{"POST", "/api/auth/api-keys", map[string]any{}, 422, "name"},
			{"POST", "/api/auth/api-keys", map[string]any{"name": "k", "expires_in_days": -1}, 422, "body.expires_in_days"},
			{"POST", "/api/auth/api-keys", map[string]any{"name": "k", "expires_in_days": "soon"}, 422, "body.expires_in_days"},
			{"DELETE", "/api/auth/api-keys/abc", nil, 422, "path.id"},
			{"POST", "/api/instances", with(ib, "kind", "lidarr"), 422, "body.kind"},
			{"POST", "/api/instances", with(ib, "name", del), 422, "name"},
			{"POST", "/api/instances", with(ib, "name", ""), 422, "body.name"},
			{"POST", "/api/instances", with(ib, "api_key", del), 422, "body.api_key"},
			{"POST", "/api/instances", with(ib, "api_key", "has space"), 422, "body.api_key"},
			{"POST", "/api/instances", with(ib, "url", "ftp://sonarr:21"), 422, "body.url"},
			{"POST", "/api/instances", with(ib, "url", "http://169.254.169.254/latest/meta-data"), 422, "body.url"},
			{"POST", "/api/instances", with(ib, "url", "http://[fe80::1]:8989"), 422, "body.url"},
			{"POST", "/api/instances", with(ib, "url", "http://metadata.google.internal"), 422, "body.url"},
			{"POST", "/api/instances", with(ib, "url", "http://user:pw@sonarr:8989"), 422, "body.url"},
			{"POST", "/api/instances", with(ib, "url", "not a url"), 422, "body.url"},
			{"POST", "/api/instances", with(ib, "timeout_seconds", 0), 422, "body.timeout_seconds"},
			{"POST", "/api/instances", with(ib, "timeout_seconds", 301), 422, "body.timeout_seconds"},
			{"POST", "/api/instances", with(ib, "rate_per_second", 0), 422, "body.rate_per_second"},
			{"POST", "/api/instances", with(ib, "rate_per_second", "fast"), 422, "body.rate_per_second"},
			{"POST", "/api/instances", with(ib, "burst", -1), 422, "body.burst"},
			{"POST", "/api/instances", with(ib, "hourly_cap", -5), 422, "body.hourly_cap"},
			{"POST", "/api/instances", with(ib, "verify_tls", "yes"), 422, "body.verify_tls"},
			{"POST", "/api/instances", with(ib, "surprise", 1), 422, "body.surprise"},
			{"POST", "/api/instances", with(ib, "name", "Sonarr"), 409, "body.name"},
			{"POST", "/api/instances", `{"name":`, 400, "body"},
			{"POST", "/api/instances", "[1,2]", 422, "body"},
			{"POST", "/api/instances", huge, 413, ""},
			{"PUT", ip, with(ib, "kind", 3), 422, "body.kind"},
			{"PUT", ip, with(ib, "max_in_flight", 100000), 422, "body.max_in_flight"},
			{"PUT", ip, with(ib, "url", "http://0.0.0.0"), 422, "body.url"},
			{"PUT", "/api/instances/abc", ib, 422, "path.id"},
			{"PUT", "/api/instances/0", ib, 422, "path.id"},
			{"POST", "/api/instances/test", with(ib, "api_key", del), 422, "api_key"},
			{"POST", "/api/instances/test", map[string]any{"kind": "sonarr", "url": "http://169.254.169.254", "api_key": "k"}, 422, "body.url"},
			{"POST", "/api/search-queues", with(qb, "instance_id", "one"), 422, "body.instance_id"},
			{"POST", "/api/search-queues", with(qb, "instance_id", 0), 422, "body.instance_id"},
			{"POST", "/api/search-queues", with(qb, "instance_id", 424242), 422, "body.instance_id"},
			{"POST", "/api/search-queues", with(qb, "strategy", "nope"), 422, "body.strategy"},
			{"POST", "/api/search-queues", with(qb, "strategy", del), 422, "strategy"},
			{"POST", "/api/search-queues", with(qb, "interval_minutes", 30), 422, "body.interval_minutes"},
			{"POST", "/api/search-queues", with(qb, "interval_hours", del), 422, "body.interval_hours"},
			{"POST", "/api/search-queues", with(qb, "interval_hours", 0), 422, "body.interval_hours"},
			{"POST", "/api/search-queues", with(qb, "max_items_per_run", 0), 422, "body.max_items_per_run"},
			{"POST", "/api/search-queues", with(qb, "max_items_per_run", 100001), 422, "body.max_items_per_run"},
			{"POST", "/api/search-queues", with(qb, "cooldown_hours", -1), 422, "body.cooldown_hours"},
			{"POST", "/api/search-queues", with(qb, "filters", "oldest"), 422, "body.filters"},
			{"POST", "/api/search-queues", with(qb, "filters", map[string]any{"order": "sideways"}), 422, "body.filters.order"},
			{"POST", "/api/search-queues", with(qb, "filters", map[string]any{"grouping": map[string]any{"min_episodes": 0}}), 422, "body.filters.grouping.min_episodes"},
			{"POST", "/api/search-queues", huge, 413, ""},
			{"PUT", qp, with(qb, "recurring", "yes"), 422, "body.recurring"},
			{"PUT", qp, with(qb, "filters", map[string]any{"order": 1}), 422, "body.filters.order"},
			{"PUT", qp, with(qb, "name", strings.Repeat("n", 101)), 422, "body.name"},
			{"POST", "/api/search-queues/abc/start", nil, 422, "path.id"},
			{"GET", "/api/search-history?limit=0", nil, 422, "query.limit"},
			{"GET", "/api/search-history?start_date=yesterday", nil, 422, "query.start_date"},
			{"GET", "/api/search-history?start_date=2024-02-01&end_date=2024-01-01", nil, 422, "query.end_date"},
			{"GET", "/api/search-history?status=bogus", nil, 422, "query.status"},
			{"POST", qp + "/start", map[string]any{"override_cooldown": "yes"}, 422, "body.override_cooldown"},
			{"POST", qp + "/start", map[string]any{"surprise": true}, 422, "body.surprise"},
			{"POST", qp + "/preview", map[string]any{"override_cooldown": 1}, 422, "body.override_cooldown"},
			{"POST", qp + "/preview", "[", 400, "body"},
			{"POST", "/api/search-queues/0/preview", nil, 422, "path.id"},
			{"POST", qp + "/clone", map[string]any{"name": ""}, 422, "body.name"},
			{"POST", qp + "/clone", map[string]any{"name": strings.Repeat("n", 101)}, 422, "body.name"},
			{"POST", qp + "/clone", map[string]any{"name": 7}, 422, "body.name"},
			{"POST", qp + "/clone", huge, 413, ""},
			{"DELETE", "/api/search-history", nil, 422, "query.older_than_days"},
			{"DELETE", "/api/search-history?older_than_days=0", nil, 422, "query.older_than_days"},
			{"DELETE", "/api/search-history?older_than_days=ten", nil, 422, "query.older_than_days"},
			{"DELETE", "/api/search-history?older_than_days=99999", nil, 422, "query.older_than_days"},
			{"DELETE", "/api/search-history?older_than_days=5&all_users=maybe", nil, 422, "query.all_users"},
			{"GET", "/api/search-history/stats?days=0", nil, 422, "query.days"},
			{"GET", "/api/search-history/stats?start_date=soon", nil, 422, "query.start_date"},
			{"GET", "/api/search-history/failures?status=succeeded", nil, 422, "query.status"},
			{"GET", "/api/search-history/queue/abc", nil, 422, "path.id"},
			{"POST", "/api/exclusions", with(xb, "kind", "movie"), 422, "body.kind"},
			{"POST", "/api/exclusions", with(xb, "kind", "album"), 422, "body.kind"},
			{"POST", "/api/exclusions", with(xb, "target_id", del), 422, "target_id"},
			{"POST", "/api/exclusions", with(xb, "target_id", 0), 422, "body.target_id"},
			{"POST", "/api/exclusions", with(xb, "target_id", "ten"), 422, "body.target_id"},
			{"POST", "/api/exclusions", with(xb, "instance_id", 424242), 422, "body.instance_id"},
			{"POST", "/api/exclusions", with(xb, "instance_id", del), 422, "instance_id"},
			{"POST", "/api/exclusions", with(xb, "expires_at", past), 422, "body.expires_at"},
			{"POST", "/api/exclusions", with(xb, "expires_at", "tomorrow"), 422, "body.expires_at"},
			{"POST", "/api/exclusions", with(xb, "reason", strings.Repeat("r", 501)), 422, "body.reason"},
			{"POST", "/api/exclusions", with(xb, "kind", "episode", "target_id", 9), 409, "body.target_id"},
			{"POST", "/api/exclusions", huge, 413, ""},
			{"PUT", xp, map[string]any{"expires_at": past}, 422, "body.expires_at"},
			{"PUT", xp, map[string]any{"title": strings.Repeat("t", 301)}, 422, "body.title"},
			{"PUT", xp, map[string]any{"kind": "series"}, 422, "body.kind"},
			{"PUT", "/api/exclusions/abc", map[string]any{}, 422, "path.id"},
			{"POST", "/api/instances/abc/webhook/regenerate", nil, 422, "path.id"},
		}
		for _, c := range cases {
			got := h.do(c.method, c.path, c.body, a)
			if got.Status != c.status {
				t.Errorf("%s %s %.80v = %.300s, want %d", c.method, c.path, c.body, got, c.status)
				continue
			}
			if !strings.Contains(got.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s %s: content type %q", c.method, c.path, got.Header.Get("Content-Type"))
			}
			if c.field != "" && !strings.Contains(string(got.Body), c.field) {
				t.Errorf("%s %s %.80v = %.300s, does not name %s", c.method, c.path, c.body, got, c.field)
			}
		}
		if after := snapshot(); after != before {
			t.Errorf("bad input changed the database:\nbefore %s\nafter  %s", before, after)
		}
	})
}
