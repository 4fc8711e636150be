package config

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/domain"
)

func TestLoggerAddsTheCorrelationIDOfTheContext(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			c := Default()
			c.LogFormat = format
			log := c.NewLogger(&buf).With("component", "engine")
			ctx := domain.WithCorrelationID(context.Background(), "abc-123")
			log.InfoContext(ctx, "run started", "run_id", 7)
			log.InfoContext(context.Background(), "no trigger")
			log.Info("plain")
			lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
			if len(lines) != 3 {
				t.Fatalf("%d lines, want 3: %q", len(lines), buf.String())
			}
			if !strings.Contains(lines[0], "abc-123") || !strings.Contains(lines[0], "correlation_id") {
				t.Errorf("line with a correlated context lacks the id: %s", lines[0])
			}
			for _, l := range lines[1:] {
				if strings.Contains(l, "correlation_id") {
					t.Errorf("line without a correlated context has one: %s", l)
				}
			}
			if format == "json" {
				var m map[string]any
				if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
					t.Fatal(err)
				}
				if m["correlation_id"] != "abc-123" || m["component"] != "engine" || m["run_id"] != float64(7) {
					t.Errorf("record = %v", m)
				}
			}
		})
	}
}

func TestCorrelationHandlerKeepsGroupsAndLevel(t *testing.T) {
	var buf bytes.Buffer
	c := Default()
	c.LogFormat, c.LogLevel = "json", "warn"
	log := c.NewLogger(&buf)
	ctx := domain.WithCorrelationID(context.Background(), "x1")
	log.InfoContext(ctx, "dropped")
	log.WithGroup("g").WarnContext(ctx, "kept", "a", 1)
	var m map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(buf.Bytes()), &m); err != nil {
		t.Fatalf("want exactly one JSON line: %v: %q", err, buf.String())
	}
	g, _ := m["g"].(map[string]any)
	if g["correlation_id"] != "x1" || g["a"] != float64(1) {
		t.Errorf("record = %v", m)
	}
}
