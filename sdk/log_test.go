package sdk

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

func decodeLines(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		out = append(out, m)
	}
	return out
}

func TestLogLinesCarryTheTriggerID(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	t.Cleanup(func() { slog.SetDefault(prev) })
	slog.SetDefault(slog.New(NewLogHandler(&buf)))

	ctx := WithTriggerID(context.Background(), "trig-1")
	Logger(ctx).Info("from Logger", "n", 1)
	Logger(ctx).InfoContext(ctx, "from Logger with ctx")
	Logger(ctx).With("a", "b").Debug("debug is kept for the host to filter")
	slog.InfoContext(ctx, "from slog with ctx")
	slog.Info("no trigger")
	Logger(context.Background()).Info("no trigger either")

	lines := decodeLines(t, buf.Bytes())
	if len(lines) != 6 {
		t.Fatalf("%d lines: %v", len(lines), lines)
	}
	for i, l := range lines[:4] {
		if l[CorrelationKey] != "trig-1" {
			t.Errorf("line %d lacks the trigger id: %v", i, l)
		}
	}
	if n := bytes.Count(buf.Bytes(), []byte(`"correlation_id"`)); n != 4 {
		t.Errorf("the id appears %d times in 4 lines, want once per line: %s", n, buf.String())
	}
	for _, l := range lines[4:] {
		if _, ok := l[CorrelationKey]; ok {
			t.Errorf("line without a trigger has an id: %v", l)
		}
	}
}

func TestLoggerOverAForeignDefaultHandler(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	t.Cleanup(func() { slog.SetDefault(prev) })
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	Logger(WithTriggerID(context.Background(), "trig-2")).Info("hello")
	lines := decodeLines(t, buf.Bytes())
	if len(lines) != 1 || lines[0][CorrelationKey] != "trig-2" {
		t.Fatalf("lines = %v", lines)
	}
}
