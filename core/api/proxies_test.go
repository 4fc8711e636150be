package api

import (
	"net/netip"
	"testing"
)

func TestClientIPFromTrustedProxies(t *testing.T) {
	proxies, err := parsePrefixes([]string{"10.0.0.0/8", "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{proxies: proxies}
	if !s.trusted(netip.MustParseAddr("10.1.2.3")) || s.trusted(netip.MustParseAddr("192.0.2.2")) {
		t.Fatal("trusted() misreads the prefixes")
	}
	if _, err := parsePrefixes([]string{"not-an-ip"}); err == nil {
		t.Fatal("bad proxy accepted")
	}
}
