package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/api/apiwire"
	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/outbound"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
	"github.com/vibequality/searcharr/sdk"
)

// syncBuffer collects log output from concurrent requests.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fakePublisher records published events.
type fakePublisher struct {
	mu     sync.Mutex
	events []domain.TriggerEvent
	fail   error
}

func (p *fakePublisher) Publish(_ context.Context, topic domain.Topic, kind domain.EventKind, payload any) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return p.fail
	}
	if topic != domain.TopicTriggers || kind != domain.EventTrigger {
		return fmt.Errorf("unexpected topic %s kind %s", topic, kind)
	}
	p.events = append(p.events, payload.(domain.TriggerEvent))
	return nil
}

func (p *fakePublisher) published() []domain.TriggerEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]domain.TriggerEvent(nil), p.events...)
}

// fakePreviewer records a dry run in the store, like the engine, and
// answers one kept and one dropped item.
type fakePreviewer struct {
	st    *store.Store
	mu    sync.Mutex
	calls []api.PreviewOptions
}

func (p *fakePreviewer) Preview(ctx context.Context, queueID int64, opts api.PreviewOptions) (domain.Run, []domain.RunItem, error) {
	p.mu.Lock()
	p.calls = append(p.calls, opts)
	p.mu.Unlock()
	q, err := p.st.Queues().Get(ctx, queueID)
	if err != nil {
		return domain.Run{}, nil, err
	}
	items := []domain.RunItem{
		{Key: domain.ItemKey{Type: domain.ItemEpisode, ID: 11}, Title: "S01E01", Decision: domain.DecisionKept,
			ReasonCode: domain.ReasonSearched, Reason: "missing since 2024-01-01", Score: 2, Command: domain.CmdEpisodeSearch},
		{Key: domain.ItemKey{Type: domain.ItemEpisode, ID: 12}, Title: "S01E02", Decision: domain.DecisionDropped,
			ReasonCode: domain.ReasonCooldown, Reason: "cooling down until 2030-01-01T00:00:00Z"},
	}
	if opts.OverrideCooldown {
		items[1].Decision, items[1].ReasonCode, items[1].Reason, items[1].Command = domain.DecisionKept, domain.ReasonSearched, "missing", domain.CmdEpisodeSearch
	}
	run, err := p.st.Runs().Create(ctx, domain.Run{QueueID: q.ID, QueueName: q.Name, InstanceID: q.InstanceID,
		Strategy: q.Strategy, Trigger: domain.TriggerAPI, DryRun: true, Status: domain.RunRunning})
	if err != nil {
		return domain.Run{}, nil, err
	}
	if err := p.st.RunItems().Insert(ctx, run.ID, items); err != nil {
		return domain.Run{}, nil, err
	}
	if err := p.st.Runs().Finish(ctx, run.ID, domain.RunSucceeded, ""); err != nil {
		return domain.Run{}, nil, err
	}
	run, err = p.st.Runs().Get(ctx, run.ID)
	return run, items, err
}

type fakeScheduler struct {
	running bool
	jobs    int
}

func (s fakeScheduler) Running() bool  { return s.running }
func (s fakeScheduler) JobsCount() int { return s.jobs }

type fakeBus struct{ running bool }

func (b fakeBus) IsRunning() bool { return b.running }

// fakeCatalog has the built-in strategies; "missing" accepts only
// {"order": "oldest"|"newest"}.
type fakeCatalog struct{}

func (fakeCatalog) Plugins() []api.PluginInfo {
	var out []api.PluginInfo
	for _, n := range []string{"custom", "cutoff", "missing", "recent"} {
		out = append(out, api.PluginInfo{Name: n, Version: "1.0.0", Description: n + " strategy", Source: "built-in",
			Status: "running", ConfigSchema: json.RawMessage(`{"type":"object"}`)})
	}
	return out
}

func (fakeCatalog) Validate(_ context.Context, name string, cfg json.RawMessage) error {
	var m map[string]any
	if err := json.Unmarshal(cfg, &m); err != nil {
		return sdk.Invalid("", "not an object")
	}
	var errs sdk.ConfigErrors
	for k, v := range m {
		switch {
		case k == "order" && (v == "oldest" || v == "newest"):
		case k == "order":
			errs = append(errs, sdk.ConfigError{Path: "order", Message: "must be oldest or newest"})
		case k == "grouping":
			errs = append(errs, sdk.ConfigError{Path: "grouping/min_episodes", Message: "must be positive"})
		default:
			errs = append(errs, sdk.ConfigError{Path: k, Message: "unknown option"})
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("pluginhost: plugin %q: %w", name, errs)
	}
	return nil
}

// clock is an adjustable clock starting at the real time.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

type harness struct {
	t       *testing.T
	srv     *api.Server
	st      *store.Store
	base    string
	pub     *fakePublisher
	logs    *syncBuffer
	clock   *clock
	http    *http.Client
	preview *fakePreviewer
}

type harnessOption func(*api.Config, *api.Deps)

// newHarness serves the API backed by st on a real loopback listener.
// Options are harnessOption-shaped functions, which tune the config and
// dependencies, or func(*api.Server), called before it listens.
func newHarness(t *testing.T, st *store.Store, opts ...any) *harness {
	t.Helper()
	h := &harness{t: t, st: st, pub: &fakePublisher{}, logs: &syncBuffer{}, clock: &clock{}}
	deps := apiwire.StoreDeps(st)
	deps.Publisher = h.pub
	deps.Bus = fakeBus{running: true}
	deps.Plugins = fakeCatalog{}
	deps.Tester = apiwire.Tester(outbound.NewDialer(outbound.Policy{}, nil), nil)
	deps.Logger = slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	deps.Now = h.clock.Now
	h.preview = &fakePreviewer{st: st}
	deps.Previewer = h.preview
	deps.Scheduler = fakeScheduler{running: true, jobs: 3}
	deps.Metrics = fakeMetrics
	cfg := api.Config{
		SigningKey: []byte(strings.Repeat("s", 32)),
		Argon2:     auth.Argon2Params{Memory: 1024, Iterations: 1},
		Limiter:    auth.LimiterConfig{UserThreshold: 5, IPThreshold: 50},
	}
	var mounts []func(*api.Server)
	for _, o := range opts {
		switch o := o.(type) {
		case func(*api.Config, *api.Deps):
			o(&cfg, &deps)
		case harnessOption:
			o(&cfg, &deps)
		case func(*api.Server):
			mounts = append(mounts, o)
		default:
			t.Fatalf("unknown harness option %T", o)
		}
	}
	srv, err := api.New(deps, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mounts {
		m(srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.App().Listener(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	h.srv = srv
	h.base = "http://" + ln.Addr().String()
	h.http = &http.Client{Timeout: 30 * time.Second}
	return h
}

// resp is an answer read in full.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

func (r resp) String() string { return fmt.Sprintf("%d %s", r.Status, r.Body) }

// cred is how a request authenticates.
type cred struct {
	bearer string
	apiKey string
	cookie string
	header map[string]string
}

func bearer(tok string) cred { return cred{bearer: tok} }

// bodies records every answer, for the secret scan.
var bodies struct {
	mu  sync.Mutex
	all []string
}

func (h *harness) do(method, path string, body any, c cred) resp {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, h.base+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	if c.apiKey != "" {
		req.Header.Set("X-Api-Key", c.apiKey)
	}
	if c.cookie != "" {
		req.Header.Set("Cookie", c.cookie)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	res, err := h.http.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	bodies.mu.Lock()
	bodies.all = append(bodies.all, string(data)+fmt.Sprint(res.Header))
	bodies.mu.Unlock()
	return resp{Status: res.StatusCode, Header: res.Header, Body: data}
}

// must performs a request and fails the test unless it answers want.
func (h *harness) must(want int, method, path string, body any, c cred) resp {
	h.t.Helper()
	r := h.do(method, path, body, c)
	if r.Status != want {
		h.t.Fatalf("%s %s = %s, want %d", method, path, r, want)
	}
	return r
}

const testPassword = "violet tractor umbrella"

type tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// register creates a user (as admin when one is given) and logs it in.
func (h *harness) register(name string, admin cred) tokens {
	h.t.Helper()
	h.must(http.StatusCreated, "POST", "/api/auth/register", map[string]any{"username": name, "password": testPassword}, admin)
	return h.login(name)
}

func (h *harness) login(name string) tokens {
	h.t.Helper()
	var tok tokens
	h.must(http.StatusOK, "POST", "/api/auth/login", map[string]any{"username": name, "password": testPassword}, cred{}).json(h.t, &tok)
	return tok
}

// twoUsers creates an administrator and a second, ordinary user.
func (h *harness) twoUsers() (alice, bob tokens) {
	alice = h.register("alice", cred{})
	bob = h.register("bob", bearer(alice.AccessToken))
	return alice, bob
}

func instanceBody(name, key string) map[string]any {
	return map[string]any{
		"name": name, "kind": "sonarr", "url": "http://127.0.0.1:8989", "api_key": key,
		"rate_per_second": 2, "burst": 2, "hourly_cap": 100,
	}
}

func (h *harness) createInstance(c cred, name, key string) int64 {
	h.t.Helper()
	var out struct {
		ID int64 `json:"id"`
	}
	h.must(http.StatusCreated, "POST", "/api/instances", instanceBody(name, key), c).json(h.t, &out)
	return out.ID
}

func queueBody(instanceID int64, name string) map[string]any {
	return map[string]any{"instance_id": instanceID, "name": name, "strategy": "missing", "recurring": true,
		"interval_hours": 6, "filters": map[string]any{"order": "oldest"}}
}

func (h *harness) createQueue(c cred, instanceID int64, name string) int64 {
	h.t.Helper()
	var out struct {
		ID int64 `json:"id"`
	}
	h.must(http.StatusCreated, "POST", "/api/search-queues", queueBody(instanceID, name), c).json(h.t, &out)
	return out.ID
}

// TestPanicIsAProblem: a handler that panics answers a 500 problem without
// the panic's text, and the server keeps serving.
func TestPanicIsAProblem(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st, func(_ *api.Config, d *api.Deps) { d.Plugins = panickyCatalog{} })
	alice := h.register("alice", cred{})
	got := h.must(http.StatusInternalServerError, "GET", "/api/plugins", nil, bearer(alice.AccessToken))
	if strings.Contains(string(got.Body), "boom") || !strings.Contains(got.Header.Get("Content-Type"), "problem+json") {
		t.Fatalf("panic answer = %s", got)
	}
	h.must(http.StatusOK, "GET", "/api/auth/me", nil, bearer(alice.AccessToken))
	if !strings.Contains(h.logs.String(), "boom") {
		t.Fatal("panic not logged")
	}
}

type panickyCatalog struct{ fakeCatalog }

func (panickyCatalog) Plugins() []api.PluginInfo { panic("boom") }
