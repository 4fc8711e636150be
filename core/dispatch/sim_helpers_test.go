package dispatch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/arr/fakearr"
	"github.com/vibequality/searcharr/core/dispatch"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
)

// simEnv is an in-process simulator served over real HTTP, with the store
// instances pointing at it.
type simEnv struct {
	t     *testing.T
	st    *store.Store
	sim   *fakearr.Sim
	url   string
	clock *fakearr.ManualClock
	owner int64
	// timeout bounds each call of the arr client; 0 means 2s.
	timeout time.Duration

	mu      sync.Mutex
	names   map[int64]string // store instance id → simulator instance name
	urls    map[int64]string
	senders map[int64]dispatch.Sender
	// events are what the dispatchers published.
	events []publishedEvent
}

type publishedEvent struct {
	topic   domain.Topic
	kind    domain.EventKind
	payload any
}

// Publish records an event a dispatcher published.
func (e *simEnv) Publish(_ context.Context, topic domain.Topic, kind domain.EventKind, payload any) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.events = append(e.events, publishedEvent{topic, kind, payload})
	return nil
}

func (e *simEnv) published(kind domain.EventKind) []any {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []any
	for _, ev := range e.events {
		if ev.kind == kind {
			out = append(out, ev.payload)
		}
	}
	return out
}

func newSimEnv(t *testing.T, st *store.Store, clock *fakearr.ManualClock, cfgs ...fakearr.InstanceConfig) *simEnv {
	t.Helper()
	cfg := fakearr.Config{Instances: cfgs}
	if clock != nil {
		cfg.Clock = clock
	}
	sim, err := fakearr.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(func() { srv.Close(); sim.Close() })
	u, err := st.Users().Create(context.Background(), domain.User{Username: fmt.Sprintf("u%d", time.Now().UnixNano()), PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	return &simEnv{t: t, st: st, sim: sim, url: srv.URL, clock: clock, owner: u.ID, names: map[int64]string{}, urls: map[int64]string{}, senders: map[int64]dispatch.Sender{}}
}

// addInstance stores an instance pointing at a simulated one.
func (e *simEnv) addInstance(simName string, in domain.Instance) domain.Instance {
	e.t.Helper()
	si := e.sim.Instance(simName)
	in.OwnerID, in.Name, in.Kind = e.owner, simName, si.Kind()
	base := e.url
	if in.URL != "" {
		base = in.URL
	}
	in.URL = base + si.URLBase()
	if in.TimeoutSeconds == 0 {
		in.TimeoutSeconds = 5
	}
	inst, err := e.st.Instances().Create(context.Background(), in, domain.Secret(si.APIKey()))
	if err != nil {
		e.t.Fatal(err)
	}
	e.mu.Lock()
	e.names[inst.ID], e.urls[inst.ID] = simName, in.URL
	e.mu.Unlock()
	return inst
}

// Connect implements dispatch.Connector over the arr client.
func (e *simEnv) Connect(ctx context.Context, id int64) (dispatch.Sender, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if s, ok := e.senders[id]; ok {
		return s, nil
	}
	name, u := e.names[id], e.urls[id]
	si := e.sim.Instance(name)
	timeout := e.timeout
	if timeout == 0 {
		timeout = 2 * time.Second
	}
	cl, err := arr.New(arr.Config{Kind: si.Kind(), URL: u, APIKey: si.APIKey(), Timeout: timeout, MaxRetries: -1})
	if err != nil {
		return nil, err
	}
	s := dispatch.ArrSender{Client: cl, Lister: lister{url: u + "/api/v3/command", key: si.APIKey()}}
	e.senders[id] = s
	return s, nil
}

// lister reads the command list with bodies.
type lister struct{ url, key string }

func (l lister) CommandResources(ctx context.Context) ([]arr.CommandResource, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, l.url, nil)
	req.Header.Set("X-Api-Key", l.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, &arr.Error{Kind: arr.KindUnreachable, Op: "GET /api/v3/command", Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &arr.Error{Kind: arr.KindServer, Op: "GET /api/v3/command", Status: resp.StatusCode}
	}
	var out []arr.CommandResource
	return out, json.NewDecoder(resp.Body).Decode(&out)
}

// dispatcher starts a dispatcher on the environment's clock.
func (e *simEnv) dispatcher(cfg dispatch.Config) *dispatch.Dispatcher {
	e.t.Helper()
	deps := dispatch.Deps{Store: e.st, Connector: e, Publisher: e, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if e.clock != nil {
		deps.Now = e.clock.Now
	}
	if cfg.RetryDelay == 0 {
		cfg.RetryDelay = 10 * time.Millisecond
	}
	if cfg.MaxRetryDelay == 0 {
		cfg.MaxRetryDelay = 50 * time.Millisecond
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 5 * time.Millisecond
	}
	if cfg.QueueCheckInterval == 0 {
		cfg.QueueCheckInterval = time.Millisecond
	}
	if cfg.HoldCheckInterval == 0 {
		cfg.HoldCheckInterval = 20 * time.Millisecond
	}
	d, err := dispatch.New(deps, cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := d.Start(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { d.Stop(context.Background()) })
	return d
}

var keySeq struct {
	sync.Mutex
	n int
}

// enqueue writes a pending command, as the engine does.
func (e *simEnv) enqueue(inst domain.Instance, queueID int64, c domain.Command) domain.DispatchedCommand {
	e.t.Helper()
	body, err := domain.EncodeCommandBody(c)
	if err != nil {
		e.t.Fatal(err)
	}
	keySeq.Lock()
	keySeq.n++
	key := fmt.Sprintf("k%d-%d", time.Now().UnixNano(), keySeq.n)
	keySeq.Unlock()
	var items []domain.ItemKey
	for _, id := range c.EpisodeIDs {
		items = append(items, domain.ItemKey{Type: domain.ItemEpisode, ID: id})
	}
	for _, id := range c.MovieIDs {
		items = append(items, domain.ItemKey{Type: domain.ItemMovie, ID: id})
	}
	cmd, _, err := e.st.Commands().InsertPending(context.Background(), domain.DispatchedCommand{
		IdempotencyKey: key, InstanceID: inst.ID, QueueID: queueID, Name: c.Name, Body: body, Cost: c.Cost(), Items: items,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return cmd
}

// post is one command POST the simulator answered.
type post struct {
	at     time.Time
	status int
	cmd    domain.Command
	cost   int
}

// posts returns the command POSTs of a simulated instance, in arrival
// order; accepted only keeps those answered 201.
func (e *simEnv) posts(simName string, accepted bool) []post {
	var out []post
	for _, r := range e.sim.Requests() {
		if r.Instance != simName || r.Method != http.MethodPost || !strings.HasSuffix(r.Path, "/api/v3/command") {
			continue
		}
		if accepted && r.Status != http.StatusCreated {
			continue
		}
		c, err := domain.DecodeCommandBody(json.RawMessage(r.Body))
		if err != nil {
			e.t.Fatalf("simulator received %q: %v", r.Body, err)
		}
		out = append(out, post{at: r.Time, status: r.Status, cmd: c, cost: c.Cost()})
	}
	return out
}

func totalCost(ps []post) int {
	n := 0
	for _, p := range ps {
		n += p.cost
	}
	return n
}

// assertWindows fails when any window of length w, measured at the
// simulator, holds more than limit indexer searches.
func assertWindows(t *testing.T, ps []post, w time.Duration, limit int) {
	t.Helper()
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].at.Before(ps[j].at) })
	for i := range ps {
		sum := 0
		for j := i; j < len(ps) && ps[j].at.Sub(ps[i].at) < w; j++ {
			sum += ps[j].cost
		}
		if sum > limit {
			t.Fatalf("%d indexer searches within %s from %s: the cap is %d", sum, w, ps[i].at.Format(time.RFC3339), limit)
		}
	}
}

// settleScale stretches every settle window: on a loaded machine a
// dispatcher that still has commands to send can be descheduled for longer
// than the windows the tests name, and settle would return before it sent
// them.
const settleScale = 4

// settle waits until the simulator has received no command for quiet
// (stretched by settleScale) and returns the accepted POSTs.
func (e *simEnv) settle(simName string, quiet time.Duration) []post {
	e.t.Helper()
	quiet *= settleScale
	last, since := -1, time.Now()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		n := len(e.posts(simName, false))
		if n != last {
			last, since = n, time.Now()
		} else if time.Since(since) >= quiet {
			return e.posts(simName, true)
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.t.Fatal("the simulator kept receiving commands")
	return nil
}

// missingEpisodes returns n aired, monitored, missing episodes of a
// simulated Sonarr.
func (e *simEnv) missingEpisodes(simName string, n int) []int64 {
	e.t.Helper()
	ids := e.sim.Instance(simName).Wanted(false, true)
	if len(ids) < n {
		e.t.Fatalf("simulator has %d missing episodes, want %d", len(ids), n)
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(ids[i])
	}
	return out
}

func episodeSearch(ids ...int64) domain.Command {
	return domain.Command{Name: domain.CmdEpisodeSearch, EpisodeIDs: ids}
}

func status(t *testing.T, st *store.Store, id int64) domain.DispatchedCommand {
	t.Helper()
	c, err := st.Commands().Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
