package pluginhost

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/hashicorp/go-hclog"
)

func TestPluginLogLines(t *testing.T) {
	tests := []struct {
		name    string
		emit    func(l *pluginLog)
		level   string
		msg     string
		attrKey string
		attrVal string
	}{
		{"hclog entry", func(l *pluginLog) { l.hclog().Warn("disk slow", "ms", 12, "timestamp", "x") }, "WARN", "disk slow", "ms", "12"},
		{"go-plugin's plugin key", func(l *pluginLog) { l.hclog().Error("plugin process exited", "plugin", "/p/x") }, "ERROR", "plugin process exited", "plugin_path", "/p/x"},
		{"with", func(l *pluginLog) { l.hclog().With("a", "b").Info("hi") }, "INFO", "hi", "a", "b"},
		{"slog JSON line", func(l *pluginLog) { l.hclog().Debug(`{"time":"t","level":"WARN","msg":"careful","n":3}`) }, "WARN", "careful", "n", "3"},
		{"log package line", func(l *pluginLog) { l.hclog().Debug("2026/03/01 12:00:00 ERROR it broke k=v") }, "ERROR", "it broke k=v", "", ""},
		{"plain line", func(l *pluginLog) { l.hclog().Debug("just text") }, "DEBUG", "just text", "", ""},
		{"stderr writer", func(l *pluginLog) {
			w := l.writer("stderr")
			fmt.Fprint(w, "first li")
			fmt.Fprint(w, "ne\nsecond")
		}, "INFO", "first line", "stream", "stderr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &logBuffer{}
			l := newPluginLog(newLogger(logs), "file-name")
			l.setName("echo")
			tt.emit(l)
			recs := logs.records()
			if len(recs) != 1 {
				t.Fatalf("%d records, want 1: %v", len(recs), recs)
			}
			r := recs[0]
			if r["plugin"] != "echo" || r["level"] != tt.level || r["msg"] != tt.msg {
				t.Errorf("record = %v, want plugin=echo level=%s msg=%q", r, tt.level, tt.msg)
			}
			if _, ok := r["timestamp"]; ok {
				t.Error("hclog's timestamp was kept")
			}
			if tt.attrKey != "" && fmt.Sprint(r[tt.attrKey]) != tt.attrVal {
				t.Errorf("%s = %v, want %s", tt.attrKey, r[tt.attrKey], tt.attrVal)
			}
		})
	}
}

func TestHclogLevelFollowsHostLogger(t *testing.T) {
	logs := &logBuffer{}
	l := newPluginLog(slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})), "x")
	hl := l.hclog()
	if hl.GetLevel() != hclog.Warn || hl.IsInfo() || !hl.IsError() {
		t.Errorf("level = %s", hl.GetLevel())
	}
	hl.Info("dropped")
	if n := len(logs.records()); n != 0 {
		t.Errorf("%d records below the host level", n)
	}
}
