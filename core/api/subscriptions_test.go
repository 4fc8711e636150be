package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

type subscriptionsOut struct {
	QueueID       int64 `json:"queue_id"`
	Subscriptions []struct {
		EventType string `json:"event_type"`
		Condition string `json:"condition"`
	} `json:"subscriptions"`
}

func TestQueueSubscriptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		alice, bob := h.twoUsers()
		a, b := bearer(alice.AccessToken), bearer(bob.AccessToken)
		q := h.createQueue(a, h.createInstance(a, "Sonarr", "sonarr-key-0001"), "Deleted files")
		path := fmt.Sprintf("/api/search-queues/%d/subscriptions", q)

		var out subscriptionsOut
		h.must(http.StatusOK, "GET", path, nil, a).json(t, &out)
		if out.QueueID != q || len(out.Subscriptions) != 0 {
			t.Fatalf("new queue subscriptions = %+v", out)
		}
		cond := `event.eventType == "EpisodeFileDelete" && event.deleteReason == "missingFromDisk"`
		body := map[string]any{"subscriptions": []map[string]any{
			{"event_type": "EpisodeFileDelete", "condition": cond},
			{"event_type": "SeriesAdd"},
		}}
		h.must(http.StatusOK, "PUT", path, body, a).json(t, &out)
		if len(out.Subscriptions) != 2 || out.Subscriptions[0].Condition != cond || out.Subscriptions[1].EventType != "SeriesAdd" {
			t.Fatalf("saved %+v", out)
		}

		// Bad input names the subscription and the position, and changes
		// nothing.
		for _, tc := range []struct {
			body     any
			location string
			text     string
		}{
			{map[string]any{"subscriptions": []map[string]any{{"event_type": "Grab"}, {"event_type": "Download", "condition": `event.isUpgrade ==`}}},
				"body.subscriptions[1].condition", "line 1, column"},
			{map[string]any{"subscriptions": []map[string]any{{"event_type": "Grab", "condition": `event.release.releaseTitle + "x" == ""`}}},
				"body.subscriptions[0].condition", "numbers only"},
			{map[string]any{"subscriptions": []map[string]any{{"event_type": "Nope"}}}, "body.subscriptions[0].event_type", ""},
			{map[string]any{"subscriptions": []map[string]any{{"event_type": "Grab", "condition": strings.Repeat("x", 2000)}}}, "body.subscriptions[0].condition", ""},
			// Work is bounded by construction: range sizes, loop nesting, and
			// the passes of loops known when saving.
			{map[string]any{"subscriptions": []map[string]any{{"event_type": "Grab", "condition": `let r = 1..9000; all(r, {all(r, {all(r, {true})})})`}}},
				"body.subscriptions[0].condition", "at most 1000 allowed"},
			{map[string]any{"subscriptions": []map[string]any{{"event_type": "Grab", "condition": `let r = 1..1000; all(r, {all(r, {true})})`}}},
				"body.subscriptions[0].condition", "loops would run"},
			{map[string]any{"subscriptions": []map[string]any{{"event_type": "Grab", "condition": `all(event.episodes, {all(event.episodes, {all(event.episodes, {true})})})`}}},
				"body.subscriptions[0].condition", "nests loops 3 deep"},
		} {
			r := h.do("PUT", path, tc.body, a)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), tc.location) || !strings.Contains(string(r.Body), tc.text) {
				t.Fatalf("%v = %s, want 422 at %s mentioning %q", tc.body, r, tc.location, tc.text)
			}
		}
		h.must(http.StatusOK, "GET", path, nil, a).json(t, &out)
		if len(out.Subscriptions) != 2 {
			t.Fatalf("bad input changed the subscriptions: %+v", out)
		}

		// Another user's queue is not found, and stays unchanged.
		h.must(http.StatusNotFound, "GET", path, nil, b)
		h.must(http.StatusNotFound, "PUT", path, map[string]any{"subscriptions": []any{}}, b)
		h.must(http.StatusUnauthorized, "GET", path, nil, cred{})
		h.must(http.StatusNotFound, "GET", "/api/search-queues/99999/subscriptions", nil, a)

		// An empty list clears.
		h.must(http.StatusOK, "PUT", path, map[string]any{"subscriptions": []any{}}, a).json(t, &out)
		if len(out.Subscriptions) != 0 {
			t.Fatalf("cleared = %+v", out)
		}
	})
}
