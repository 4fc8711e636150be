package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

type call struct {
	method, path, user, pass string
	body                     []byte
}

func (c call) do(t *testing.T, base string) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(c.method, base+c.path, bytes.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.user != "" || c.pass != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

func stored(t *testing.T, st *store.Store) []domain.WebhookDelivery {
	t.Helper()
	list, err := st.WebhookDeliveries().ListUnprocessed(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestReceiverStoresBeforeAnswering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fx := newFixture(t, st)
		pub := &recordingPublisher{}
		base := serveReceiver(t, st, pub, ReceiverConfig{})
		ok := call{method: http.MethodPost, path: api.WebhookPath(fx.instance.ID, fx.endpoint.Token.Reveal()),
			user: fx.endpoint.Username, pass: fx.endpoint.Password.Reveal(), body: readContract(t, "sonarr-Grab.json")}

		status, body, _ := ok.do(t, base)
		if status != http.StatusOK {
			t.Fatalf("grab: %d %s", status, body)
		}
		var r receipt
		if err := json.Unmarshal(body, &r); err != nil || r.DeliveryID == 0 || r.EventType != "Grab" || r.Duplicate {
			t.Fatalf("receipt %s (%v)", body, err)
		}
		list := stored(t, st)
		if len(list) != 1 || list[0].ID != r.DeliveryID || list[0].InstanceID != fx.instance.ID || !bytes.Equal(list[0].Payload, ok.body) {
			t.Fatalf("stored %+v", list)
		}
		if got := pub.on(domain.TopicWebhooks); len(got) != 1 || got[0].payload.(domain.WebhookDeliveryEvent).DeliveryID != r.DeliveryID {
			t.Fatalf("published %+v", got)
		}

		// The same body again within the window is folded.
		status, body, _ = ok.do(t, base)
		if json.Unmarshal(body, &r); status != http.StatusOK || !r.Duplicate || len(stored(t, st)) != 1 || len(pub.on(domain.TopicWebhooks)) != 1 {
			t.Fatalf("duplicate: %d %s, %d stored", status, body, len(stored(t, st)))
		}

		// PUT works too; unknown types are stored and acknowledged.
		put := ok
		put.method, put.body = http.MethodPut, []byte(`{"eventType":"SomethingNew","x":1}`)
		status, body, _ = put.do(t, base)
		if json.Unmarshal(body, &r); status != http.StatusOK || !r.Ignored || len(stored(t, st)) != 2 {
			t.Fatalf("unknown type: %d %s", status, body)
		}

		// Health bodies repeat each time a check fails or recovers: never
		// folded.
		for _, name := range []string{"sonarr-Health.json", "sonarr-HealthRestored.json", "sonarr-Health.json"} {
			h := ok
			h.body = readContract(t, name)
			if status, body, _ := h.do(t, base); status != http.StatusOK || strings.Contains(string(body), "duplicate") {
				t.Fatalf("%s: %d %s", name, status, body)
			}
		}
		if n := len(stored(t, st)); n != 5 {
			t.Fatalf("%d deliveries stored, want 5", n)
		}

		// A Test is visible as the last test received, before processing.
		test := ok
		test.body = readContract(t, "sonarr-Test.json")
		if status, body, _ := test.do(t, base); status != http.StatusOK {
			t.Fatalf("test: %d %s", status, body)
		}
		in, err := st.Instances().Get(context.Background(), fx.instance.ID)
		if err != nil || in.WebhookLastTestAt == nil {
			t.Fatalf("last test = %v, %v", in.WebhookLastTestAt, err)
		}
	})
}

func TestReceiverRefusesWithNothingStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fx := newFixture(t, st)
		pub := &recordingPublisher{}
		base := serveReceiver(t, st, pub, ReceiverConfig{FailureThreshold: 100})
		path := api.WebhookPath(fx.instance.ID, fx.endpoint.Token.Reveal())
		user, pass := fx.endpoint.Username, fx.endpoint.Password.Reveal()
		grab := readContract(t, "sonarr-Grab.json")
		big := append([]byte(`{"eventType":"Grab","pad":"`), bytes.Repeat([]byte("x"), 1<<20)...)
		big = append(big, `"}`...)
		for _, tc := range []struct {
			name string
			c    call
			want []int
		}{
			{"wrong password", call{http.MethodPost, path, user, "nope", grab}, []int{401}},
			{"wrong user", call{http.MethodPost, path, "someone", pass, grab}, []int{401}},
			{"no credentials", call{http.MethodPost, path, "", "", grab}, []int{401}},
			{"wrong token", call{http.MethodPost, api.WebhookPath(fx.instance.ID, strings.Repeat("x", 43)), user, pass, grab}, []int{401}},
			{"other instance", call{http.MethodPost, api.WebhookPath(fx.instance.ID+1, fx.endpoint.Token.Reveal()), user, pass, grab}, []int{401}},
			{"malformed JSON", call{http.MethodPost, path, user, pass, []byte(`{"eventType":`)}, []int{400}},
			{"not an object", call{http.MethodPost, path, user, pass, []byte(`[1,2]`)}, []int{400}},
			{"no event type", call{http.MethodPost, path, user, pass, []byte(`{"series":{}}`)}, []int{400}},
			{"wrong field type", call{http.MethodPost, path, user, pass, []byte(`{"eventType":"Grab","episodes":{}}`)}, []int{400}},
			{"oversized", call{http.MethodPost, path, user, pass, big}, []int{413}},
			{"GET", call{http.MethodGet, path, user, pass, nil}, []int{401, 404, 405}},
			{"DELETE", call{http.MethodDelete, path, user, pass, nil}, []int{401, 404, 405}},
			{"PATCH", call{http.MethodPatch, path, user, pass, grab}, []int{401, 404, 405}},
		} {
			status, body, hdr := tc.c.do(t, base)
			okStatus := false
			for _, w := range tc.want {
				okStatus = okStatus || status == w
			}
			if !okStatus {
				t.Errorf("%s: %d %s, want one of %v", tc.name, status, body, tc.want)
			}
			if status == 401 && tc.c.method == http.MethodPost && !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Basic") {
				t.Errorf("%s: no basic challenge", tc.name)
			}
			if bytes.Contains(body, []byte(pass)) || bytes.Contains(body, []byte(fx.endpoint.Token.Reveal())) {
				t.Errorf("%s: the answer shows a secret: %s", tc.name, body)
			}
			if n := len(stored(t, st)); n != 0 {
				t.Fatalf("%s: %d deliveries stored", tc.name, n)
			}
		}
		if n := len(pub.events); n != 0 {
			t.Fatalf("%d events published", n)
		}
	})
}

func TestReceiverSlowsDownRepeatedFailures(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	fx := newFixture(t, st)
	base := serveReceiver(t, st, &recordingPublisher{}, ReceiverConfig{FailureThreshold: 3, FailureBackoff: time.Minute})
	path := api.WebhookPath(fx.instance.ID, fx.endpoint.Token.Reveal())
	bad := call{http.MethodPost, path, fx.endpoint.Username, "wrong", []byte(`{"eventType":"Test"}`)}
	for i := 0; i < 3; i++ {
		if status, _, _ := bad.do(t, base); status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, status)
		}
	}
	// Locked out now, even with the right credentials.
	good := bad
	good.pass = fx.endpoint.Password.Reveal()
	status, _, hdr := good.do(t, base)
	if status != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" {
		t.Fatalf("after 3 failures: %d, Retry-After %q", status, hdr.Get("Retry-After"))
	}
	if n := len(stored(t, st)); n != 0 {
		t.Fatalf("%d stored while locked out", n)
	}
}

func TestFailureLimiterEscalatesAndForgets(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newFailureLimiter(2, time.Second, 4*time.Second, func() time.Time { return now })
	l.fail("a")
	if l.wait("a") != 0 {
		t.Fatal("locked after one failure")
	}
	l.fail("a")
	if w := l.wait("a"); w != time.Second {
		t.Fatalf("wait = %v, want 1s", w)
	}
	l.fail("a")
	l.fail("a")
	l.fail("a")
	if w := l.wait("a"); w != 4*time.Second {
		t.Fatalf("wait = %v, want the 4s cap", w)
	}
	if l.wait("b") != 0 {
		t.Fatal("another address waits")
	}
	l.succeed("a")
	if l.wait("a") != 0 {
		t.Fatal("success did not forget")
	}
}
