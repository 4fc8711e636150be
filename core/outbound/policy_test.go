package outbound_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/vibequality/searcharr/core/outbound"
	"github.com/vibequality/searcharr/core/outbound/outboundtest"
)

func TestPolicyCheckURL(t *testing.T) {
	hosts := outboundtest.NewHosts()
	hosts.Set("sonarr.example", "203.0.113.10")
	hosts.Set("lan.test", "192.168.1.20")
	hosts.Set("meta.test", "169.254.169.254")
	cases := []struct {
		url          string
		open, closed bool // allowed by default, allowed with BlockPrivate
	}{
		{"http://sonarr.example:8989", true, true},
		{"http://unresolvable.test:8989", true, true}, // checked again when dialled
		{"https://203.0.113.10/sonarr", true, true},
		{"http://lan.test:8989", true, false},
		{"http://meta.test", false, false},
		{"http://192.168.1.20:8989", true, false},
		{"http://10.0.0.5:7878", true, false},
		{"http://127.0.0.1:8989", true, false},
		{"http://[::1]:8989", true, false},
		{"http://100.64.1.1", true, false},
		{"http://[fd12::1]", true, false},
		{"http://169.254.169.254/latest/meta-data/", false, false},
		{"http://169.254.10.10", false, false},
		{"http://[fe80::1%25eth0]:8989", false, false},
		{"http://[fd00:ec2::254]", false, false},
		{"http://100.100.100.200", false, false},
		{"http://metadata.google.internal/computeMetadata", false, false},
		{"http://METADATA.google.internal./computeMetadata", false, false},
		{"http://[::ffff:169.254.169.254]", false, false},
		{"http://0.0.0.0:8989", false, false},
		{"http://[ff02::1]", false, false},
		{"ftp://sonarr:21", false, false},
		{"file:///etc/passwd", false, false},
		{"http://user:pass@sonarr:8989", false, false},
		{"http://sonarr:8989/?apikey=x", false, false},
		{"sonarr:8989", false, false},
	}
	for _, c := range cases {
		if err := (outbound.Policy{}).CheckURL(context.Background(), hosts, c.url); (err == nil) != c.open {
			t.Errorf("default policy CheckURL(%q) = %v, want allowed=%v", c.url, err, c.open)
		}
		if err := (outbound.Policy{BlockPrivate: true}).CheckURL(context.Background(), hosts, c.url); (err == nil) != c.closed {
			t.Errorf("blocking policy CheckURL(%q) = %v, want allowed=%v", c.url, err, c.closed)
		}
	}
}

func TestPolicyReasons(t *testing.T) {
	cases := []struct {
		addr   string
		block  bool
		reason error
	}{
		{"169.254.169.254", false, outbound.ErrMetadata},
		{"fd00:ec2::254", false, outbound.ErrMetadata},
		{"::ffff:169.254.169.254", false, outbound.ErrMetadata},
		{"0.0.0.0", false, outbound.ErrForbidden},
		{"0.1.2.3", false, outbound.ErrForbidden},
		{"64:ff9b::a9fe:a9fe", false, outbound.ErrMetadata},   // NAT64 of 169.254.169.254
		{"64:ff9b:1::a9fe:a9fe", false, outbound.ErrMetadata}, // local-use NAT64
		{"64:ff9b::a00:1", true, outbound.ErrPrivate},         // NAT64 of 10.0.0.1
		{"64:ff9b::808:808", true, nil},                       // NAT64 of 8.8.8.8
		{"239.1.1.1", false, outbound.ErrForbidden},
		{"10.1.2.3", true, outbound.ErrPrivate},
		{"127.0.0.1", true, outbound.ErrPrivate},
		{"10.1.2.3", false, nil},
		{"8.8.8.8", true, nil},
	}
	for _, c := range cases {
		err := outbound.Policy{BlockPrivate: c.block}.CheckAddr(netip.MustParseAddr(c.addr))
		if !errors.Is(err, c.reason) || (c.reason != nil) != errors.Is(err, outbound.ErrBlocked) {
			t.Errorf("CheckAddr(%s, block=%v) = %v, want %v", c.addr, c.block, err, c.reason)
		}
	}
}
