package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/bus"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/live"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// sseEvent is one message read from an event stream.
type sseEvent struct {
	ID, Kind string
	Data     map[string]any
	Comment  string
}

// openStream connects to GET /api/events and returns its messages; the
// channel closes when the stream ends.
func openStream(t *testing.T, h *harness, c cred) (<-chan sseEvent, *http.Response) {
	t.Helper()
	req, err := http.NewRequest("GET", h.base+"/api/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	if c.cookie != "" {
		req.Header.Set("Cookie", c.cookie)
	}
	res, err := (&http.Client{}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	out := make(chan sseEvent, 64)
	if res.StatusCode != http.StatusOK {
		close(out)
		return out, res
	}
	go func() {
		defer close(out)
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.Kind != "" || ev.Comment != "" {
					out <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, ":"):
				ev.Comment = strings.TrimSpace(line[1:])
			case strings.HasPrefix(line, "id: "):
				ev.ID = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.Kind = line[7:]
			case strings.HasPrefix(line, "data: "):
				_ = json.Unmarshal([]byte(line[6:]), &ev.Data)
			}
		}
	}()
	return out, res
}

// next returns the next event of a kind (comments skipped unless kind is
// ""), failing after a while.
func next(t *testing.T, events <-chan sseEvent, kind string) sseEvent {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("stream ended while waiting for %q", kind)
			}
			if ev.Kind == kind && (kind != "" || ev.Comment != "") {
				return ev
			}
			if kind != "" && ev.Kind != "" {
				t.Fatalf("got %s %v while waiting for %s", ev.Kind, ev.Data, kind)
			}
		case <-timeout:
			t.Fatalf("no %q event", kind)
		}
	}
}

// withLiveHub serves the event stream from a live hub on a real bus over
// the harness's database.
func withLiveHub(t *testing.T, st *store.Store, b **bus.Bus) func(*api.Config, *api.Deps) {
	return func(cfg *api.Config, deps *api.Deps) {
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		events, err := bus.New(bus.Config{Dialect: st.Dialect(), DB: st.DB(), PollInterval: 20 * time.Millisecond}, log)
		if err != nil {
			t.Fatal(err)
		}
		hub, err := live.New(live.Deps{Source: events, Store: st, RunItems: st.RunItems(), Logger: log}, live.Config{})
		if err != nil {
			t.Fatal(err)
		}
		if err := hub.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { hub.Close(); _ = events.Close() })
		deps.Events = hub
		cfg.KeepAlive = 300 * time.Millisecond
		*b = events
	}
}

// TestEventStreamIsolation: each user's stream carries the events of
// their own instances and runs only, with the contract's kinds and data.
func TestEventStreamIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		var b *bus.Bus
		h := newHarness(t, st, withLiveHub(t, st, &b))
		alice, bob := h.twoUsers()
		aliceInst := h.createInstance(bearer(alice.AccessToken), "a-sonarr", "alice-key-0001")
		bobInst := h.createInstance(bearer(bob.AccessToken), "b-sonarr", "bob-key-00001")
		aliceQueue := h.createQueue(bearer(alice.AccessToken), aliceInst, "a-queue")
		ctx := context.Background()
		run, err := st.Runs().Create(ctx, domain.Run{QueueID: aliceQueue, QueueName: "a-queue", InstanceID: aliceInst,
			Strategy: "missing", Trigger: domain.TriggerAPI, Status: domain.RunRunning})
		if err != nil {
			t.Fatal(err)
		}
		ep := domain.ItemKey{Type: domain.ItemEpisode, ID: 7}
		if err := st.RunItems().Insert(ctx, run.ID, []domain.RunItem{{Key: ep, Title: "Show S01E07", Decision: domain.DecisionKept,
			ReasonCode: domain.ReasonSearched, Command: domain.CmdEpisodeSearch}}); err != nil {
			t.Fatal(err)
		}

		aliceEvents, res := openStream(t, h, bearer(alice.AccessToken))
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("GET /api/events = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		bobEvents, _ := openStream(t, h, bearer(bob.AccessToken))
		next(t, aliceEvents, "")
		next(t, bobEvents, "")

		now := time.Now().UTC()
		publish := func(topic domain.Topic, kind domain.EventKind, payload any) {
			t.Helper()
			if err := b.Publish(ctx, topic, kind, payload); err != nil {
				t.Fatal(err)
			}
		}
		publish(domain.TopicNotifications, domain.EventRunStarted, domain.RunStartedEvent{RunID: run.ID, QueueID: aliceQueue,
			QueueName: "a-queue", InstanceID: aliceInst, Strategy: "missing", Trigger: domain.TriggerAPI, At: now})
		ev := next(t, aliceEvents, "run_started")
		if ev.ID == "" || ev.Data["run_id"] != float64(run.ID) || ev.Data["queue_name"] != "a-queue" || ev.Data["trigger"] != "api" {
			t.Errorf("run_started = %+v", ev)
		}
		publish(domain.TopicDispatched, domain.EventDispatched, domain.DispatchedEvent{RunID: run.ID, InstanceID: aliceInst,
			Command: domain.CmdEpisodeSearch, Cost: 1, Items: []domain.ItemKey{ep}, At: now})
		ev = next(t, aliceEvents, "search_sent")
		items, _ := ev.Data["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["title"] != "Show S01E07" || ev.Data["command"] != "EpisodeSearch" {
			t.Errorf("search_sent = %+v", ev)
		}
		ev = next(t, aliceEvents, "run_progress")
		if counts, _ := ev.Data["counts"].(map[string]any); ev.Data["queue_id"] != float64(aliceQueue) || counts == nil {
			t.Errorf("run_progress = %+v", ev)
		}
		publish(domain.TopicNotifications, domain.EventWebhookTest, domain.WebhookNotification{InstanceID: aliceInst, At: now})
		next(t, aliceEvents, "webhook_test")
		publish(domain.TopicNotifications, domain.EventInstanceUnhealthy, domain.WebhookNotification{InstanceID: aliceInst,
			Message: "Indexers unavailable", At: now})
		if ev := next(t, aliceEvents, "instance_paused"); ev.Data["reason"] != "Indexers unavailable" {
			t.Errorf("instance_paused = %+v", ev)
		}
		publish(domain.TopicNotifications, domain.EventGrabFound, domain.WebhookNotification{InstanceID: aliceInst,
			Title: "Show S01E07", RunIDs: []int64{run.ID}, At: now})
		if ev := next(t, aliceEvents, "grab_found"); ev.Data["run_id"] != float64(run.ID) || ev.Data["title"] != "Show S01E07" {
			t.Errorf("grab_found = %+v", ev)
		}
		publish(domain.TopicNotifications, domain.EventRunCompleted, domain.RunNotification{RunID: run.ID, QueueID: aliceQueue,
			InstanceID: aliceInst, Status: domain.RunSucceeded, At: now})
		if ev := next(t, aliceEvents, "run_ended"); ev.Data["status"] != "succeeded" {
			t.Errorf("run_ended = %+v", ev)
		}
		publish(domain.TopicNotifications, domain.EventBudgetExhausted, domain.BudgetExhaustedEvent{InstanceID: aliceInst,
			Window: "hourly", Limit: 10, Used: 10, At: now})
		next(t, aliceEvents, "budget_exhausted")

		// Bob's own event reaches him, and nothing of Alice's came before.
		publish(domain.TopicNotifications, domain.EventWebhookTest, domain.WebhookNotification{InstanceID: bobInst, At: now})
		if ev := next(t, bobEvents, "webhook_test"); ev.Data["instance_id"] != float64(bobInst) {
			t.Errorf("bob's webhook_test = %+v", ev)
		}
		select {
		case ev := <-aliceEvents:
			if ev.Kind != "" {
				t.Errorf("alice received %s of bob's instance", ev.Kind)
			}
		case <-time.After(200 * time.Millisecond):
		}
	})
}

// TestEventStreamAuthKeepAliveAndShutdown: the stream needs credentials,
// sends keep-alive comments while idle, and ends when the server shuts
// down.
func TestEventStreamAuthKeepAliveAndShutdown(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	var b *bus.Bus
	h := newHarness(t, st, withLiveHub(t, st, &b))
	if r := h.do("GET", "/api/events", nil, cred{}); r.Status != http.StatusUnauthorized {
		t.Fatalf("anonymous GET /api/events = %s", r)
	}
	tok := h.register("alice", cred{})
	events, _ := openStream(t, h, bearer(tok.AccessToken))
	next(t, events, "") // connected
	if ev := next(t, events, ""); ev.Comment != "keep-alive" {
		t.Errorf("idle stream sent %+v, want a keep-alive comment", ev)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- h.srv.Shutdown(ctx) }()
	for range events {
	}
	if err := <-done; err != nil {
		t.Errorf("shutdown with an open stream: %v", err)
	}
}

// TestEventStreamDocumented: the OpenAPI document describes the stream.
func TestEventStreamDocumented(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	var b *bus.Bus
	h := newHarness(t, st, withLiveHub(t, st, &b))
	r := h.must(http.StatusOK, "GET", "/openapi.json", nil, cred{})
	var doc struct {
		Paths map[string]map[string]struct {
			Description string         `json:"description"`
			Responses   map[string]any `json:"responses"`
		} `json:"paths"`
	}
	r.json(t, &doc)
	op, ok := doc.Paths["/api/events"]["get"]
	if !ok {
		t.Fatal("GET /api/events is not in the OpenAPI document")
	}
	for _, kind := range []string{"run_started", "run_progress", "run_ended", "search_sent", "grab_found", "webhook_test"} {
		if !strings.Contains(op.Description, kind) {
			t.Errorf("description lacks %s", kind)
		}
	}
}
