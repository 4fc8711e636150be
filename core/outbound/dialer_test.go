package outbound_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/vibequality/searcharr/core/outbound"
	"github.com/vibequality/searcharr/core/outbound/outboundtest"
)

// server counts the requests that reach it.
func server(t *testing.T) (port string, hits *atomic.Int64) {
	t.Helper()
	hits = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u.Port(), hits
}

func get(c *http.Client, u string) error {
	res, err := c.Get(u)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return nil
}

// TestDialerRefusesRebinding: a name that resolved to an allowed address
// and is then made to resolve to the metadata service (or, when private
// addresses are blocked, to loopback) is refused when dialled, and the
// refusal says why.
func TestDialerRefusesRebinding(t *testing.T) {
	port, hits := server(t)
	hosts := outboundtest.NewHosts()
	hosts.Set("rebind.test", "127.0.0.1")
	d := outbound.NewDialer(outbound.Policy{}, hosts)
	c := &http.Client{Transport: d.Transport(outbound.TransportOptions{})}
	target := "http://rebind.test:" + port + "/"

	if err := get(c, target); err != nil || hits.Load() != 1 {
		t.Fatalf("allowed name not reached: %v, %d hits", err, hits.Load())
	}
	c.CloseIdleConnections()
	hosts.Set("rebind.test", "169.254.169.254")
	err := get(c, target)
	var refused *outbound.RefusedError
	if !errors.Is(err, outbound.ErrMetadata) || !errors.As(err, &refused) || refused.Host != "rebind.test" {
		t.Fatalf("rebound to metadata: err = %v, want a refusal naming rebind.test", err)
	}
	// One harmless answer beside a forbidden one does not get through.
	hosts.Set("rebind.test", "127.0.0.1", "169.254.169.254")
	if err := get(c, target); !errors.Is(err, outbound.ErrMetadata) {
		t.Fatalf("mixed answer: err = %v, want refused", err)
	}
	if hits.Load() != 1 {
		t.Fatalf("refused dials reached the server: %d hits", hits.Load())
	}

	// With private addresses blocked, loopback is refused too, by name and
	// as a literal.
	blocking := outbound.NewDialer(outbound.Policy{BlockPrivate: true}, hosts)
	bc := &http.Client{Transport: blocking.Transport(outbound.TransportOptions{})}
	hosts.Set("rebind.test", "127.0.0.1")
	for _, u := range []string{target, "http://127.0.0.1:" + port + "/", "http://[::ffff:127.0.0.1]:" + port + "/"} {
		if err := get(bc, u); !errors.Is(err, outbound.ErrPrivate) {
			t.Errorf("GET %s with private blocked: err = %v, want ErrPrivate", u, err)
		}
	}
	if hits.Load() != 1 {
		t.Fatalf("blocked dials reached the server: %d hits", hits.Load())
	}
}

func TestDialerLiteralAndUnresolvable(t *testing.T) {
	d := outbound.NewDialer(outbound.Policy{}, outboundtest.NewHosts())
	c := &http.Client{Transport: d.Transport(outbound.TransportOptions{})}
	for _, u := range []string{"http://169.254.169.254/latest/", "http://[fe80::1%25lo]:80/", "http://metadata.google.internal/", "http://0.0.0.0:80/"} {
		if err := get(c, u); !errors.Is(err, outbound.ErrBlocked) {
			t.Errorf("GET %s: err = %v, want refused", u, err)
		}
	}
	var dnsErr interface{ Temporary() bool }
	if err := get(c, "http://nowhere.test/"); err == nil || errors.Is(err, outbound.ErrBlocked) || !errors.As(err, &dnsErr) {
		t.Errorf("unresolvable name: err = %v, want a DNS error", err)
	}
}

// TestInstallDefault: clients that use net/http's default transport dial
// through the installed dialer.
func TestInstallDefault(t *testing.T) {
	port, hits := server(t)
	hosts := outboundtest.NewHosts()
	hosts.Set("lan.test", "127.0.0.1")
	hosts.Set("meta.test", "169.254.169.254")
	outbound.InstallDefault(outbound.NewDialer(outbound.Policy{}, hosts))
	if err := get(http.DefaultClient, "http://lan.test:"+port+"/"); err != nil || hits.Load() != 1 {
		t.Fatalf("default client through the installed dialer: %v, %d hits", err, hits.Load())
	}
	if err := get(&http.Client{}, "http://meta.test:"+port+"/"); !errors.Is(err, outbound.ErrMetadata) {
		t.Fatalf("a client without a transport reached a metadata name: %v", err)
	}
	outbound.InstallDefault(outbound.NewDialer(outbound.Policy{BlockPrivate: true}, hosts))
	if err := get(http.DefaultClient, "http://lan.test:"+port+"/"); !errors.Is(err, outbound.ErrPrivate) {
		t.Fatalf("swapped dialer not used: %v", err)
	}
	if outbound.Installed().Policy() != (outbound.Policy{BlockPrivate: true}) {
		t.Fatal("Installed does not return the last dialer")
	}
}
