package api

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// URLPolicy decides which addresses instance URLs may point at. Link-local
// addresses (which include the cloud metadata service at 169.254.169.254)
// and known metadata endpoints are always refused; loopback and private
// addresses, where Sonarr and Radarr usually live, are refused only when
// BlockPrivate is set.
type URLPolicy struct {
	BlockPrivate bool
}

// Errors URLPolicy returns; their text is shown to users.
var (
	errURLScheme    = errors.New("must be an http:// or https:// URL")
	errURLParts     = errors.New("must not contain credentials, a query or a fragment")
	errURLMetadata  = errors.New("points at a link-local or cloud metadata address, which is never allowed")
	errURLPrivate   = errors.New("points at a private or loopback address, which this server does not allow")
	errURLForbidden = errors.New("points at an address that cannot be an instance")
)

// metadataAddrs are cloud metadata endpoints outside the link-local ranges.
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("fd00:ec2::254"),   // AWS IPv6
	netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
	netip.MustParseAddr("192.0.0.192"),     // Oracle Cloud
}

// metadataHosts are metadata service names that resolve only inside clouds.
var metadataHosts = []string{"metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// CheckAddr reports whether an address may be dialled.
func (p URLPolicy) CheckAddr(a netip.Addr) error {
	a = a.Unmap()
	switch {
	case a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast():
		return errURLMetadata
	case a.IsUnspecified() || a.IsMulticast() || a.IsInterfaceLocalMulticast():
		return errURLForbidden
	}
	for _, m := range metadataAddrs {
		if a == m {
			return errURLMetadata
		}
	}
	if p.BlockPrivate && (a.IsLoopback() || a.IsPrivate() || cgnat.Contains(a)) {
		return errURLPrivate
	}
	return nil
}

// CheckURL checks an instance URL: scheme, no credentials, query or
// fragment, and every address its host resolves to. A host that does not
// resolve now is accepted (the dialer checks again at connection time).
func (p URLPolicy) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return errURLScheme
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return errURLParts
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	for _, m := range metadataHosts {
		if host == m {
			return errURLMetadata
		}
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return p.CheckAddr(a)
	}
	rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(rctx, "ip", host)
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

// DialControl is a net.Dialer Control function that refuses connections the
// policy forbids, so a host name that changes its address after the URL
// was checked (DNS rebinding) is still refused.
func (p URLPolicy) DialControl(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return errURLForbidden
	}
	return p.CheckAddr(ap.Addr())
}
