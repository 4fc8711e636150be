package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/schedule"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// withScheduler serves the schedule routes from a real scheduler on st.
func withScheduler(t *testing.T, st *store.Store) harnessOption {
	return func(_ *api.Config, d *api.Deps) {
		sc, err := schedule.New(schedule.Deps{Store: st, Publisher: &fakePublisher{}}, schedule.Config{})
		if err != nil {
			t.Fatal(err)
		}
		d.Schedules = sc
	}
}

type scheduleResp struct {
	QueueID             int64               `json:"queue_id"`
	Kind                string              `json:"kind"`
	IntervalMinutes     int                 `json:"interval_minutes"`
	Cron                string              `json:"cron"`
	At                  string              `json:"at"`
	Weekdays            []int               `json:"weekdays"`
	TimeZone            string              `json:"time_zone"`
	Windows             []domain.TimeWindow `json:"windows"`
	JitterSeconds       int                 `json:"jitter_seconds"`
	MisfireGraceSeconds int                 `json:"misfire_grace_seconds"`
	NextRun             *time.Time          `json:"next_run"`
}

func TestScheduleRoutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st, withScheduler(t, st))
		alice, bob := h.twoUsers()
		a, b := bearer(alice.AccessToken), bearer(bob.AccessToken)
		qid := h.createQueue(a, h.createInstance(a, "sonarr", "k1"), "nightly")
		path := fmt.Sprintf("/api/search-queues/%d/schedule", qid)

		var got scheduleResp
		h.must(http.StatusOK, "GET", path, nil, a).json(t, &got)
		if got.Kind != "interval" || got.IntervalMinutes != 360 {
			t.Fatalf("default schedule = %+v", got)
		}

		body := map[string]any{"kind": "weekly", "at": "02:30", "weekdays": []int{1, 4}, "time_zone": "Europe/Berlin",
			"windows": []map[string]string{{"start": "22:00", "end": "06:00"}}, "jitter_seconds": 120}
		h.must(http.StatusOK, "PUT", path, body, a).json(t, &got)
		if got.Kind != "weekly" || got.At != "02:30" || len(got.Weekdays) != 2 || got.NextRun == nil || got.JitterSeconds != 120 {
			t.Fatalf("stored schedule = %+v", got)
		}
		berlin, _ := time.LoadLocation("Europe/Berlin")
		if local := got.NextRun.In(berlin); (local.Weekday() != time.Monday && local.Weekday() != time.Thursday) || local.Hour() != 2 || local.Minute() < 30 || local.Minute() > 32 {
			t.Fatalf("next run %s is not Monday or Thursday 02:30-02:32 in Berlin", local)
		}
		var q struct {
			NextRun *time.Time `json:"next_run"`
		}
		h.must(http.StatusOK, "GET", fmt.Sprintf("/api/search-queues/%d", qid), nil, a).json(t, &q)
		if q.NextRun == nil || !q.NextRun.Equal(*got.NextRun) {
			t.Fatalf("queue next_run %v, schedule next_run %v", q.NextRun, got.NextRun)
		}

		// Bad input names the field and changes nothing.
		for field, bad := range map[string]map[string]any{
			"body.cron":           {"kind": "cron", "cron": "every night"},
			"body.time_zone":      {"kind": "daily", "at": "03:00", "time_zone": "Atlantis/Capital"},
			"body.windows[0].end": {"kind": "daily", "at": "03:00", "windows": []map[string]string{{"start": "01:00", "end": "01:00"}}},
			"body.weekdays":       {"kind": "weekly", "at": "03:00"},
			"body.at":             {"kind": "daily", "at": "7pm"},
			"body.jitter_seconds": {"kind": "daily", "at": "03:00", "jitter_seconds": 100000},
		} {
			r := h.must(http.StatusUnprocessableEntity, "PUT", path, bad, a)
			var problem struct {
				Errors []struct {
					Location string `json:"location"`
				} `json:"errors"`
			}
			r.json(t, &problem)
			if len(problem.Errors) == 0 || problem.Errors[0].Location != field {
				t.Errorf("%v: %s, want the error on %s", bad, r.Body, field)
			}
		}
		h.must(http.StatusOK, "GET", path, nil, a).json(t, &got)
		if got.Kind != "weekly" {
			t.Fatalf("a refused change was stored: %+v", got)
		}

		// A one-time schedule makes the queue stop recurring; an interval
		// sets its interval.
		h.must(http.StatusOK, "PUT", path, map[string]any{"kind": "interval", "interval_minutes": 45}, a).json(t, &got)
		if got.Kind != "interval" || got.IntervalMinutes != 45 {
			t.Fatalf("interval schedule = %+v", got)
		}
		h.must(http.StatusOK, "PUT", path, map[string]any{"kind": "once"}, a).json(t, &got)
		var recurring struct {
			Recurring bool `json:"recurring"`
		}
		h.must(http.StatusOK, "GET", fmt.Sprintf("/api/search-queues/%d", qid), nil, a).json(t, &recurring)
		if got.Kind != "once" || recurring.Recurring {
			t.Fatalf("once: schedule %+v, recurring %v", got, recurring.Recurring)
		}

		// Another user's queue does not exist for bob.
		h.must(http.StatusNotFound, "GET", path, nil, b)
		h.must(http.StatusNotFound, "PUT", path, body, b)

		// Pausing is global: administrators only.
		h.must(http.StatusForbidden, "POST", "/api/scheduler/pause", nil, b)
		var status domain.SchedulerStatus
		h.must(http.StatusOK, "GET", "/api/scheduler", nil, b).json(t, &status)
		if status.Paused {
			t.Fatal("paused by a refused request")
		}
		h.must(http.StatusOK, "POST", "/api/scheduler/pause", nil, a).json(t, &status)
		if !status.Paused {
			t.Fatalf("status after pause = %+v", status)
		}
		if paused, err := st.Schedules().Paused(t.Context()); err != nil || !paused {
			t.Fatalf("stored pause = %v, %v", paused, err)
		}
		h.must(http.StatusForbidden, "POST", "/api/scheduler/resume", nil, b)
		h.must(http.StatusOK, "POST", "/api/scheduler/resume", nil, a).json(t, &status)
		if status.Paused {
			t.Fatalf("status after resume = %+v", status)
		}
		h.must(http.StatusUnauthorized, "GET", "/api/scheduler", nil, cred{})
	})
}
