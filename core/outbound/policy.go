package outbound

import (
	"context"
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Policy decides which addresses may be dialled. The zero Policy refuses
// link-local, metadata, unspecified and multicast addresses and allows
// everything else.
type Policy struct {
	// BlockPrivate also refuses loopback, private (RFC 1918, fc00::/7) and
	// shared (100.64.0.0/10) addresses.
	BlockPrivate bool
}

// ErrBlocked matches every refusal of the policy (errors.Is), whichever its
// reason.
var ErrBlocked = errors.New("outbound: address refused by policy")

// The reasons of a refusal. Their text completes a sentence about a URL
// ("url points at …") and is shown to users.
var (
	ErrMetadata  = blocked("points at a link-local or cloud metadata address, which is never allowed")
	ErrPrivate   = blocked("points at a private or loopback address, which this server does not allow (SEARCHARR_BLOCK_PRIVATE_URLS)")
	ErrForbidden = blocked("points at an address that cannot be reached (unspecified or multicast)")
)

// Errors of CheckURL for a URL that is malformed rather than refused.
var (
	ErrScheme = errors.New("must be an http:// or https:// URL")
	ErrParts  = errors.New("must not contain credentials, a query or a fragment")
)

// reason is a refusal of the policy; it matches ErrBlocked.
type reason struct{ msg string }

func blocked(msg string) error         { return &reason{msg: msg} }
func (r *reason) Error() string        { return r.msg }
func (r *reason) Is(target error) bool { return target == ErrBlocked }

// metadataAddrs are cloud metadata endpoints outside the link-local ranges.
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("fd00:ec2::254"),   // AWS IPv6
	netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
	netip.MustParseAddr("192.0.0.192"),     // Oracle Cloud
}

// metadataHosts are metadata service names that resolve only inside
// clouds; they are refused before any lookup.
var metadataHosts = []string{"metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"}

var (
	sharedSpace = netip.MustParsePrefix("100.64.0.0/10")
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")
	// nat64 are the NAT64 prefixes (RFC 6052, RFC 8215): an address in
	// them reaches the IPv4 address in its last 32 bits (the local-use
	// prefix as it is deployed, with /96 networks).
	nat64 = []netip.Prefix{netip.MustParsePrefix("64:ff9b::/96"), netip.MustParsePrefix("64:ff9b:1::/48")}
)

// CheckAddr reports whether an address may be dialled; its error matches
// ErrBlocked. An IPv4 address embedded in an IPv4-mapped or NAT64 IPv6
// address is checked as itself.
func (p Policy) CheckAddr(a netip.Addr) error {
	a = a.Unmap()
	for _, pre := range nat64 {
		if pre.Contains(a) {
			b := a.As16()
			a = netip.AddrFrom4([4]byte(b[12:]))
			break
		}
	}
	switch {
	case !a.IsValid():
		return ErrForbidden
	case thisNetwork.Contains(a):
		return ErrForbidden
	case a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast():
		return ErrMetadata
	case a.IsUnspecified() || a.IsMulticast() || a.IsInterfaceLocalMulticast():
		return ErrForbidden
	}
	for _, m := range metadataAddrs {
		if a.WithZone("") == m {
			return ErrMetadata
		}
	}
	if p.BlockPrivate && (a.IsLoopback() || a.IsPrivate() || sharedSpace.Contains(a)) {
		return ErrPrivate
	}
	return nil
}

// CheckHost checks a host as written in a URL, without resolving it: a
// metadata service name or a refused literal address. A name passes; the
// Dialer checks what it resolves to.
func (p Policy) CheckHost(host string) error {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	for _, m := range metadataHosts {
		if host == m {
			return ErrMetadata
		}
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return p.CheckAddr(a)
	}
	return nil
}

// CheckURL checks a URL when it is saved: http or https, no credentials,
// query or fragment, and the host and every address it resolves to now
// through r (nil: the system resolver). A host that does not resolve now is
// accepted; the Dialer checks again when it connects.
func (p Policy) CheckURL(ctx context.Context, r Resolver, raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return ErrScheme
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return ErrParts
	}
	host := u.Hostname()
	if err := p.CheckHost(host); err != nil {
		return err
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return nil
	}
	if r == nil {
		r = systemResolver
	}
	rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	addrs, err := r.LookupNetIP(rctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if err := p.CheckAddr(a); err != nil {
			return err
		}
	}
	return nil
}
