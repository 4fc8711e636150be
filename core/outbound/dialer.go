package outbound

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// Resolver looks up a host's addresses. *net.Resolver implements it; tests
// pass their own to stand in for DNS.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

var systemResolver Resolver = net.DefaultResolver

// DefaultDialTimeout bounds one connection attempt when the caller's
// context allows longer.
const DefaultDialTimeout = 30 * time.Second

// RefusedError is the error of a connection the policy refused. It names
// the host as written, never the address it resolved to, and matches
// ErrBlocked and its reason (ErrMetadata, ErrPrivate, ErrForbidden).
type RefusedError struct {
	Host   string
	Reason error
}

func (e *RefusedError) Error() string { return "outbound: " + e.Host + " " + e.Reason.Error() }
func (e *RefusedError) Unwrap() error { return e.Reason }

// Dialer makes the connections of every outbound call: it resolves a name
// itself, checks every address against the policy and connects only to an
// address it checked. It is safe for concurrent use.
type Dialer struct {
	policy   Policy
	resolver Resolver
	net      net.Dialer
}

// NewDialer returns a Dialer enforcing p, resolving names with r (nil: the
// system resolver).
func NewDialer(p Policy, r Resolver) *Dialer {
	if r == nil {
		r = systemResolver
	}
	d := &Dialer{policy: p, resolver: r}
	d.net = net.Dialer{Timeout: DefaultDialTimeout, KeepAlive: 30 * time.Second, Control: d.control}
	return d
}

// Policy is the policy the Dialer enforces.
func (d *Dialer) Policy() Policy { return d.policy }

// CheckURL checks a URL being saved, resolving it with the Dialer's
// resolver; see Policy.CheckURL.
func (d *Dialer) CheckURL(ctx context.Context, raw string) error {
	return d.policy.CheckURL(ctx, d.resolver, raw)
}

// DialContext connects to address ("host:port") over TCP. A name is
// resolved once; if any of its addresses is refused the dial is refused
// (a rebinding server may mix a harmless answer with a forbidden one), and
// otherwise the checked addresses are tried in order.
func (d *Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	lookup, ok := map[string]string{"tcp": "ip", "tcp4": "ip4", "tcp6": "ip6"}[network]
	if !ok {
		return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("outbound: only TCP connections are made")}
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	if err := d.policy.CheckHost(host); err != nil {
		return nil, &RefusedError{Host: host, Reason: err}
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		addrs, err = d.resolver.LookupNetIP(ctx, lookup, host)
		if err != nil {
			return nil, &net.OpError{Op: "dial", Net: network, Err: err}
		}
		if len(addrs) == 0 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}}
		}
	}
	for _, a := range addrs {
		if err := d.policy.CheckAddr(a); err != nil {
			return nil, &RefusedError{Host: host, Reason: err}
		}
	}
	var firstErr error
	for _, a := range addrs {
		conn, err := d.net.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return conn, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

// control checks the address the socket is about to connect to, the last
// word before any packet leaves.
func (d *Dialer) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &RefusedError{Host: address, Reason: ErrForbidden}
	}
	if err := d.policy.CheckAddr(ap.Addr()); err != nil {
		return &RefusedError{Host: ap.Addr().String(), Reason: err}
	}
	return nil
}
