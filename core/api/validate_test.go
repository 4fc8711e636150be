package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

type expressionCheck struct {
	Valid  bool   `json:"valid"`
	Result string `json:"result"`
	Errors []struct {
		Message      string `json:"message"`
		Line, Column int
	} `json:"errors"`
	Fields []struct {
		Name, Type, Description string
	} `json:"fields"`
}

func (c expressionCheck) hasField(name, typ string) bool {
	for _, f := range c.Fields {
		if f.Name == name && f.Type == typ && f.Description != "" {
			return true
		}
	}
	return false
}

// TestValidateExpression: strategy expressions are checked by the custom
// plugin itself (a real subprocess) and conditions by the condition
// compiler; errors come back with their line and column as numbers.
func TestValidateExpression(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st, withPluginHost(t))
		a := bearer(h.register("alice", cred{}).AccessToken)
		check := func(body map[string]any) expressionCheck {
			t.Helper()
			var out expressionCheck
			h.must(http.StatusOK, "POST", "/api/validate/expression", body, a).json(t, &out)
			return out
		}
		strategy := func(option, expr string) map[string]any {
			return map[string]any{"kind": "strategy", "strategy": "custom", "option": option, "expression": expr}
		}

		got := check(strategy("filter", `series_type == "anime" && days_since_aired > 7`))
		if !got.Valid || len(got.Errors) != 0 || got.Result != "boolean" {
			t.Fatalf("valid filter = %+v", got)
		}
		if !got.hasField("days_since_aired", "number") || !got.hasField("tags", "string[]") || len(got.Fields) < 20 {
			t.Fatalf("filter fields = %+v", got.Fields)
		}
		if got := check(strategy("filter", "")); !got.Valid {
			t.Fatalf("empty filter = %+v", got)
		}

		for _, tc := range []struct {
			option, expr string
			line, column int
			text         string
		}{
			{"filter", "season == 1 &&\n  (episode > ", 2, 0, ""},
			{"filter", "sesaon == 1", 1, 1, "sesaon"},
			{"filter", `let a = [title, 1][0]; let b = a + a; len(b) > 0`, 1, 34, "+ needs"},
			{"priority", "title", 1, 1, ""},
		} {
			got := check(strategy(tc.option, tc.expr))
			if got.Valid || len(got.Errors) != 1 {
				t.Fatalf("%q = %+v, want one error", tc.expr, got)
			}
			e := got.Errors[0]
			if e.Line != tc.line || (tc.column != 0 && e.Column != tc.column) || e.Column < 1 {
				t.Errorf("%q: error at %d:%d, want %d:%d", tc.expr, e.Line, e.Column, tc.line, tc.column)
			}
			if !strings.Contains(e.Message, tc.text) || strings.HasPrefix(e.Message, "line ") {
				t.Errorf("%q: message %q, want one mentioning %q without the position", tc.expr, e.Message, tc.text)
			}
		}
		// Errors in the other filters are not the expression's.
		body := strategy("filter", "season > 0")
		body["filters"] = map[string]any{"source": "everything"}
		if got := check(body); !got.Valid {
			t.Fatalf("filter with a bad source = %+v, want valid", got)
		}

		// Conditions.
		cond := func(expr string) map[string]any { return map[string]any{"kind": "condition", "expression": expr} }
		got = check(cond(`event.eventType == "EpisodeFileDelete" && event.deleteReason == "missingFromDisk"`))
		if !got.Valid || got.Result != "boolean" || !got.hasField("event.deleteReason", "string") {
			t.Fatalf("valid condition = %+v", got)
		}
		got = check(cond("event.eventType == \"Grab\" &&\n  event.release.releaseTitle + \"x\" == \"\""))
		if got.Valid || len(got.Errors) != 1 || got.Errors[0].Line != 2 || got.Errors[0].Column != 30 {
			t.Fatalf("bad condition = %+v, want an error at 2:30", got)
		}

		// Bad requests name the field.
		for field, bad := range map[string]map[string]any{
			"body.option":   strategy("source", "x"),
			"body.strategy": {"kind": "strategy", "strategy": "nope", "option": "filter", "expression": "true"},
			"body.kind":     {"kind": "sql", "expression": "1"},
		} {
			r := h.do("POST", "/api/validate/expression", bad, a)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), field) {
				t.Errorf("%v = %s, want 422 naming %s", bad, r, field)
			}
		}
		h.must(http.StatusUnauthorized, "POST", "/api/validate/expression", cond("true"), cred{})

		// Saving a queue with the bad filter still says where.
		inst := h.createInstance(a, "sonarr", "sonarr-key-0001")
		q := map[string]any{"instance_id": inst, "name": "custom", "strategy": "custom", "recurring": true, "interval_hours": 6,
			"filters": map[string]any{"filter": "season == 1 &&\n  (episode > "}}
		r := h.do("POST", "/api/search-queues", q, a)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "line 2, column") ||
			!strings.Contains(string(r.Body), "body.filters.filter") {
			t.Fatalf("bad custom queue = %s", r)
		}
	})
}

type scheduleCheck struct {
	Valid    bool        `json:"valid"`
	TimeZone string      `json:"time_zone"`
	NextRuns []time.Time `json:"next_runs"`
}

// TestValidateSchedule: a schedule is answered with the scheduler's next
// five runs, or a 422 naming the setting, and nothing is stored.
func TestValidateSchedule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st, withScheduler(t, st))
		alice, bob := h.twoUsers()
		a, b := bearer(alice.AccessToken), bearer(bob.AccessToken)
		qid := h.createQueue(a, h.createInstance(a, "sonarr", "k1"), "nightly")
		const path = "/api/validate/schedule"

		var got scheduleCheck
		body := map[string]any{"kind": "weekly", "at": "02:30", "weekdays": []int{1, 4}, "time_zone": "Europe/Berlin",
			"windows": []map[string]string{{"start": "22:00", "end": "06:00"}}}
		h.must(http.StatusOK, "POST", path, body, a).json(t, &got)
		berlin, _ := time.LoadLocation("Europe/Berlin")
		if !got.Valid || got.TimeZone != "Europe/Berlin" || len(got.NextRuns) != 5 {
			t.Fatalf("weekly = %+v", got)
		}
		for i, run := range got.NextRuns {
			local := run.In(berlin)
			if (local.Weekday() != time.Monday && local.Weekday() != time.Thursday) || local.Hour() != 2 || local.Minute() != 30 {
				t.Errorf("run %d at %s, want Monday or Thursday 02:30 in Berlin", i, local)
			}
			if i > 0 && !run.After(got.NextRuns[i-1]) {
				t.Errorf("runs out of order: %v", got.NextRuns)
			}
		}

		h.must(http.StatusOK, "POST", path, map[string]any{"kind": "interval", "interval_minutes": 90}, a).json(t, &got)
		if len(got.NextRuns) != 5 || got.TimeZone != "UTC" || got.NextRuns[1].Sub(got.NextRuns[0]) != 90*time.Minute {
			t.Fatalf("interval = %+v", got)
		}
		// The queue's own interval (6 hours) when none is given.
		h.must(http.StatusOK, "POST", fmt.Sprintf("%s?queue_id=%d", path, qid), map[string]any{"kind": "interval"}, a).json(t, &got)
		if len(got.NextRuns) != 5 || got.NextRuns[4].Sub(got.NextRuns[3]) != 6*time.Hour {
			t.Fatalf("queue interval = %+v", got)
		}
		h.must(http.StatusOK, "POST", path, map[string]any{"kind": "once"}, a).json(t, &got)
		if len(got.NextRuns) != 0 {
			t.Fatalf("once = %+v", got)
		}

		for field, bad := range map[string]map[string]any{
			"body.cron":             {"kind": "cron", "cron": "every night"},
			"body.time_zone":        {"kind": "daily", "at": "03:00", "time_zone": "Atlantis/Capital"},
			"body.windows[0].end":   {"kind": "daily", "at": "03:00", "windows": []map[string]string{{"start": "01:00", "end": "01:00"}}},
			"body.weekdays":         {"kind": "weekly", "at": "03:00"},
			"body.interval_minutes": {"kind": "interval"},
		} {
			r := h.do("POST", path, bad, a)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"`+field+`"`) {
				t.Errorf("%v = %s, want 422 naming %s", bad, r, field)
			}
		}

		// Nothing was stored; another user's queue is not found.
		var sched scheduleResp
		h.must(http.StatusOK, "GET", fmt.Sprintf("/api/search-queues/%d/schedule", qid), nil, a).json(t, &sched)
		if sched.Kind != "interval" || sched.IntervalMinutes != 360 {
			t.Fatalf("schedule changed by a check: %+v", sched)
		}
		h.must(http.StatusNotFound, "POST", fmt.Sprintf("%s?queue_id=%d", path, qid), map[string]any{"kind": "interval"}, b)
		h.must(http.StatusUnauthorized, "POST", path, body, cred{})
	})
}

// TestListUsers: administrators see every account; others are refused.
func TestListUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		alice, bob := h.twoUsers()
		var users []struct {
			ID       int64  `json:"id"`
			Username string `json:"username"`
			IsAdmin  bool   `json:"is_admin"`
		}
		h.must(http.StatusOK, "GET", "/api/users", nil, bearer(alice.AccessToken)).json(t, &users)
		if len(users) != 2 || users[0].Username != "alice" || !users[0].IsAdmin || users[1].Username != "bob" || users[1].IsAdmin {
			t.Fatalf("users = %+v", users)
		}
		r := h.must(http.StatusForbidden, "GET", "/api/users", nil, bearer(bob.AccessToken))
		if strings.Contains(string(r.Body), "alice") {
			t.Fatalf("refusal leaks users: %s", r)
		}
		h.must(http.StatusUnauthorized, "GET", "/api/users", nil, cred{})
	})
}
