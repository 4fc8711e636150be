package outbound

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// TransportOptions tune one HTTP transport built on the Dialer.
type TransportOptions struct {
	// InsecureSkipVerify accepts any TLS certificate (self-signed setups,
	// the user's choice).
	InsecureSkipVerify bool
	// TLSHandshakeTimeout bounds the handshake; 0 means 10 s.
	TLSHandshakeTimeout time.Duration
}

// Transport returns an HTTP transport whose every connection is made by d.
// Proxies from the environment are not used: a proxy would make the
// checked address the proxy's, not the destination's.
func (d *Dialer) Transport(o TransportOptions) *http.Transport {
	if o.TLSHandshakeTimeout <= 0 {
		o.TLSHandshakeTimeout = 10 * time.Second
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   o.TLSHandshakeTimeout,
		ExpectContinueTimeout: time.Second,
	}
	if o.InsecureSkipVerify {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the user's choice for self-signed setups
	}
	return tr
}

// errNotInstalled is what the default transport answers before
// InstallDefault.
var errNotInstalled = errors.New("outbound: no dialer installed for net/http's default transport")

var (
	installed   atomic.Pointer[Dialer]
	installOnce sync.Once
	// defaultTransport replaces http.DefaultTransport; it dials through
	// whichever Dialer was installed last.
	defaultTransport = &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
			d := installed.Load()
			if d == nil {
				return nil, &net.OpError{Op: "dial", Net: network, Err: errNotInstalled}
			}
			return d.DialContext(ctx, network, address)
		},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
)

// InstallDefault makes net/http's default transport (and so
// http.DefaultClient, http.Get and every client without a transport of its
// own) dial through d. Call it at start, before any request is made; a
// later call swaps the dialer and drops idle connections, which tests use.
func InstallDefault(d *Dialer) {
	installed.Store(d)
	installOnce.Do(func() { http.DefaultTransport = defaultTransport })
	defaultTransport.CloseIdleConnections()
}

// Installed returns the Dialer InstallDefault installed, or nil.
func Installed() *Dialer { return installed.Load() }
