package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRunPrintsInstancesAndServes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--sonarr", "2", "--radarr", "1", "--episodes", "300", "--movies", "50", "--missing-ratio", "0.3", "--seed", "1", "--log-level", "error"}, pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	type line struct{ Kind, Name, URL, APIKey string }
	var lines []line
	for len(lines) < 3 && sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	if len(lines) != 3 || lines[0].Name != "sonarr" || lines[1].Name != "sonarr2" || lines[2].Kind != "radarr" {
		t.Fatalf("lines %+v", lines)
	}
	if strings.HasSuffix(strings.TrimSuffix(lines[0].URL, "/sonarr"), ":0") {
		t.Fatalf("printed port 0: %s", lines[0].URL)
	}
	req, _ := http.NewRequest(http.MethodGet, lines[2].URL+"/api/v3/wanted/missing?pageSize=1", nil)
	req.Header.Set("X-Api-Key", lines[2].APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop")
	}
}

func TestParseRejectsNoInstances(t *testing.T) {
	if _, err := parse([]string{"--sonarr", "0", "--radarr", "0"}, io.Discard); err == nil {
		t.Fatal("want an error")
	}
	if err := run(context.Background(), []string{"--webhook-method", "GET", "--listen", "127.0.0.1:0"}, io.Discard, io.Discard); err == nil {
		t.Fatal("bad webhook method accepted")
	}
}
