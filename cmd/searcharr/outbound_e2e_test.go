package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// call sends an authenticated JSON request and returns the status and body.
func (c *client) call(method, path string, body any) (int, string) {
	c.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// TestBlockPrivateURLsEndToEnd: with SEARCHARR_BLOCK_PRIVATE_URLS the
// server refuses loopback instance and sink URLs when they are saved, and
// a shoutrrr sink whose name resolves to loopback (localhost) is refused
// when it dials, so net/http's default transport in the serving process
// goes through the checked dialer.
func TestBlockPrivateURLsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	var hits atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	t.Cleanup(target.Close)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(target.URL, "http://"))

	s := launch(t, launchOptions{Register: true, Env: []string{"SEARCHARR_BLOCK_PRIVATE_URLS=true"}})
	instance := map[string]any{"name": "Sonarr", "kind": "sonarr", "url": target.URL, "api_key": "sonarr-key-0001"}
	for _, c := range []struct {
		path string
		body any
	}{
		{"/api/instances", instance},
		{"/api/instances/test", map[string]any{"kind": "sonarr", "url": "http://localhost:" + port, "api_key": "sonarr-key-0001"}},
		{"/api/notifications", map[string]any{"name": "hook", "url": target.URL + "/hook", "secret": "0123456789abcdef0123", "events": []string{"run_failed"}}},
	} {
		status, body := s.api.call("POST", c.path, c.body)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `"body.url"`) || !strings.Contains(body, "private or loopback") {
			t.Errorf("POST %s with private blocked = %d %s, want 422 naming url", c.path, status, body)
		}
	}
	status, body := s.api.call("POST", "/api/notifications", map[string]any{"name": "generic",
		"url": "generic://localhost:" + port + "/generic?disabletls=yes", "events": []string{"run_failed"}})
	if status != http.StatusCreated {
		t.Fatalf("create a sink on a host name = %d %s", status, body)
	}
	var sink struct{ ID int64 }
	_ = json.Unmarshal([]byte(body), &sink)
	status, body = s.api.call("POST", fmt.Sprintf("/api/notifications/%d/test", sink.ID), nil)
	if status != http.StatusOK || !strings.Contains(body, `"delivered":false`) || !strings.Contains(body, "private or loopback") {
		t.Errorf("test of a sink resolving to loopback = %d %s, want refused", status, body)
	}
	if hits.Load() != 0 {
		t.Fatalf("the loopback server was reached %d times", hits.Load())
	}
}
