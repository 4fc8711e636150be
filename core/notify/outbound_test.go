package notify_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/notify"
	"github.com/vibequality/searcharr/core/outbound"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// countingListener counts the connections a server accepts, TLS or not,
// answered or not.
type countingListener struct {
	net.Listener
	n atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// rebindTarget is a local server reached through the name rebind.test.
func rebindTarget(t *testing.T) (port string, conns *countingListener) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns = &countingListener{Listener: ln}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		// Every request dials anew: a kept-alive connection goes to the
		// address checked when it was made, and would hide the check.
		w.Header().Set("Connection", "close")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"code":200,"message":"success"}`))
	}))
	srv.Listener = conns
	srv.Start()
	t.Cleanup(srv.Close)
	_, port, _ = net.SplitHostPort(ln.Addr().String())
	return port, conns
}

// rebindSinks creates one sink of every kind and routing path, all on
// rebind.test: a webhook, shoutrrr's generic (http.DefaultClient), bark
// (its JSON client over the default transport) and ntfy (a client of
// ours, set on the service).
func rebindSinks(t *testing.T, f *fixture, port string) []domain.NotificationSink {
	t.Helper()
	host := "rebind.test:" + port
	ev := []domain.EventKind{domain.EventInstanceUnhealthy}
	return []domain.NotificationSink{
		f.sink(t, domain.NotificationSinkInput{Name: "webhook", URL: domain.Secret("http://" + host + "/hook"), Secret: "0123456789abcdef0123", Events: ev}),
		f.sink(t, domain.NotificationSinkInput{Name: "generic", URL: domain.Secret("generic://" + host + "/generic?disabletls=yes"), Events: ev}),
		f.sink(t, domain.NotificationSinkInput{Name: "bark", URL: domain.Secret("bark://:devicekey@" + host + "/?scheme=http"), Events: ev}),
		f.sink(t, domain.NotificationSinkInput{Name: "ntfy", URL: domain.Secret("ntfy://" + host + "/searcharr?scheme=http"), Events: ev}),
	}
}

// TestSinksRefuseRebindingAtDialTime: every sink kind reaches a name while
// it resolves to an allowed address, and is refused, without a connection
// being made, once the name resolves to the metadata service.
func TestSinksRefuseRebindingAtDialTime(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	f := newFixture(t, st, fastConfig())
	port, conns := rebindTarget(t)
	testHosts.Set("rebind.test", "127.0.0.1")
	sinks := rebindSinks(t, f, port)
	ctx := context.Background()

	for _, s := range sinks {
		before := conns.n.Load()
		if _, err := f.n.Test(ctx, s.ID); err != nil {
			t.Errorf("%s before rebinding: %v", s.Name, err)
		}
		if conns.n.Load() == before {
			t.Errorf("%s before rebinding made no connection", s.Name)
		}
	}

	testHosts.Set("rebind.test", "169.254.169.254")
	before := conns.n.Load()
	for _, s := range sinks {
		_, err := f.n.Test(ctx, s.ID)
		if err == nil || !strings.Contains(err.Error(), "link-local or cloud metadata") {
			t.Errorf("%s after rebinding to the metadata address: err = %v, want a refusal", s.Name, err)
		}
		if got := f.get(t, s.ID); got.LastError == "" {
			t.Errorf("%s: refusal not recorded on the sink", s.Name)
		}
	}
	if conns.n.Load() != before {
		t.Fatalf("refused sinks made %d connections", conns.n.Load()-before)
	}
}

// TestSinksRefusePrivateWhenBlocked: with private addresses blocked, a
// name resolving to loopback is refused for every sink kind.
func TestSinksRefusePrivateWhenBlocked(t *testing.T) {
	blocking := outbound.NewDialer(outbound.Policy{BlockPrivate: true}, testHosts)
	outbound.InstallDefault(blocking)
	t.Cleanup(func() { outbound.InstallDefault(outbound.NewDialer(outbound.Policy{}, testHosts)) })

	st := storetest.Open(t, store.DialectSQLite)
	f := newFixture(t, st, fastConfig())
	port, conns := rebindTarget(t)
	testHosts.Set("rebind.test", "127.0.0.1")
	for _, s := range rebindSinks(t, f, port) {
		_, err := f.n.Test(context.Background(), s.ID)
		if err == nil || !strings.Contains(err.Error(), "private or loopback") {
			t.Errorf("%s on loopback with private blocked: err = %v, want a refusal", s.Name, err)
		}
	}
	if conns.n.Load() != 0 {
		t.Fatalf("blocked sinks made %d connections", conns.n.Load())
	}
	// A literal private address is refused when saved.
	_, err := f.n.Create(context.Background(), f.user.ID, domain.NotificationSinkInput{Name: "lan",
		URL: domain.Secret("http://127.0.0.1:" + port + "/"), Secret: "0123456789abcdef0123", Events: []domain.EventKind{domain.EventInstanceUnhealthy}})
	var fe *notify.FieldError
	if !errors.As(err, &fe) || fe.Field != "url" {
		t.Fatalf("literal loopback sink with private blocked: %v, want a url field error", err)
	}
}

// TestUnroutableServicesRefused: services that make their own connections
// (gotify, mattermost, smtp) are refused when saved, naming the url, and a
// stored one fails its delivery without connecting.
func TestUnroutableServicesRefused(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	f := newFixture(t, st, fastConfig())
	port, conns := rebindTarget(t)
	for _, u := range []string{
		"gotify://127.0.0.1:" + port + "/Aaa.bbb.ccc.ddd?disabletls=yes",
		"mattermost://127.0.0.1:" + port + "/token?disabletls=yes",
		"smtp://user:pass@127.0.0.1:" + port + "/?from=a@b.test&to=c@d.test",
	} {
		_, err := f.n.Create(context.Background(), f.user.ID, domain.NotificationSinkInput{Name: "x", URL: domain.Secret(u),
			Events: []domain.EventKind{domain.EventInstanceUnhealthy}})
		var fe *notify.FieldError
		if !errors.As(err, &fe) || fe.Field != "url" || !strings.Contains(fe.Message, "address policy") {
			t.Errorf("%s: err = %v, want a url field error naming the address policy", strings.SplitN(u, ":", 2)[0], err)
		}
	}
	stored, err := st.NotificationSinks().Create(context.Background(),
		domain.NotificationSink{OwnerID: f.user.ID, Name: "old gotify", Kind: domain.SinkShoutrrr, Service: "gotify", Enabled: true,
			Events: []domain.EventKind{domain.EventInstanceUnhealthy}},
		domain.NotificationTarget{URL: domain.Secret("gotify://127.0.0.1:" + port + "/Aaa.bbb.ccc.ddd?disabletls=yes")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.n.Test(context.Background(), stored.ID); err == nil || !strings.Contains(err.Error(), "address policy") {
		t.Fatalf("stored gotify sink: err = %v, want refused", err)
	}
	if conns.n.Load() != 0 {
		t.Fatalf("unroutable services made %d connections", conns.n.Load())
	}
}
