package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/notify"
	"github.com/vibequality/searcharr/core/store"
)

// receiver is a local HTTP server recording what sinks send.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []received
	// status answers each request; zero means 200.
	status int
	// hang blocks each request until the test ends.
	hang chan struct{}
}

type received struct {
	Path   string
	Header http.Header
	Body   []byte
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	r := &receiver{hang: make(chan struct{})}
	var closeOnce sync.Once
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.reqs = append(r.reqs, received{Path: req.URL.Path, Header: req.Header.Clone(), Body: body})
		status := r.status
		hang := r.hang
		r.mu.Unlock()
		if status == -1 {
			select {
			case <-hang:
			case <-req.Context().Done():
			}
			return
		}
		if status == 0 {
			status = http.StatusOK
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte("{}"))
	}))
	t.Cleanup(func() {
		closeOnce.Do(func() { close(r.hang) })
		r.Close()
	})
	return r
}

func (r *receiver) setStatus(code int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = code
}

func (r *receiver) got() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.reqs...)
}

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fixture is a user with an instance, and a started notifier.
type fixture struct {
	st       *store.Store
	n        *notify.Notifier
	user     domain.User
	instance domain.Instance
	logs     *syncBuffer
}

type syncBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// fastConfig retries quickly and counts rates over short windows.
func fastConfig() notify.Config {
	return notify.Config{Attempts: 3, Backoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
		AttemptTimeout: 300 * time.Millisecond, RateWindow: time.Hour}
}

func newFixture(t *testing.T, st *store.Store, cfg notify.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{st: st, logs: &syncBuffer{}}
	var err error
	if f.user, err = st.Users().Create(ctx, domain.User{Username: "alice", PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	f.instance, err = st.Instances().Create(ctx, domain.Instance{OwnerID: f.user.ID, Name: "Sonarr", Kind: domain.KindSonarr,
		URL: "http://127.0.0.1:8989", TimeoutSeconds: 10, RatePerSecond: 1, Burst: 1}, "key")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.n, err = notify.New(notify.Deps{Sinks: st.NotificationSinks(), Instances: st.Instances(), Logger: log}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.n.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := f.n.Stop(sctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return f
}

// sink creates a sink or fails the test.
func (f *fixture) sink(t *testing.T, in domain.NotificationSinkInput) domain.NotificationSink {
	t.Helper()
	if in.Name == "" {
		in.Name = "sink"
	}
	s, err := f.n.Create(context.Background(), f.user.ID, in)
	if err != nil {
		t.Fatalf("create sink: %v", err)
	}
	return s
}

// grab returns a grab_found payload about the fixture's instance.
func (f *fixture) grab(t *testing.T, title string) []byte {
	t.Helper()
	b, err := json.Marshal(domain.WebhookNotification{InstanceID: f.instance.ID, Title: title,
		Items: []domain.ItemKey{{Type: domain.ItemEpisode, ID: 7}}, At: time.Now().UTC()})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *fixture) get(t *testing.T, id int64) domain.NotificationSink {
	t.Helper()
	s, err := f.n.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
