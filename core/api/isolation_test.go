package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// TestIsolationMatrix: a second user tries every verb on every resource of
// the first; each attempt answers 404 (exactly like a missing id) and
// nothing changes.
func TestIsolationMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		alice, bob := h.twoUsers()
		a, b := bearer(alice.AccessToken), bearer(bob.AccessToken)
		inst := h.createInstance(a, "Sonarr", "alice-key-0001")
		queue := h.createQueue(a, inst, "Daily")
		var started struct {
			RunID int64 `json:"run_id"`
		}
		h.must(http.StatusAccepted, "POST", fmt.Sprintf("/api/search-queues/%d/start", queue), nil, a).json(t, &started)
		var key struct {
			ID int64 `json:"id"`
		}
		h.must(http.StatusCreated, "POST", "/api/auth/api-keys", map[string]any{"name": "k"}, a).json(t, &key)
		bobInst := h.createInstance(b, "Bob's", "bob-key-0001")
		var ex struct {
			ID int64 `json:"id"`
		}
		h.must(http.StatusCreated, "POST", "/api/exclusions", map[string]any{"instance_id": inst, "kind": "series", "target_id": 5}, a).json(t, &ex)
		h.must(http.StatusOK, "GET", fmt.Sprintf("/api/instances/%d/webhook", inst), nil, a)
		if err := st.Runs().Finish(t.Context(), started.RunID, domain.RunSucceeded, ""); err != nil {
			t.Fatal(err)
		}
		// The run is years old: only its owner's prune may remove it.
		if _, err := st.DB().ExecContext(t.Context(), fmt.Sprintf("UPDATE runs SET created_at = '2020-01-01T00:00:00Z' WHERE id = %d", started.RunID)); err != nil {
			t.Fatal(err)
		}

		snapshot := func() string {
			var parts []string
			for _, p := range []string{
				"/api/instances", fmt.Sprintf("/api/instances/%d", inst), "/api/search-queues",
				fmt.Sprintf("/api/search-queues/%d", queue), "/api/search-history",
				fmt.Sprintf("/api/search-history/%d/items", started.RunID), "/api/auth/api-keys",
				"/api/exclusions", fmt.Sprintf("/api/exclusions/%d", ex.ID), fmt.Sprintf("/api/instances/%d/webhook", inst),
				fmt.Sprintf("/api/search-history/queue/%d", queue),
			} {
				parts = append(parts, string(h.must(200, "GET", p, nil, a).Body))
			}
			return strings.Join(parts, "\n")
		}
		before := snapshot()
		published := len(h.pub.published())

		ip := fmt.Sprintf("/api/instances/%d", inst)
		qp := fmt.Sprintf("/api/search-queues/%d", queue)
		upd := instanceBody("Stolen", "bob-key-9999")
		qupd := queueBody(inst, "Stolen")
		attempts := []struct {
			method, path string
			body         any
		}{
			{"GET", ip, nil},
			{"PUT", ip, upd},
			{"DELETE", ip, nil},
			{"POST", ip + "/test", nil},
			{"GET", qp, nil},
			{"PUT", qp, qupd},
			{"DELETE", qp, nil},
			{"POST", qp + "/start", nil},
			{"POST", qp + "/pause", nil},
			{"POST", qp + "/resume", nil},
			{"GET", qp + "/status", nil},
			{"GET", fmt.Sprintf("/api/search-history/%d/items", started.RunID), nil},
			{"DELETE", fmt.Sprintf("/api/auth/api-keys/%d", key.ID), nil},
			{"POST", qp + "/preview", map[string]any{"override_cooldown": true}},
			{"POST", qp + "/clone", map[string]any{"name": "Mine now"}},
			{"GET", fmt.Sprintf("/api/search-history/queue/%d", queue), nil},
			{"GET", ip + "/webhook", nil},
			{"POST", ip + "/webhook/regenerate", nil},
			{"GET", fmt.Sprintf("/api/exclusions/%d", ex.ID), nil},
			{"PUT", fmt.Sprintf("/api/exclusions/%d", ex.ID), map[string]any{"reason": "stolen"}},
			{"DELETE", fmt.Sprintf("/api/exclusions/%d", ex.ID), nil},
		}
		for _, at := range attempts {
			got := h.do(at.method, at.path, at.body, b)
			if got.Status != http.StatusNotFound {
				t.Errorf("bob %s %s = %s, want 404", at.method, at.path, got)
			}
			missing := strings.Replace(at.path, fmt.Sprint("/", inst), "/999999", 1)
			missing = strings.Replace(missing, fmt.Sprint("/", queue), "/999999", 1)
			missing = strings.Replace(missing, fmt.Sprint("/", started.RunID), "/999999", 1)
			missing = strings.Replace(missing, fmt.Sprint("/", key.ID), "/999999", 1)
			missing = strings.Replace(missing, fmt.Sprint("/", ex.ID), "/999999", 1)
			if m := h.do(at.method, missing, at.body, b); m.Status != got.Status {
				t.Errorf("bob %s on another's resource = %d but on a missing one = %d: existence leaks", at.method, got.Status, m.Status)
			}
		}
		// Bob cannot attach a queue to Alice's instance, nor filter her history.
		if got := h.do("POST", "/api/search-queues", queueBody(inst, "Sneaky"), b); got.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(got.Body), "body.instance_id") {
			t.Errorf("bob queue on alice's instance = %s, want 422 naming instance_id", got)
		}
		if got := h.do("POST", "/api/exclusions", map[string]any{"instance_id": inst, "kind": "series", "target_id": 6}, b); got.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(got.Body), "body.instance_id") {
			t.Errorf("bob exclusion on alice's instance = %s, want 422 naming instance_id", got)
		}
		if got := h.do("DELETE", "/api/search-history?older_than_days=1&all_users=true", nil, b); got.Status != http.StatusForbidden {
			t.Errorf("bob pruning every user's history = %s, want 403", got)
		}
		var pruned struct {
			Deleted int `json:"deleted"`
		}
		h.must(http.StatusOK, "DELETE", "/api/search-history?older_than_days=1", nil, b).json(t, &pruned)
		if pruned.Deleted != 0 {
			t.Errorf("bob's prune deleted %d runs, want none (alice's are not his)", pruned.Deleted)
		}
		var bobStats struct {
			TotalRuns int `json:"total_runs"`
		}
		h.must(http.StatusOK, "GET", fmt.Sprintf("/api/search-history/stats?instance_id=%d", inst), nil, b).json(t, &bobStats)
		if bobStats.TotalRuns != 0 {
			t.Errorf("bob's stats of alice's instance count %d runs", bobStats.TotalRuns)
		}
		if got := h.do("GET", fmt.Sprintf("/api/search-history/failures?instance_id=%d", inst), nil, b); !strings.Contains(string(got.Body), `"total":0`) {
			t.Errorf("bob's failures of alice's instance = %s", got)
		}
		bobQueue := h.createQueue(b, bobInst, "Bob daily")
		if got := h.do("PUT", fmt.Sprintf("/api/search-queues/%d", bobQueue), queueBody(inst, "Moved"), b); got.Status != http.StatusUnprocessableEntity {
			t.Errorf("bob moving his queue to alice's instance = %s, want 422", got)
		}
		for _, p := range []string{"/api/instances", "/api/search-queues", "/api/search-history", fmt.Sprintf("/api/search-history?instance_id=%d", inst), "/api/auth/api-keys", "/api/exclusions", "/api/dashboard"} {
			body := string(h.must(200, "GET", p, nil, b).Body)
			if strings.Contains(body, "Sonarr") || strings.Contains(body, `"Daily"`) || strings.Contains(body, fmt.Sprintf(`"id":%d,"name":"k"`, key.ID)) {
				t.Errorf("bob's %s shows alice's data: %s", p, body)
			}
		}
		if after := snapshot(); after != before {
			t.Errorf("alice's resources changed:\nbefore %s\nafter  %s", before, after)
		}
		if n := len(h.pub.published()); n != published {
			t.Errorf("bob's attempts published %d triggers", n-published)
		}
	})
}
