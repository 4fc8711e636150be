package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// healthcheck is "searcharr healthcheck": it asks the server running on
// this host for /health and succeeds when it answers 200 (healthy or
// degraded). A container image has no curl; its HEALTHCHECK runs this.
// The address comes from the same --listen / SEARCHARR_LISTEN the server
// reads, and the path from the base URL's path, so a server moved to
// another port or under /searcharr/ is still found.
func healthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	env := func(name, def string) string {
		if v := os.Getenv("SEARCHARR_" + name); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", env("LISTEN", ":7337"), "listen address of the server to check")
	baseURL := fs.String("base-url", env("BASE_URL", ""), "public URL of the server (only its path is used)")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("healthcheck: unexpected argument %q", fs.Arg(0))
	}
	target, err := healthURL(*listen, *baseURL)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	// The check never goes through a proxy set in the environment.
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", target, resp.Status)
	}
	fmt.Fprintln(stdout, "healthy")
	return nil
}

// healthURL is the /health URL of a server listening on listen, under the
// path of baseURL. A wildcard or empty host is reached on loopback.
func healthURL(listen, baseURL string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("healthcheck: listen %q: %w", listen, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	prefix := ""
	if baseURL != "" {
		u, err := url.Parse(strings.TrimSpace(baseURL))
		if err != nil {
			return "", fmt.Errorf("healthcheck: base-url %q: %w", baseURL, err)
		}
		prefix = strings.TrimRight(u.Path, "/")
	}
	return (&url.URL{Scheme: "http", Host: net.JoinHostPort(host, port), Path: prefix + "/health"}).String(), nil
}
