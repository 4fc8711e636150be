package api_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/api/apiwire"
	"github.com/vibequality/searcharr/core/notify"
	"github.com/vibequality/searcharr/core/outbound"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// sinkReceiver is a local webhook receiver answering status (200 by
// default) and counting requests.
type sinkReceiver struct {
	*httptest.Server
	status atomic.Int32
	hits   atomic.Int32
	mu     sync.Mutex
	last   []byte
}

func newSinkReceiver(t *testing.T) *sinkReceiver {
	r := &sinkReceiver{}
	r.status.Store(200)
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.last = b
		r.mu.Unlock()
		r.hits.Add(1)
		w.WriteHeader(int(r.status.Load()))
	}))
	t.Cleanup(r.Close)
	return r
}

// withNotifier serves /api/notifications from a notifier on st, logging
// into logs.
func withNotifier(t *testing.T, st *store.Store, logs io.Writer) harnessOption {
	n, err := apiwire.Notifier(st, outbound.NewDialer(outbound.Policy{}, nil), notify.Deps{Logger: slog.New(slog.NewJSONHandler(logs, nil))}, notify.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return func(_ *api.Config, d *api.Deps) { d.Notifications = apiwire.Notifications(n) }
}

type sinkOut struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Service    string   `json:"service"`
	Target     string   `json:"target"`
	Events     []string `json:"events"`
	Enabled    bool     `json:"enabled"`
	HasSecret  bool     `json:"has_secret"`
	LastStatus string   `json:"last_status"`
	LastError  string   `json:"last_error"`
}

func sinkBody(url string) map[string]any {
	return map[string]any{"name": "Hook", "url": url, "secret": "NOTIFYSECRET-0123456789", "events": []string{"grab_found", "run_failed"}}
}

// TestNotificationsCRUDAndTest: create, read, change, test and delete a
// webhook sink and a shoutrrr sink; responses show the service only.
func TestNotificationsCRUDAndTest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		logs := &syncBuffer{}
		h := newHarness(t, st, withNotifier(t, st, logs))
		alice := h.register("alice", cred{})
		a := bearer(alice.AccessToken)
		rcv := newSinkReceiver(t)

		var s sinkOut
		h.must(http.StatusCreated, "POST", "/api/notifications", sinkBody(rcv.URL+"/HOOKPATHSECRET"), a).json(t, &s)
		if s.Kind != "webhook" || s.Service != "webhook" || s.Target != "webhook://***" || !s.HasSecret || !s.Enabled ||
			fmt.Sprint(s.Events) != "[grab_found run_failed]" {
			t.Fatalf("created = %+v", s)
		}
		h.must(http.StatusConflict, "POST", "/api/notifications", sinkBody(rcv.URL), a)
		var d sinkOut
		body := map[string]any{"name": "Discord", "url": "discord://DISCORDTOKEN@123456789", "events": []string{"run_completed"}, "rate_per_minute": 5}
		h.must(http.StatusCreated, "POST", "/api/notifications", body, a).json(t, &d)
		if d.Kind != "shoutrrr" || d.Service != "discord" || d.Target != "discord://***" || d.HasSecret {
			t.Fatalf("discord = %+v", d)
		}

		var list []sinkOut
		h.must(http.StatusOK, "GET", "/api/notifications", nil, a).json(t, &list)
		if len(list) != 2 || list[0].Name != "Discord" || list[1].Name != "Hook" {
			t.Fatalf("list = %+v", list)
		}

		p := fmt.Sprintf("/api/notifications/%d", s.ID)
		var test struct {
			Delivered bool    `json:"delivered"`
			Error     string  `json:"error"`
			Sink      sinkOut `json:"sink"`
		}
		h.must(http.StatusOK, "POST", p+"/test", nil, a).json(t, &test)
		if !test.Delivered || test.Sink.LastStatus != "ok" || rcv.hits.Load() != 1 {
			t.Fatalf("test = %+v", test)
		}
		rcv.status.Store(500)
		h.must(http.StatusOK, "POST", p+"/test", nil, a).json(t, &test)
		if test.Delivered || test.Sink.LastStatus != "failed" || test.Error != "the receiver answered HTTP 500" {
			t.Fatalf("failed test = %+v", test)
		}

		upd := map[string]any{"name": "Hook 2", "events": []string{"queue_deactivated"}, "enabled": false}
		var u sinkOut
		h.must(http.StatusOK, "PUT", p, upd, a).json(t, &u)
		if u.Name != "Hook 2" || u.Enabled || !u.HasSecret || fmt.Sprint(u.Events) != "[queue_deactivated]" || u.LastStatus != "failed" {
			t.Fatalf("updated = %+v", u)
		}
		h.must(http.StatusOK, "GET", p, nil, a).json(t, &u)
		if u.Name != "Hook 2" {
			t.Fatalf("get = %+v", u)
		}
		h.must(http.StatusNoContent, "DELETE", p, nil, a)
		h.must(http.StatusNotFound, "GET", p, nil, a)

		bodies.mu.Lock()
		all := strings.Join(bodies.all, "\n")
		bodies.mu.Unlock()
		for _, leak := range []string{"HOOKPATHSECRET", "NOTIFYSECRET", "DISCORDTOKEN", "123456789"} {
			if strings.Contains(all, leak) {
				t.Fatalf("a response shows %s", leak)
			}
			if strings.Contains(h.logs.String()+logs.String(), leak) {
				t.Fatalf("the logs show %s", leak)
			}
		}
	})
}

// TestNotificationsIsolation: another user's sink answers 404 to every
// verb, exactly like a missing one, and nothing changes or is sent.
func TestNotificationsIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st, withNotifier(t, st, io.Discard))
		alice, bob := h.twoUsers()
		a, b := bearer(alice.AccessToken), bearer(bob.AccessToken)
		rcv := newSinkReceiver(t)
		var s sinkOut
		h.must(http.StatusCreated, "POST", "/api/notifications", sinkBody(rcv.URL), a).json(t, &s)
		p := fmt.Sprintf("/api/notifications/%d", s.ID)
		before := string(h.must(http.StatusOK, "GET", p, nil, a).Body)
		missing := fmt.Sprintf("/api/notifications/%d", s.ID+1000)
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"GET", p, nil}, {"PUT", p, sinkBody(rcv.URL)}, {"DELETE", p, nil}, {"POST", p + "/test", nil},
		} {
			got := h.do(c.method, c.path, c.body, b)
			want := h.do(c.method, strings.Replace(c.path, p, missing, 1), c.body, b)
			if got.Status != http.StatusNotFound || want.Status != http.StatusNotFound {
				t.Fatalf("bob %s %s = %s (missing id: %s), want 404", c.method, c.path, got, want)
			}
		}
		if after := string(h.must(http.StatusOK, "GET", p, nil, a).Body); after != before {
			t.Fatalf("alice's sink changed:\n%s\n%s", before, after)
		}
		var list []sinkOut
		h.must(http.StatusOK, "GET", "/api/notifications", nil, b).json(t, &list)
		if len(list) != 0 || rcv.hits.Load() != 0 {
			t.Fatalf("bob sees %d sinks; receiver hit %d times", len(list), rcv.hits.Load())
		}
		h.must(http.StatusUnauthorized, "GET", "/api/notifications", nil, cred{})
		h.must(http.StatusUnauthorized, "POST", p+"/test", nil, cred{})
	})
}

// TestNotificationsBadInput: each bad body answers 4xx naming the field,
// without the URL or secret, and stores nothing.
func TestNotificationsBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st, withNotifier(t, st, io.Discard))
		alice := h.register("alice", cred{})
		a := bearer(alice.AccessToken)
		good := sinkBody("https://hooks.example/BADINPUTSECRET")
		var s sinkOut
		h.must(http.StatusCreated, "POST", "/api/notifications", with(good, "name", "Kept"), a).json(t, &s)
		p := fmt.Sprintf("/api/notifications/%d", s.ID)
		before := string(h.must(http.StatusOK, "GET", "/api/notifications", nil, a).Body)
		cases := []struct {
			method, path string
			body         any
			field        string
		}{
			{"POST", "/api/notifications", with(good, "name", del), "name"},
			{"POST", "/api/notifications", with(good, "name", 5), "name"},
			{"POST", "/api/notifications", with(good, "url", del), "body.url"},
			{"POST", "/api/notifications", with(good, "url", "ftp-ish BADINPUTSECRET"), "body.url"},
			{"POST", "/api/notifications", with(good, "url", "nosuchservice://BADINPUTSECRET@x"), "body.url"},
			{"POST", "/api/notifications", with(good, "url", "http://169.254.169.254/BADINPUTSECRET"), "body.url"},
			{"POST", "/api/notifications", with(good, "secret", del), "body.secret"},
			{"POST", "/api/notifications", with(good, "secret", "short"), "body.secret"},
			{"POST", "/api/notifications", with(good, "events", []string{}), "body.events"},
			{"POST", "/api/notifications", with(good, "events", []string{"all"}), "body.events"},
			{"POST", "/api/notifications", with(good, "events", "grab_found"), "events"},
			{"POST", "/api/notifications", with(good, "template", "{{.Title"), "body.template"},
			{"POST", "/api/notifications", with(good, "template", "{{range 99999999999}}{{end}}"), "body.template"},
			{"POST", "/api/notifications", with(good, "content_type", "/"), "body.content_type"},
			{"POST", "/api/notifications", with(good, "rate_per_minute", 601), "rate_per_minute"},
			{"POST", "/api/notifications", with(good, "extra", 1), "extra"},
			{"POST", "/api/notifications", `{"name":"x",`, ""},
			{"PUT", p, with(good, "url", "discord://BADINPUTSECRET"), "body.url"},
			{"PUT", p, with(good, "template", "{{end}}"), "body.template"},
			{"PUT", p, with(good, "secret", "short"), "body.secret"},
		}
		for _, c := range cases {
			got := h.do(c.method, c.path, c.body, a)
			if testing.Verbose() {
				t.Logf("%s %s: %s", c.method, c.path, got)
			}
			if got.Status < 400 || got.Status >= 500 || !strings.Contains(string(got.Body), c.field) {
				t.Errorf("%s %s %v = %s, want 4xx naming %s", c.method, c.path, c.body, got, c.field)
			}
			if strings.Contains(string(got.Body), "BADINPUTSECRET") {
				t.Errorf("%s %s answer shows the URL: %s", c.method, c.path, got)
			}
		}
		if after := string(h.must(http.StatusOK, "GET", "/api/notifications", nil, a).Body); after != before {
			t.Fatalf("bad input changed the sinks:\n%s\n%s", before, after)
		}
	})
}

// TestNotificationRoutesNeedANotifier: without one, the routes are absent.
func TestNotificationRoutesNeedANotifier(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st)
	alice := h.register("alice", cred{})
	h.must(http.StatusNotFound, "GET", "/api/notifications", nil, bearer(alice.AccessToken))
}
