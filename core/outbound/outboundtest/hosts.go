// Package outboundtest stands in for DNS in tests of code that dials
// through an outbound.Dialer: names resolve to what the test says, and can
// be changed between calls to play a rebinding attack.
package outboundtest

import (
	"context"
	"net"
	"net/netip"
	"sync"
)

// Hosts is a resolver over a table of names. Unknown names do not resolve.
// It is safe for concurrent use.
type Hosts struct {
	mu      sync.Mutex
	table   map[string][]netip.Addr
	later   map[string][]netip.Addr
	lookups map[string]int
}

// NewHosts returns an empty table.
func NewHosts() *Hosts {
	return &Hosts{table: map[string][]netip.Addr{}, later: map[string][]netip.Addr{}, lookups: map[string]int{}}
}

// Set makes name resolve to addrs (literal addresses), replacing what it
// resolved to before.
func (h *Hosts) Set(name string, addrs ...string) {
	list := make([]netip.Addr, len(addrs))
	for i, a := range addrs {
		list[i] = netip.MustParseAddr(a)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.table[name] = list
	delete(h.later, name)
}

// Rebind makes name resolve to first on its next lookup and to then on
// every lookup after it, as a rebinding DNS server with a zero TTL does:
// the check when a URL is saved or tested sees first, the dial sees then.
func (h *Hosts) Rebind(name, first, then string) {
	h.Set(name, first)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.later[name] = []netip.Addr{netip.MustParseAddr(then)}
}

// Lookups is how often name was resolved.
func (h *Hosts) Lookups(name string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lookups[name]
}

// LookupNetIP implements outbound.Resolver.
func (h *Hosts) LookupNetIP(_ context.Context, network, host string) ([]netip.Addr, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lookups[host]++
	answer := h.table[host]
	if later, ok := h.later[host]; ok {
		h.table[host] = later
		delete(h.later, host)
	}
	var out []netip.Addr
	for _, a := range answer {
		if network == "ip" || (network == "ip4") == a.Unmap().Is4() {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return out, nil
}
