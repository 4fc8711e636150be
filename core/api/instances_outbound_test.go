package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/api/apiwire"
	"github.com/vibequality/searcharr/core/arr/fakearr"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/outbound"
	"github.com/vibequality/searcharr/core/outbound/outboundtest"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// withDialer makes the harness check and test URLs through a dialer with
// policy p resolving names in hosts.
func withDialer(p outbound.Policy, hosts *outboundtest.Hosts) func(*api.Config, *api.Deps) {
	return func(_ *api.Config, d *api.Deps) {
		dialer := outbound.NewDialer(p, hosts)
		d.Tester = apiwire.Tester(dialer, nil)
		d.URLs = dialer
	}
}

// countingListener counts accepted connections, whatever is said on them.
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

// serveCounting serves h on loopback, counting connections; it returns the
// port.
func serveCounting(t *testing.T, h http.Handler) (string, *countingListener) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: ln}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = cl
	srv.Start()
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port, cl
}

func simulator(t *testing.T) http.Handler {
	t.Helper()
	sim, err := fakearr.New(fakearr.Config{Instances: []fakearr.InstanceConfig{{Kind: domain.KindSonarr, Name: "sonarr", APIKey: "sonarr-key-0001"}}})
	if err != nil {
		t.Fatal(err)
	}
	return sim
}

// TestConnectionTestRefusesRebinding: a saved instance whose name passes
// the check and then resolves to the metadata service (a rebinding DNS
// server with a zero TTL) is refused when the tester dials, and no
// connection is made.
func TestConnectionTestRefusesRebinding(t *testing.T) {
	port, conns := serveCounting(t, simulator(t))
	hosts := outboundtest.NewHosts()
	hosts.Set("rebind.test", "127.0.0.1")
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st, withDialer(outbound.Policy{}, hosts))
	a := bearer(h.register("alice", cred{}).AccessToken)
	body := instanceBody("Sonarr", "sonarr-key-0001")
	body["url"] = "http://rebind.test:" + port + "/sonarr"
	var inst struct{ ID int64 }
	h.must(http.StatusCreated, "POST", "/api/instances", body, a).json(t, &inst)
	test := fmt.Sprintf("/api/instances/%d/test", inst.ID)
	h.must(http.StatusOK, "POST", test, nil, a)
	if conns.n.Load() == 0 {
		t.Fatal("the test before rebinding made no connection")
	}

	before, lookups := conns.n.Load(), hosts.Lookups("rebind.test")
	hosts.Rebind("rebind.test", "127.0.0.1", "169.254.169.254")
	r := h.must(http.StatusUnprocessableEntity, "POST", test, nil, a)
	if !strings.Contains(string(r.Body), `"location":"body.url"`) || !strings.Contains(string(r.Body), "link-local or cloud metadata") {
		t.Fatalf("rebound test = %s, want 422 naming url and the metadata address", r)
	}
	if got := hosts.Lookups("rebind.test") - lookups; got != 2 {
		t.Fatalf("rebind.test resolved %d times, want 2 (the URL check, then the dial)", got)
	}
	// The same through the unsaved-settings test.
	hosts.Rebind("rebind.test", "127.0.0.1", "169.254.169.254")
	r = h.must(http.StatusUnprocessableEntity, "POST", "/api/instances/test",
		map[string]any{"kind": "sonarr", "url": body["url"], "api_key": "sonarr-key-0001"}, a)
	if !strings.Contains(string(r.Body), "link-local or cloud metadata") {
		t.Fatalf("rebound settings test = %s", r)
	}
	if conns.n.Load() != before {
		t.Fatalf("refused tests made %d connections", conns.n.Load()-before)
	}
}

// TestConnectionTestBlocksPrivateWhenAsked: with private addresses
// blocked, a name resolving to loopback is refused, at save and at dial.
func TestConnectionTestBlocksPrivateWhenAsked(t *testing.T) {
	port, conns := serveCounting(t, simulator(t))
	hosts := outboundtest.NewHosts()
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st, withDialer(outbound.Policy{BlockPrivate: true}, hosts))
	a := bearer(h.register("alice", cred{}).AccessToken)
	hosts.Set("lan.test", "127.0.0.1")
	body := instanceBody("Sonarr", "sonarr-key-0001")
	body["url"] = "http://lan.test:" + port + "/sonarr"
	r := h.must(http.StatusUnprocessableEntity, "POST", "/api/instances", body, a)
	if !strings.Contains(string(r.Body), "private or loopback") {
		t.Fatalf("create on loopback with private blocked = %s", r)
	}
	hosts.Rebind("lan.test", "203.0.113.9", "127.0.0.1")
	r = h.must(http.StatusUnprocessableEntity, "POST", "/api/instances/test",
		map[string]any{"kind": "sonarr", "url": body["url"], "api_key": "sonarr-key-0001"}, a)
	if !strings.Contains(string(r.Body), "private or loopback") {
		t.Fatalf("test rebound to loopback with private blocked = %s", r)
	}
	if conns.n.Load() != 0 {
		t.Fatalf("blocked tests made %d connections", conns.n.Load())
	}
}

// testDetail runs a settings test and returns its status and the message
// of its one error detail.
func testDetail(t *testing.T, h *harness, c cred, url string, timeout int) (int, string, string) {
	t.Helper()
	body := map[string]any{"kind": "sonarr", "url": url, "api_key": "sonarr-key-0001"}
	if timeout > 0 {
		body["timeout_seconds"] = timeout
	}
	r := h.do("POST", "/api/instances/test", body, c)
	var p struct {
		Detail string
		Errors []struct{ Location, Message string }
	}
	_ = json.Unmarshal(r.Body, &p)
	if len(p.Errors) == 1 {
		return r.Status, p.Errors[0].Location, p.Errors[0].Message
	}
	return r.Status, "", p.Detail
}

// TestConnectionTestErrorsNameTheFailureAndQuoteNothing: each failure
// gets a class the user can act on, nothing the other end sent is echoed,
// and a closed port reads exactly like an open port speaking something
// other than HTTP.
func TestConnectionTestErrorsNameTheFailureAndQuoteNothing(t *testing.T) {
	hosts := outboundtest.NewHosts()
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st, withDialer(outbound.Policy{}, hosts))
	a := bearer(h.register("alice", cred{}).AccessToken)

	// A closed port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	// An open port with a banner that is not HTTP.
	banner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { banner.Close() })
	go func() {
		for {
			c, err := banner.Accept()
			if err != nil {
				return
			}
			_, _ = io.WriteString(c, "SSH-2.0-SECRETBANNER\r\n")
			c.Close()
		}
	}()
	// An open port that never answers.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan net.Conn, 8)
	t.Cleanup(func() {
		silent.Close()
		close(held)
		for c := range held {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			held <- c
		}
	}()
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/json"):
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"message":"SECRETJSON from the internal service"}`)
		case strings.HasPrefix(r.URL.Path, "/other"):
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"appName":"SECRETAPP","version":"1"}`)
		case strings.HasPrefix(r.URL.Path, "/redirect"):
			http.Redirect(w, r, "http://10.0.0.1/SECRETLOCATION", http.StatusFound)
		default:
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, "SECRETPAGE: stack trace of the internal service")
		}
	}))
	t.Cleanup(page.Close)
	tlsSrv := httptest.NewTLSServer(simulator(t))
	t.Cleanup(tlsSrv.Close)

	_, loc, closedMsg := testDetail(t, h, a, "http://"+closed, 0)
	if loc != "body.url" || !strings.Contains(closedMsg, "no HTTP answer") {
		t.Errorf("closed port: %s %q", loc, closedMsg)
	}
	if _, _, msg := testDetail(t, h, a, "http://"+banner.Addr().String(), 0); msg != closedMsg {
		t.Errorf("an open non-HTTP port reads differently from a closed one:\n%q\n%q", msg, closedMsg)
	}
	cases := []struct {
		name, url string
		status    int
		loc, want string
	}{
		{"text 500", page.URL + "/sonarr", 422, "body.url", "HTTP 500"},
		{"json 500", page.URL + "/json", 422, "body.url", "HTTP 500"},
		{"another app", page.URL + "/other", 422, "body.kind", "not as Sonarr"},
		{"redirect", page.URL + "/redirect", 422, "body.url", "redirect"},
		{"dns", "http://nowhere.test:8989", 422, "body.url", "does not resolve"},
		{"tls", tlsSrv.URL + "/sonarr", 422, "body.url", "certificate is not trusted"},
		{"metadata", "http://169.254.169.254", 422, "body.url", "link-local or cloud metadata"},
	}
	msgs := []string{closedMsg}
	for _, c := range cases {
		status, loc, msg := testDetail(t, h, a, c.url, 0)
		if status != c.status || loc != c.loc || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %d %s %q, want %d %s containing %q", c.name, status, loc, msg, c.status, c.loc, c.want)
		}
		msgs = append(msgs, msg)
	}
	status, _, msg := testDetail(t, h, a, "http://"+silent.Addr().String(), 1)
	if status != http.StatusGatewayTimeout || !strings.Contains(msg, "did not answer") {
		t.Errorf("silent port: %d %q, want 504", status, msg)
	}
	msgs = append(msgs, msg)
	for _, s := range []string{"SECRETBANNER", "SECRETPAGE", "SECRETJSON", "SECRETAPP", "SECRETLOCATION", "10.0.0.1"} {
		for _, m := range msgs {
			if strings.Contains(m, s) {
				t.Errorf("an answer quotes %s: %q", s, m)
			}
		}
	}
}
