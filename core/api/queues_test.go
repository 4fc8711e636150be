package api_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

type queueState struct {
	ID                  int64   `json:"id"`
	Status              string  `json:"status"`
	IsActive            bool    `json:"is_active"`
	NextRun             *string `json:"next_run"`
	ConsecutiveFailures int     `json:"consecutive_failures"`
}

// TestQueueControl covers start (one waiting run at a time, the trigger
// carries the run), pause, resume and status.
func TestQueueControl(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		alice := h.register("alice", cred{})
		a := bearer(alice.AccessToken)
		inst := h.createInstance(a, "Sonarr", "key-0001")
		id := h.createQueue(a, inst, "Daily")
		qp := fmt.Sprintf("/api/search-queues/%d", id)

		var started struct {
			RunID   int64  `json:"run_id"`
			QueueID int64  `json:"queue_id"`
			Status  string `json:"status"`
		}
		h.must(http.StatusAccepted, "POST", qp+"/start", nil, a).json(t, &started)
		if started.Status != "pending" || started.QueueID != id {
			t.Fatalf("start = %+v", started)
		}
		run, err := st.Runs().Get(t.Context(), started.RunID)
		if err != nil || run.Trigger != domain.TriggerAPI || run.QueueID != id || run.Status != domain.RunPending {
			t.Fatalf("run %+v, %v", run, err)
		}
		ev := h.pub.published()
		if len(ev) != 1 || ev[0].RunID != run.ID || ev[0].InstanceID != inst || ev[0].At.IsZero() {
			t.Fatalf("published %+v", ev)
		}
		got := h.must(http.StatusConflict, "POST", qp+"/start", nil, a)
		if !strings.Contains(string(got.Body), fmt.Sprint(run.ID)) {
			t.Fatalf("second start = %s, want a conflict naming run %d", got, run.ID)
		}
		if err := st.Runs().Finish(t.Context(), run.ID, domain.RunSucceeded, ""); err != nil {
			t.Fatal(err)
		}

		var status struct {
			Running   bool `json:"running"`
			LatestRun *struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			} `json:"latest_run"`
		}
		h.must(200, "GET", qp+"/status", nil, a).json(t, &status)
		if status.Running || status.LatestRun == nil || status.LatestRun.ID != run.ID || status.LatestRun.Status != "succeeded" {
			t.Fatalf("status = %+v", status)
		}

		var q queueState
		h.must(200, "POST", qp+"/pause", nil, a).json(t, &q)
		if q.Status != "paused" || q.IsActive {
			t.Fatalf("paused queue = %+v", q)
		}
		h.must(200, "POST", qp+"/resume", nil, a).json(t, &q)
		if q.Status != "pending" || !q.IsActive || q.NextRun == nil {
			t.Fatalf("resumed queue = %+v", q)
		}

		// A trigger that cannot be published fails its run and answers 503.
		h.pub.mu.Lock()
		h.pub.fail = errors.New("bus down")
		h.pub.mu.Unlock()
		h.must(http.StatusServiceUnavailable, "POST", qp+"/start", nil, a)
		runs, err := st.Runs().List(t.Context(), domain.RunFilter{QueueID: id, Status: domain.RunFailed})
		if err != nil || len(runs) != 1 {
			t.Fatalf("failed runs = %v, %v; want the unpublished run failed", runs, err)
		}
	})
}

// TestQueueLeaseConflict: a queue whose lease is held answers 409 on start.
func TestQueueLeaseConflict(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st)
	alice := h.register("alice", cred{})
	a := bearer(alice.AccessToken)
	id := h.createQueue(a, h.createInstance(a, "Sonarr", "key-0001"), "Daily")
	q, _ := st.Queues().Get(t.Context(), id)
	run, err := st.Runs().Create(t.Context(), domain.Run{QueueID: id, InstanceID: q.InstanceID, Strategy: q.Strategy, Trigger: domain.TriggerSchedule, Status: domain.RunRunning})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Queues().AcquireRun(t.Context(), id, run.ID, h.clock.Now().Add(1e12)); err != nil {
		t.Fatal(err)
	}
	h.must(http.StatusConflict, "POST", fmt.Sprintf("/api/search-queues/%d/start", id), nil, a)
	var status struct {
		Running bool `json:"running"`
	}
	h.must(200, "GET", fmt.Sprintf("/api/search-queues/%d/status", id), nil, a).json(t, &status)
	if !status.Running {
		t.Fatal("status does not show the running lease")
	}
}

// TestHealth answers 503 when the database or the bus is down.
func TestHealth(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st, func(_ *api.Config, d *api.Deps) { d.Bus = fakeBus{running: false} })
	var body struct {
		Status string `json:"status"`
		Bus    struct {
			Status string `json:"status"`
		} `json:"bus"`
		Plugins struct {
			Count int `json:"count"`
		} `json:"plugins"`
	}
	h.must(http.StatusServiceUnavailable, "GET", "/health", nil, cred{}).json(t, &body)
	if body.Status != "unhealthy" || body.Bus.Status != "down" || body.Plugins.Count != 4 {
		t.Fatalf("health = %+v", body)
	}
	h.must(http.StatusServiceUnavailable, "GET", "/ready", nil, cred{})
	_ = st.Close()
	h2 := newHarness(t, st)
	h2.must(http.StatusServiceUnavailable, "GET", "/health", nil, cred{})
}
