package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/bus"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/notify"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

const secret = "SIGNINGSECRET-0123456789abcdef"

// TestWebhookSinkDeliversSignedJSON: an event an instance's owner wants
// arrives at the webhook as the JSON envelope, signed so that Verify
// accepts it and refuses it altered or replayed late.
func TestWebhookSinkDeliversSignedJSON(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st, fastConfig())
		rcv := newReceiver(t)
		sink := f.sink(t, domain.NotificationSinkInput{URL: domain.Secret(rcv.URL + "/hook?token=abc"), Secret: secret,
			Events: []domain.EventKind{domain.EventGrabFound}})
		if sink.Kind != domain.SinkWebhook || sink.Service != "webhook" || !sink.HasSecret {
			t.Fatalf("sink = %+v", sink)
		}
		// Another user's sink on the same event gets nothing.
		bob, err := st.Users().Create(t.Context(), domain.User{Username: "bob", PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		other := newReceiver(t)
		if _, err := f.n.Create(t.Context(), bob.ID, domain.NotificationSinkInput{Name: "bob", URL: domain.Secret(other.URL),
			Secret: secret, Events: []domain.EventKind{domain.EventGrabFound}}); err != nil {
			t.Fatal(err)
		}

		f.n.Accept(domain.EventGrabFound, f.grab(t, "Show S01E01"))
		f.n.Accept(domain.EventRunFailed, []byte(`{"queue_name":"q","owner_id":1}`)) // not subscribed
		waitFor(t, "the delivery", func() bool { return len(rcv.got()) == 1 })
		r := rcv.got()[0]
		ts, sig := r.Header.Get(notify.HeaderTimestamp), r.Header.Get(notify.HeaderSignature)
		if err := notify.Verify([]byte(secret), ts, r.Body, sig, time.Now(), 5*time.Minute); err != nil {
			t.Fatalf("signature does not verify: %v (%s)", err, sig)
		}
		if err := notify.Verify([]byte(secret), ts, append(r.Body, ' '), sig, time.Now(), 5*time.Minute); !errors.Is(err, notify.ErrBadSignature) {
			t.Fatalf("altered body: %v", err)
		}
		if err := notify.Verify([]byte(secret), ts, r.Body, sig, time.Now().Add(time.Hour), 5*time.Minute); !errors.Is(err, notify.ErrStale) {
			t.Fatalf("replayed an hour later: %v", err)
		}
		if r.Header.Get(notify.HeaderEvent) != "grab_found" || r.Header.Get(notify.HeaderDelivery) == "" || r.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("headers = %v", r.Header)
		}
		var body struct {
			Event, Title, Message, Sink string
			Data                        domain.WebhookNotification
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		if body.Event != "grab_found" || body.Title != "Found: Show S01E01" || body.Sink != "sink" || body.Data.InstanceID != f.instance.ID {
			t.Fatalf("body = %s", r.Body)
		}
		waitFor(t, "the recorded status", func() bool { return f.get(t, sink.ID).LastStatus == domain.DeliveryOK })
		if got := f.get(t, sink.ID); got.LastSentAt == nil || got.LastError != "" {
			t.Fatalf("status = %+v", got)
		}
		time.Sleep(50 * time.Millisecond)
		if n := len(other.got()); n != 0 {
			t.Fatalf("another user's sink got %d requests", n)
		}
	})
}

// TestWebhookTemplateRenders: a custom payload template shapes the body
// with the event's fields and payload, with its content type.
func TestWebhookTemplateRenders(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	f := newFixture(t, st, fastConfig())
	rcv := newReceiver(t)
	f.sink(t, domain.NotificationSinkInput{URL: domain.Secret(rcv.URL), Secret: secret, ContentType: "application/vnd.test+json",
		Events:   []domain.EventKind{domain.EventRunCompleted},
		Template: `{"text":{{json .Title}},"queue":{{json .Data.queue_name}},"searched":{{.Data.searched}},"event":"{{.Event}}"}`})
	ev := domain.NewRunNotification(domain.Queue{ID: 3, Name: `Daily "missing"`, InstanceID: f.instance.ID, OwnerID: f.user.ID},
		9, domain.RunSucceeded, "", domain.RunCounts{ItemsSearched: 12, CommandsSent: 2, IndexerSearches: 12}, time.Now())
	payload, _ := json.Marshal(ev)
	f.n.Accept(ev.Kind(), payload)
	waitFor(t, "the delivery", func() bool { return len(rcv.got()) == 1 })
	r := rcv.got()[0]
	want := `{"text":"Search run completed: Daily \"missing\"","queue":"Daily \"missing\"","searched":12,"event":"run_completed"}`
	if string(r.Body) != want {
		t.Fatalf("body = %s\nwant   %s", r.Body, want)
	}
	if r.Header.Get("Content-Type") != "application/vnd.test+json" {
		t.Fatalf("content type = %q", r.Header.Get("Content-Type"))
	}
	if err := notify.Verify([]byte(secret), r.Header.Get(notify.HeaderTimestamp), r.Body, r.Header.Get(notify.HeaderSignature), time.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
}

// TestShoutrrrDeliversToLocalServer: shoutrrr's generic and ntfy services,
// pointed at a local server over plain HTTP, deliver.
func TestShoutrrrDeliversToLocalServer(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	f := newFixture(t, st, fastConfig())
	rcv := newReceiver(t)
	host := strings.TrimPrefix(rcv.URL, "http://")
	generic := f.sink(t, domain.NotificationSinkInput{Name: "generic", URL: domain.Secret("generic://" + host + "/generic?disabletls=yes&template=json"),
		Events: []domain.EventKind{domain.EventInstanceUnhealthy}})
	ntfy := f.sink(t, domain.NotificationSinkInput{Name: "ntfy", URL: domain.Secret("ntfy://" + host + "/searcharr?scheme=http"),
		Events: []domain.EventKind{domain.EventInstanceUnhealthy}})
	if generic.Kind != domain.SinkShoutrrr || generic.Service != "generic" || ntfy.Service != "ntfy" || generic.HasSecret {
		t.Fatalf("sinks = %+v %+v", generic, ntfy)
	}
	payload, _ := json.Marshal(domain.WebhookNotification{InstanceID: f.instance.ID, Title: "Indexers unavailable",
		Message: "All indexers are unavailable due to failures", At: time.Now()})
	f.n.Accept(domain.EventInstanceUnhealthy, payload)
	waitFor(t, "both deliveries", func() bool { return len(rcv.got()) == 2 })
	paths := map[string]string{}
	for _, r := range rcv.got() {
		paths[r.Path] = string(r.Body)
	}
	var g map[string]string
	if err := json.Unmarshal([]byte(paths["/generic"]), &g); err != nil || g["title"] != "Instance unhealthy: Indexers unavailable" ||
		g["message"] != "All indexers are unavailable due to failures" {
		t.Fatalf("generic body = %q (%v)", paths["/generic"], err)
	}
	if !strings.Contains(paths["/searcharr"], "All indexers are unavailable") {
		t.Fatalf("ntfy body = %q", paths["/searcharr"])
	}
	for _, id := range []int64{generic.ID, ntfy.ID} {
		waitFor(t, "the status", func() bool { return f.get(t, id).LastStatus == domain.DeliveryOK })
	}
}

// TestFailingSinksNeverDelayPublishing: with one sink answering 500 and
// one hanging, events published on the real bus are all accepted at once;
// the failing sink is retried and shows its error, without its URL.
func TestFailingSinksNeverDelayPublishing(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	cfg := fastConfig()
	cfg.RatePerMinute = 1000
	f := newFixture(t, st, cfg)
	failing, hanging := newReceiver(t), newReceiver(t)
	failing.setStatus(500)
	hanging.setStatus(-1)
	fs := f.sink(t, domain.NotificationSinkInput{Name: "failing", URL: domain.Secret(failing.URL + "/PATHSECRET?key=QUERYSECRET"), Secret: secret,
		Events: []domain.EventKind{domain.EventGrabFound}})
	hs := f.sink(t, domain.NotificationSinkInput{Name: "hanging", URL: domain.Secret(hanging.URL + "/PATHSECRET"), Secret: secret,
		Events: []domain.EventKind{domain.EventGrabFound}})

	b, err := bus.New(bus.Config{Dialect: store.DialectSQLite}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	f.n.Register(b)
	go func() { _ = b.Run(context.Background()) }()
	t.Cleanup(func() { _ = b.Close() })
	<-b.Running()

	// Publishing never waits for a sink: 200 events go through while the
	// hanging sink holds its first request (the bound is far above what a
	// publish costs and far below what waiting on the sink would).
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			var payload domain.WebhookNotification
			_ = json.Unmarshal(f.grab(t, fmt.Sprintf("item %d", i)), &payload)
			if err := b.Publish(context.Background(), domain.TopicNotifications, domain.EventGrabFound, payload); err != nil {
				t.Error(err)
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("publishing waited for the sinks")
	}

	waitFor(t, "three attempts at the failing sink", func() bool { return len(failing.got()) >= 3 })
	first := failing.got()[:3]
	if first[0].Header.Get(notify.HeaderDelivery) != first[2].Header.Get(notify.HeaderDelivery) {
		t.Fatal("a retry changed the delivery id")
	}
	waitFor(t, "the failing sink's error", func() bool {
		return strings.Contains(f.get(t, fs.ID).LastError, "attempt 3 of 3: the receiver answered HTTP 500")
	})
	waitFor(t, "the hanging sink's error", func() bool { return f.get(t, hs.ID).LastStatus == domain.DeliveryFailed })
	for _, s := range []domain.NotificationSink{f.get(t, fs.ID), f.get(t, hs.ID)} {
		for _, leak := range []string{"PATHSECRET", "QUERYSECRET", "127.0.0.1", secret} {
			if strings.Contains(s.LastError, leak) {
				t.Fatalf("sink %s error %q shows %s", s.Name, s.LastError, leak)
			}
		}
	}
	if !strings.Contains(f.get(t, hs.ID).LastError, "deadline") {
		t.Fatalf("hanging sink error = %q", f.get(t, hs.ID).LastError)
	}
	for _, leak := range []string{"PATHSECRET", "QUERYSECRET", secret} {
		if strings.Contains(f.logs.String(), leak) {
			t.Fatalf("logs show %s", leak)
		}
	}
}

// TestBurstIsFolded: past its rate, a sink's events wait and go out as one
// summary once the window has room.
func TestBurstIsFolded(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	cfg := fastConfig()
	cfg.RateWindow = 400 * time.Millisecond
	f := newFixture(t, st, cfg)
	rcv := newReceiver(t)
	f.sink(t, domain.NotificationSinkInput{URL: domain.Secret(rcv.URL), Secret: secret, RatePerMinute: 3,
		Events: []domain.EventKind{domain.EventGrabFound, domain.EventInstanceRecovered}})
	for i := range 9 {
		f.n.Accept(domain.EventGrabFound, f.grab(t, fmt.Sprintf("item %d", i)))
	}
	recovered, _ := json.Marshal(domain.WebhookNotification{InstanceID: f.instance.ID, Title: "back", At: time.Now()})
	f.n.Accept(domain.EventInstanceRecovered, recovered)
	waitFor(t, "three messages and a summary", func() bool { return len(rcv.got()) >= 4 })
	time.Sleep(cfg.RateWindow + 100*time.Millisecond)
	got := rcv.got()
	if len(got) != 4 {
		t.Fatalf("got %d messages, want 3 and one summary", len(got))
	}
	var sum struct {
		Event, Title, Message string
		Data                  struct {
			Count int            `json:"count"`
			Kinds map[string]int `json:"kinds"`
		}
	}
	if err := json.Unmarshal(got[3].Body, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Event != "summary" || sum.Data.Count != 7 || sum.Data.Kinds["grab_found"] != 6 || sum.Data.Kinds["instance_recovered"] != 1 ||
		sum.Title != "7 more notifications" || !strings.Contains(sum.Message, "Found: item 3") {
		t.Fatalf("summary = %s", got[3].Body)
	}
}

// TestTestAction sends at once and reports the outcome on the sink.
func TestTestAction(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	f := newFixture(t, st, fastConfig())
	rcv := newReceiver(t)
	s := f.sink(t, domain.NotificationSinkInput{URL: domain.Secret(rcv.URL + "/TESTPATHSECRET"), Secret: secret,
		Events: []domain.EventKind{domain.EventGrabFound}})
	got, err := f.n.Test(t.Context(), s.ID)
	if err != nil || got.LastStatus != domain.DeliveryOK || len(rcv.got()) != 1 || rcv.got()[0].Header.Get(notify.HeaderEvent) != "test" {
		t.Fatalf("test = %+v, %v", got, err)
	}
	rcv.setStatus(503)
	got, err = f.n.Test(t.Context(), s.ID)
	if err == nil || got.LastStatus != domain.DeliveryFailed || got.LastError != "the receiver answered HTTP 503" ||
		strings.Contains(err.Error(), "TESTPATHSECRET") || len(rcv.got()) != 2 {
		t.Fatalf("failed test = %+v, %v", got, err)
	}
}

// TestHangingShoutrrrSinkHoldsOneSend: a service that never answers is
// abandoned at the attempt timeout, shows its error, and gets no second
// request while the first has not returned.
func TestHangingShoutrrrSinkHoldsOneSend(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	f := newFixture(t, st, fastConfig())
	rcv := newReceiver(t)
	rcv.setStatus(-1)
	s := f.sink(t, domain.NotificationSinkInput{URL: domain.Secret("generic://" + strings.TrimPrefix(rcv.URL, "http://") + "/HANGPATH?disabletls=yes"),
		Events: []domain.EventKind{domain.EventGrabFound}})
	f.n.Accept(domain.EventGrabFound, f.grab(t, "one"))
	waitFor(t, "the last attempt's error", func() bool {
		return strings.HasPrefix(f.get(t, s.ID).LastError, "attempt 3 of 3: the previous message")
	})
	got := f.get(t, s.ID)
	if n := len(rcv.got()); n != 1 || strings.Contains(got.LastError, "HANGPATH") {
		t.Fatalf("receiver got %d requests; error %q", n, got.LastError)
	}
}
