package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

type dashboardBody struct {
	Instances []struct {
		ID     int64  `json:"id"`
		Name   string `json:"name"`
		Kind   string `json:"kind"`
		Budget *struct {
			HourUsed      int `json:"hour_used"`
			HourCap       int `json:"hour_cap"`
			HourRemaining int `json:"hour_remaining"`
			DayRemaining  int `json:"day_remaining"`
		} `json:"budget"`
		Paused       bool       `json:"paused"`
		PauseReasons []string   `json:"pause_reasons"`
		LastWebhook  *time.Time `json:"last_webhook_at"`
	} `json:"instances"`
	Queues []struct {
		ID            int64      `json:"id"`
		Name          string     `json:"name"`
		NextRun       *time.Time `json:"next_run"`
		LastRunStatus string     `json:"last_run_status"`
		RunningRunID  *int64     `json:"running_run_id"`
	} `json:"queues"`
	Active []struct {
		ID           int64 `json:"id"`
		CommandsSent int   `json:"commands_sent"`
	} `json:"active_runs"`
	Recent []struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	} `json:"recent_runs"`
	Daily []struct {
		Date            string `json:"date"`
		Commands        int    `json:"commands"`
		IndexerSearches int    `json:"indexer_searches"`
		ItemsFound      int    `json:"items_found"`
	} `json:"daily"`
}

// dashboardWorld gives alice an instance with a queue, a run in progress
// that sent two searches, twelve finished runs and a preview, a webhook
// delivery and a grab found; bob gets an instance and a run of his own.
func dashboardWorld(t *testing.T, h *harness, alice, bob cred) (inst, queue, active int64) {
	t.Helper()
	ctx := context.Background()
	st := h.st
	inst = h.createInstance(alice, "Sonarr", "alice-key-0001")
	queue = h.createQueue(alice, inst, "Daily")
	bobInst := h.createInstance(bob, "Bob's", "bob-key-0001")
	bobQueue := h.createQueue(bob, bobInst, "Bob daily")

	newRun := func(instanceID, queueID int64, dry bool) domain.Run {
		r, err := st.Runs().Create(ctx, domain.Run{QueueID: queueID, QueueName: "q", InstanceID: instanceID,
			Strategy: "missing", Trigger: domain.TriggerSchedule, DryRun: dry, Status: domain.RunRunning})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	send := func(r domain.Run, key string, at time.Time, ids ...int64) {
		var items []domain.ItemKey
		for _, id := range ids {
			items = append(items, domain.ItemKey{Type: domain.ItemEpisode, ID: id})
		}
		c, _, err := st.Commands().InsertPending(ctx, domain.DispatchedCommand{IdempotencyKey: key, RunID: r.ID, QueueID: r.QueueID,
			InstanceID: r.InstanceID, Name: domain.CmdEpisodeSearch, Cost: len(ids), Items: items})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Commands().RecordDispatch(ctx, domain.DispatchRecord{CommandID: c.ID, SentAt: at, CooldownUntil: at.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	for i := range 12 {
		r := newRun(inst, queue, false)
		status := domain.RunSucceeded
		if i == 11 {
			status = domain.RunFailed
		}
		if err := st.Runs().Finish(ctx, r.ID, status, ""); err != nil {
			t.Fatal(err)
		}
	}
	preview := newRun(inst, queue, true)
	if err := st.Runs().Finish(ctx, preview.ID, domain.RunSucceeded, ""); err != nil {
		t.Fatal(err)
	}
	run := newRun(inst, queue, false)
	send(run, "a1", now.Add(-time.Minute), 1, 2)
	send(run, "a2", now.Add(-time.Minute), 3)
	if err := st.Runs().AddCounts(ctx, run.ID, domain.RunCounts{CommandsSent: 2, IndexerSearches: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordOutcome(ctx, domain.Outcome{InstanceID: inst, Key: "g1", EventType: domain.HookGrab,
		Items: []domain.ItemKey{{Type: domain.ItemEpisode, ID: 2}}, At: now}, 0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.WebhookDeliveries().Insert(ctx, domain.WebhookDelivery{InstanceID: inst, EventType: "Grab", DedupeKey: "d1", Payload: []byte("{}")}, 0); err != nil {
		t.Fatal(err)
	}
	bobRun := newRun(bobInst, bobQueue, false)
	send(bobRun, "b1", now.Add(-time.Minute), 1, 2, 3, 4, 5)
	return inst, queue, run.ID
}

func TestDashboardInOneRequest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		budgets := &fakeBudgets{}
		h := newHarness(t, st, func(_ *api.Config, d *api.Deps) { d.Budgets = budgets })
		alice, bob := h.twoUsers()
		a, b := bearer(alice.AccessToken), bearer(bob.AccessToken)
		inst, queue, active := dashboardWorld(t, h, a, b)

		var d dashboardBody
		h.must(http.StatusOK, "GET", "/api/dashboard", nil, a).json(t, &d)
		if len(d.Instances) != 1 || d.Instances[0].ID != inst || d.Instances[0].Kind != "sonarr" {
			t.Fatalf("instances = %+v", d.Instances)
		}
		in := d.Instances[0]
		if in.Budget == nil || in.Budget.HourUsed != 40 || in.Budget.HourCap != 100 || in.Budget.HourRemaining != 60 || in.Budget.DayRemaining != -1 {
			t.Errorf("budget = %+v, want the dispatcher's", in.Budget)
		}
		if !in.Paused || len(in.PauseReasons) != 1 || in.PauseReasons[0] != "queue_full" {
			t.Errorf("pause = %v %v", in.Paused, in.PauseReasons)
		}
		if in.LastWebhook == nil || time.Since(*in.LastWebhook) > time.Minute {
			t.Errorf("last webhook = %v, want just now", in.LastWebhook)
		}
		if len(d.Queues) != 1 || d.Queues[0].ID != queue || d.Queues[0].NextRun == nil {
			t.Errorf("queues = %+v", d.Queues)
		}
		if len(d.Active) != 1 || d.Active[0].ID != active || d.Active[0].CommandsSent != 2 {
			t.Errorf("active runs = %+v, want run %d with 2 commands sent", d.Active, active)
		}
		if len(d.Recent) != 10 || d.Recent[0].Status != "failed" {
			t.Errorf("recent runs = %+v, want the 10 newest finished runs, the failed one first, no preview", d.Recent)
		}
		for _, r := range d.Recent {
			if r.ID == active {
				t.Errorf("a run in progress is listed as recent")
			}
		}
		if len(d.Daily) != 30 {
			t.Fatalf("daily = %d days, want 30", len(d.Daily))
		}
		today := d.Daily[29]
		if today.Date != time.Now().UTC().Format(time.DateOnly) || today.Commands != 2 || today.IndexerSearches != 3 || today.ItemsFound != 1 {
			t.Errorf("today = %+v, want alice's 2 commands, 3 searches, 1 item found", today)
		}
		if len(budgets.asked) != 1 || budgets.asked[0] != inst {
			t.Errorf("budgets asked for %v, want alice's instance only", budgets.asked)
		}

		// Bob sees his own instance and run only.
		var bd dashboardBody
		body := h.must(http.StatusOK, "GET", "/api/dashboard", nil, b)
		body.json(t, &bd)
		if len(bd.Instances) != 1 || bd.Instances[0].ID == inst || len(bd.Queues) != 1 || bd.Queues[0].ID == queue {
			t.Errorf("bob's dashboard shows %+v %+v", bd.Instances, bd.Queues)
		}
		if len(bd.Active) != 1 || bd.Active[0].ID == active || len(bd.Recent) != 0 {
			t.Errorf("bob's runs = %+v / %+v", bd.Active, bd.Recent)
		}
		if got := bd.Daily[29]; got.Commands != 1 || got.IndexerSearches != 5 || got.ItemsFound != 0 {
			t.Errorf("bob's today = %+v, want his own command only", got)
		}
		if strings.Contains(string(body.Body), `"Sonarr"`) || strings.Contains(string(body.Body), `"Daily"`) {
			t.Errorf("bob's dashboard names alice's resources: %s", body.Body)
		}
		h.must(http.StatusUnauthorized, "GET", "/api/dashboard", nil, cred{})
	})
}

func TestDashboardWithoutDispatcher(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st)
	alice := h.register("alice", cred{})
	h.createInstance(bearer(alice.AccessToken), "Sonarr", "alice-key-0001")
	got := h.must(http.StatusOK, "GET", "/api/dashboard", nil, bearer(alice.AccessToken))
	if strings.Contains(string(got.Body), `"budget"`) || !strings.Contains(string(got.Body), `"pause_reasons":[]`) {
		t.Fatalf("dashboard without a dispatcher = %s, want no budget", got)
	}
}

func TestRunItemsShowOutcomes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		h := newHarness(t, st)
		alice, bob := h.twoUsers()
		a := bearer(alice.AccessToken)
		inst, queue, _ := dashboardWorld(t, h, a, bearer(bob.AccessToken))
		run, err := st.Runs().Create(ctx, domain.Run{QueueID: queue, QueueName: "Daily", InstanceID: inst,
			Strategy: "missing", Trigger: domain.TriggerAPI, Status: domain.RunRunning})
		if err != nil {
			t.Fatal(err)
		}
		ep := func(id int64) domain.ItemKey { return domain.ItemKey{Type: domain.ItemEpisode, ID: id} }
		if err := st.RunItems().Insert(ctx, run.ID, []domain.RunItem{
			{Key: ep(20), Title: "Show S01E20 · Found", Decision: domain.DecisionKept, ReasonCode: domain.ReasonSearched, Command: domain.CmdEpisodeSearch},
			{Key: ep(21), Title: "Show S01E21 · Not yet", Decision: domain.DecisionKept, ReasonCode: domain.ReasonSearched, Command: domain.CmdEpisodeSearch},
			{Key: ep(22), Title: "Show S01E22 · Resting", Decision: domain.DecisionDropped, ReasonCode: domain.ReasonCooldown},
		}); err != nil {
			t.Fatal(err)
		}
		sent := time.Now().UTC().Add(-time.Hour)
		c, _, err := st.Commands().InsertPending(ctx, domain.DispatchedCommand{IdempotencyKey: "r1", RunID: run.ID, QueueID: queue,
			InstanceID: inst, Name: domain.CmdEpisodeSearch, Cost: 2, Items: []domain.ItemKey{ep(20), ep(21)}})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Commands().RecordDispatch(ctx, domain.DispatchRecord{CommandID: c.ID, SentAt: sent, CooldownUntil: sent.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		grabbed := sent.Add(10 * time.Minute).Truncate(time.Second)
		if _, err := st.RecordOutcome(ctx, domain.Outcome{InstanceID: inst, Key: "grab-20", EventType: domain.HookGrab,
			Items: []domain.ItemKey{ep(20), ep(22)}, At: grabbed}, 0); err != nil {
			t.Fatal(err)
		}

		var got struct {
			Items []struct {
				ItemKey      string     `json:"item_key"`
				Title        string     `json:"title"`
				Found        bool       `json:"found"`
				FoundAt      *time.Time `json:"found_at"`
				FoundByRunID *int64     `json:"found_by_run_id"`
			} `json:"items"`
		}
		path := fmt.Sprintf("/api/search-history/%d/items", run.ID)
		h.must(http.StatusOK, "GET", path, nil, a).json(t, &got)
		if len(got.Items) != 3 {
			t.Fatalf("items = %+v", got.Items)
		}
		f := got.Items[0]
		if !f.Found || f.FoundAt == nil || !f.FoundAt.Equal(grabbed) || f.FoundByRunID == nil || *f.FoundByRunID != run.ID || f.Title != "Show S01E20 · Found" {
			t.Errorf("found item = %+v, want found at %s by run %d", f, grabbed, run.ID)
		}
		for _, it := range got.Items[1:] {
			if it.Found || it.FoundAt != nil || it.FoundByRunID != nil {
				t.Errorf("item %s = %+v, want not found (not grabbed, or not searched by this run)", it.ItemKey, it)
			}
		}
		h.must(http.StatusNotFound, "GET", path, nil, bearer(bob.AccessToken))
	})
}
