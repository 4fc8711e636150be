package webhook

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
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
)

// published is one event a recordingPublisher saw.
type published struct {
	topic   domain.Topic
	kind    domain.EventKind
	payload any
}

// recordingPublisher keeps what is published; failing makes it fail.
type recordingPublisher struct {
	mu      sync.Mutex
	events  []published
	failing bool
}

func (p *recordingPublisher) Publish(_ context.Context, topic domain.Topic, kind domain.EventKind, payload any) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failing {
		return errPublish
	}
	p.events = append(p.events, published{topic, kind, payload})
	return nil
}

var errPublish = &net.OpError{Op: "publish"}

func (p *recordingPublisher) on(topic domain.Topic) []published {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []published
	for _, e := range p.events {
		if e.topic == topic {
			out = append(out, e)
		}
	}
	return out
}

func (p *recordingPublisher) triggers() []domain.TriggerEvent {
	var out []domain.TriggerEvent
	for _, e := range p.on(domain.TopicTriggers) {
		out = append(out, e.payload.(domain.TriggerEvent))
	}
	return out
}

func (p *recordingPublisher) kinds(topic domain.Topic) []domain.EventKind {
	var out []domain.EventKind
	for _, e := range p.on(topic) {
		out = append(out, e.kind)
	}
	return out
}

// quiet discards the logs of tests.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type fakeBus struct{}

func (fakeBus) IsRunning() bool { return true }

type fakeCatalog struct{}

func (fakeCatalog) Plugins() []api.PluginInfo { return nil }
func (fakeCatalog) Validate(context.Context, string, json.RawMessage) error {
	return nil
}

// fixture is a store with a user, a Sonarr instance with webhook
// credentials and a queue.
type fixture struct {
	st       *store.Store
	instance domain.Instance
	queue    domain.Queue
	endpoint domain.WebhookEndpoint
}

func newFixture(t testing.TB, st *store.Store) fixture {
	t.Helper()
	ctx := context.Background()
	u, err := st.Users().Create(ctx, domain.User{Username: "hooks", PasswordHash: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	in, err := st.Instances().Create(ctx, domain.Instance{OwnerID: u.ID, Name: "sonarr", Kind: domain.KindSonarr,
		URL: "http://sonarr:8989", VerifyTLS: true, TimeoutSeconds: 30, RatePerSecond: 1, Burst: 1}, domain.Secret("key"))
	if err != nil {
		t.Fatal(err)
	}
	q, err := st.Queues().Create(ctx, domain.Queue{InstanceID: in.ID, Name: "missing", Strategy: "missing",
		IsActive: true, MaxItemsPerRun: 10, CooldownHours: 24})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := st.Instances().InitWebhookEndpoint(ctx, domain.WebhookEndpoint{InstanceID: in.ID,
		Token: domain.Secret(strings.Repeat("t", 43)), Username: "searcharr-abcd", Password: domain.Secret(strings.Repeat("p", 43))})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{st: st, instance: in, queue: q, endpoint: ep}
}

// serveReceiver serves the API with the receiver mounted on a loopback
// listener and returns its base URL.
func serveReceiver(t *testing.T, st *store.Store, pub *recordingPublisher, cfg ReceiverConfig) string {
	t.Helper()
	deps := apiwire.StoreDeps(st)
	deps.Publisher = pub
	deps.Bus = fakeBus{}
	deps.Plugins = fakeCatalog{}
	deps.Tester = apiwire.Tester(outbound.NewDialer(outbound.Policy{}, nil), nil)
	deps.Logger = quiet
	srv, err := api.New(deps, api.Config{SigningKey: []byte(strings.Repeat("s", 32)), Argon2: auth.Argon2Params{Memory: 1024, Iterations: 1}})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := NewReceiver(ReceiverDeps{Endpoints: st.Instances(), Deliveries: st.WebhookDeliveries(),
		Instances: st.Instances(), Publisher: pub, Logger: quiet}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.MountWebhookReceiver(rec.Handler)
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
	return "http://" + ln.Addr().String()
}
