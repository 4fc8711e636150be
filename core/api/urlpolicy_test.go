package api

import (
	"context"
	"net/netip"
	"testing"
)

func TestURLPolicy(t *testing.T) {
	cases := []struct {
		url          string
		open, closed bool // allowed by default, allowed with BlockPrivate
	}{
		{"http://sonarr.example:8989", true, true},
		{"https://203.0.113.10/sonarr", true, true},
		{"http://192.168.1.20:8989", true, false},
		{"http://10.0.0.5:7878", true, false},
		{"http://127.0.0.1:8989", true, false},
		{"http://[::1]:8989", true, false},
		{"http://100.64.1.1", true, false},
		{"http://169.254.169.254/latest/meta-data/", false, false},
		{"http://169.254.10.10", false, false},
		{"http://[fe80::1%25eth0]:8989", false, false},
		{"http://[fd00:ec2::254]", false, false},
		{"http://100.100.100.200", false, false},
		{"http://metadata.google.internal/computeMetadata", false, false},
		{"http://[::ffff:169.254.169.254]", false, false},
		{"http://0.0.0.0:8989", false, false},
		{"ftp://sonarr:21", false, false},
		{"file:///etc/passwd", false, false},
		{"http://user:pass@sonarr:8989", false, false},
		{"http://sonarr:8989/?apikey=x", false, false},
		{"sonarr:8989", false, false},
	}
	for _, c := range cases {
		if err := (URLPolicy{}).CheckURL(context.Background(), c.url); (err == nil) != c.open {
			t.Errorf("default policy CheckURL(%q) = %v, want allowed=%v", c.url, err, c.open)
		}
		if err := (URLPolicy{BlockPrivate: true}).CheckURL(context.Background(), c.url); (err == nil) != c.closed {
			t.Errorf("blocking policy CheckURL(%q) = %v, want allowed=%v", c.url, err, c.closed)
		}
	}
	if err := (URLPolicy{}).DialControl("tcp", "169.254.169.254:80", nil); err == nil {
		t.Error("DialControl allowed the metadata address")
	}
	if err := (URLPolicy{}).DialControl("tcp", "192.168.1.2:80", nil); err != nil {
		t.Errorf("DialControl refused a LAN address by default: %v", err)
	}
	if err := (URLPolicy{}).CheckAddr(netip.MustParseAddr("8.8.8.8")); err != nil {
		t.Errorf("public address refused: %v", err)
	}
}

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
