package api_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// fakeBudgets answers a fixed status and records what was asked.
type fakeBudgets struct {
	mu    sync.Mutex
	asked []int64
}

func (f *fakeBudgets) Budget(_ context.Context, id int64) (domain.BudgetStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, id)
	return domain.BudgetStatus{InstanceID: id, Hour: domain.BudgetWindow{Cap: 100, Used: 40, Remaining: 60},
		Day: domain.BudgetWindow{Remaining: -1}, Paused: true, Reasons: []domain.PauseReason{domain.PauseQueue}}, nil
}

func TestBudgetIsTheOwnersOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		budgets := &fakeBudgets{}
		h := newHarness(t, st, func(_ *api.Config, d *api.Deps) { d.Budgets = budgets })
		alice, bob := h.twoUsers()
		id := h.createInstance(bearer(alice.AccessToken), "sonarr", "0123456789abcdef0123456789abcdef")
		path := fmt.Sprintf("/api/instances/%d/budget", id)

		var got struct {
			InstanceID int64 `json:"instance_id"`
			Hour       struct {
				Cap, Used, Remaining int
			} `json:"hour"`
			Paused  bool     `json:"paused"`
			Reasons []string `json:"reasons"`
		}
		h.must(http.StatusOK, "GET", path, nil, bearer(alice.AccessToken)).json(t, &got)
		if got.InstanceID != id || got.Hour.Used != 40 || got.Hour.Remaining != 60 || !got.Paused || got.Reasons[0] != "queue_full" {
			t.Fatalf("budget = %+v", got)
		}
		h.must(http.StatusNotFound, "GET", path, nil, bearer(bob.AccessToken))
		h.must(http.StatusNotFound, "GET", "/api/instances/99999/budget", nil, bearer(alice.AccessToken))
		h.must(http.StatusUnauthorized, "GET", path, nil, cred{})
		if len(budgets.asked) != 1 {
			t.Fatalf("the dispatcher was asked %d times, want once: only for the owner", len(budgets.asked))
		}
	})
}
