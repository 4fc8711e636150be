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

// TestQueuePolicyFields: the budget and cooldown settings every strategy
// shares are accepted, stored and shown, with their defaults, and bad
// values are refused naming the field.
func TestQueuePolicyFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		a := bearer(h.register("alice", cred{}).AccessToken)
		inst := h.createInstance(a, "Sonarr", "key-0001")

		type out struct {
			ID                 int64  `json:"id"`
			MaxItemsPerRun     int    `json:"max_items_per_run"`
			MaxSearchesPerRun  int    `json:"max_searches_per_run"`
			CooldownMode       string `json:"cooldown_mode"`
			SharedCooldown     bool   `json:"shared_cooldown"`
			IncludeUnmonitored bool   `json:"include_unmonitored"`
		}
		var def out
		h.must(http.StatusCreated, "POST", "/api/search-queues", queueBody(inst, "Defaults"), a).json(t, &def)
		if def.MaxItemsPerRun != 50 || def.MaxSearchesPerRun != 50 || def.CooldownMode != "flat" || !def.SharedCooldown || def.IncludeUnmonitored {
			t.Fatalf("defaults = %+v", def)
		}

		body := queueBody(inst, "Tuned")
		body["max_items_per_run"] = 20
		body["max_searches_per_run"] = 5
		body["cooldown_mode"] = "adaptive"
		body["shared_cooldown"] = false
		body["include_unmonitored"] = true
		var tuned out
		h.must(http.StatusCreated, "POST", "/api/search-queues", body, a).json(t, &tuned)
		if tuned.MaxSearchesPerRun != 5 || tuned.CooldownMode != "adaptive" || tuned.SharedCooldown || !tuned.IncludeUnmonitored {
			t.Fatalf("tuned = %+v", tuned)
		}
		q, err := st.Queues().Get(t.Context(), tuned.ID)
		if err != nil {
			t.Fatal(err)
		}
		if q.MaxSearchesPerRun != 5 || q.CooldownMode != domain.CooldownAdaptive || !q.OwnCooldown || !q.IncludeUnmonitored {
			t.Fatalf("stored = %+v", q)
		}

		bad := queueBody(inst, "Bad")
		bad["cooldown_mode"] = "sometimes"
		got := h.must(http.StatusUnprocessableEntity, "POST", "/api/search-queues", bad, a)
		if !contains(got.Body, "cooldown_mode") {
			t.Fatalf("bad cooldown_mode answered %s", got)
		}
		bad = queueBody(inst, "Bad")
		bad["max_searches_per_run"] = -3
		got = h.must(http.StatusUnprocessableEntity, "POST", "/api/search-queues", bad, a)
		if !contains(got.Body, "max_searches_per_run") {
			t.Fatalf("bad max_searches_per_run answered %s", got)
		}
		var list []out
		h.must(http.StatusOK, "GET", "/api/search-queues", nil, a).json(t, &list)
		if len(list) != 2 {
			t.Fatalf("%d queues after refused input, want 2: %s", len(list), fmt.Sprint(list))
		}
	})
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
