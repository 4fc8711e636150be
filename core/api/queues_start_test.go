package api_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// TestOneTimeQueueStartJoinsItsRun: a start while a one-time queue's run
// is pending or running answers that run; starts at once open one run.
func TestOneTimeQueueStartJoinsItsRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		alice := h.register("alice", cred{})
		a := bearer(alice.AccessToken)
		inst := h.createInstance(a, "Sonarr", "key-0001")
		body := queueBody(inst, "Once")
		body["recurring"] = false
		delete(body, "interval_hours")
		var q struct {
			ID int64 `json:"id"`
		}
		h.must(http.StatusCreated, "POST", "/api/search-queues", body, a).json(t, &q)
		path := fmt.Sprintf("/api/search-queues/%d/start", q.ID)

		ids := make([]int64, 5)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var out struct {
					RunID int64 `json:"run_id"`
				}
				h.must(http.StatusAccepted, "POST", path, nil, a).json(t, &out)
				ids[i] = out.RunID
			}()
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("starts at once answered runs %v, want one run", ids)
			}
		}
		runs, err := st.Runs().List(t.Context(), domain.RunFilter{QueueID: q.ID})
		if err != nil || len(runs) != 1 {
			t.Fatalf("runs = %d (%v), want 1", len(runs), err)
		}
		if n := len(h.pub.published()); n != 1 {
			t.Fatalf("%d triggers published, want 1", n)
		}
	})
}
