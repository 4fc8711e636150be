package pluginhost

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/go-hclog"
)

// levelTrace is the slog level hclog's Trace maps to.
const levelTrace = slog.LevelDebug - 4

// pluginLog forwards everything a plugin process says, and what go-plugin
// says about it, to the host's slog logger with the attribute plugin=<name>.
// The name starts as the launch name (a built-in's name or the file name)
// and becomes the plugin's own name once its Info is known.
type pluginLog struct {
	base *slog.Logger
	name atomic.Pointer[string]
}

func newPluginLog(base *slog.Logger, name string) *pluginLog {
	l := &pluginLog{base: base}
	l.setName(name)
	return l
}

func (l *pluginLog) setName(name string) { l.name.Store(&name) }

func (l *pluginLog) log(level slog.Level, msg string, args ...any) {
	ctx := context.Background()
	if !l.base.Enabled(ctx, level) {
		return
	}
	l.base.Log(ctx, level, msg, append([]any{"plugin", *l.name.Load()}, args...)...)
}

// hclog returns an hclog.Logger for go-plugin's ClientConfig.Logger.
func (l *pluginLog) hclog() hclog.Logger { return &hclogAdapter{out: l} }

// writer returns a writer that logs each line written to it, for the
// plugin's stdout and stderr once go-plugin has taken them over.
func (l *pluginLog) writer(stream string) io.Writer {
	return &lineWriter{out: l, stream: stream}
}

// rawLine logs one line that was not hclog JSON. It recognises the two
// formats a Go plugin most likely prints with the standard library: slog's
// JSON handler and the log package's "2006/01/02 15:04:05 LEVEL msg".
func (l *pluginLog) rawLine(fallback slog.Level, line string, args ...any) {
	line = strings.TrimRight(line, "\r\n")
	if strings.TrimSpace(line) == "" {
		return
	}
	if strings.HasPrefix(line, "{") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			if msg, ok := m["msg"].(string); ok {
				level := fallback
				if s, ok := m["level"].(string); ok {
					level = parseLevel(s, fallback)
				}
				for _, k := range []string{"msg", "level", "time"} {
					delete(m, k)
				}
				for k, v := range m {
					args = append(args, k, v)
				}
				l.log(level, msg, args...)
				return
			}
		}
	}
	if len(line) > 20 && line[4] == '/' && line[7] == '/' && line[13] == ':' {
		word, rest, _ := strings.Cut(line[20:], " ")
		if level := parseLevel(word, slog.Level(-100)); level != slog.Level(-100) {
			l.log(level, rest, args...)
			return
		}
	}
	l.log(fallback, line, args...)
}

func parseLevel(s string, fallback slog.Level) slog.Level {
	switch strings.ToUpper(strings.Trim(s, "[]")) {
	case "TRACE":
		return levelTrace
	case "DEBUG":
		return slog.LevelDebug
	case "INFO":
		return slog.LevelInfo
	case "WARN", "WARNING":
		return slog.LevelWarn
	case "ERROR":
		return slog.LevelError
	}
	return fallback
}

// lineWriter splits what is written to it into lines and logs each one.
type lineWriter struct {
	out    *pluginLog
	stream string
	mu     sync.Mutex
	buf    []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.out.rawLine(slog.LevelInfo, string(w.buf[:i]), "stream", w.stream)
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) > 64<<10 {
		w.out.rawLine(slog.LevelInfo, string(w.buf), "stream", w.stream)
		w.buf = w.buf[:0]
	}
	return len(p), nil
}

// hclogAdapter is the hclog.Logger go-plugin writes to. Lines the plugin
// printed without hclog's JSON format arrive as Debug messages with no
// arguments; those are parsed again by rawLine.
type hclogAdapter struct {
	out  *pluginLog
	args []any
}

var _ hclog.Logger = (*hclogAdapter)(nil)

func hclogToSlog(level hclog.Level) slog.Level {
	switch level {
	case hclog.Trace:
		return levelTrace
	case hclog.Debug:
		return slog.LevelDebug
	case hclog.Warn:
		return slog.LevelWarn
	case hclog.Error:
		return slog.LevelError
	}
	return slog.LevelInfo
}

func (a *hclogAdapter) Log(level hclog.Level, msg string, args ...any) {
	if level == hclog.Debug && len(args) == 0 && len(a.args) == 0 {
		a.out.rawLine(slog.LevelDebug, msg)
		return
	}
	all := make([]any, 0, len(a.args)+len(args))
	all = append(all, a.args...)
	for i := 0; i+1 < len(args); i += 2 {
		k, _ := args[i].(string)
		switch k {
		case "timestamp":
			continue
		case "plugin":
			k = "plugin_path"
		}
		all = append(all, k, args[i+1])
	}
	a.out.log(hclogToSlog(level), msg, all...)
}

func (a *hclogAdapter) Trace(msg string, args ...any) { a.Log(hclog.Trace, msg, args...) }
func (a *hclogAdapter) Debug(msg string, args ...any) { a.Log(hclog.Debug, msg, args...) }
func (a *hclogAdapter) Info(msg string, args ...any)  { a.Log(hclog.Info, msg, args...) }
func (a *hclogAdapter) Warn(msg string, args ...any)  { a.Log(hclog.Warn, msg, args...) }
func (a *hclogAdapter) Error(msg string, args ...any) { a.Log(hclog.Error, msg, args...) }

func (a *hclogAdapter) enabled(level hclog.Level) bool {
	return a.out.base.Enabled(context.Background(), hclogToSlog(level))
}

func (a *hclogAdapter) IsTrace() bool { return a.enabled(hclog.Trace) }
func (a *hclogAdapter) IsDebug() bool { return a.enabled(hclog.Debug) }
func (a *hclogAdapter) IsInfo() bool  { return a.enabled(hclog.Info) }
func (a *hclogAdapter) IsWarn() bool  { return a.enabled(hclog.Warn) }
func (a *hclogAdapter) IsError() bool { return a.enabled(hclog.Error) }

func (a *hclogAdapter) ImpliedArgs() []any { return a.args }

func (a *hclogAdapter) With(args ...any) hclog.Logger {
	return &hclogAdapter{out: a.out, args: append(append([]any(nil), a.args...), args...)}
}

// Name, Named and ResetNamed ignore names: the plugin attribute already
// says whose line it is.
func (a *hclogAdapter) Name() string                   { return "" }
func (a *hclogAdapter) Named(string) hclog.Logger      { return a }
func (a *hclogAdapter) ResetNamed(string) hclog.Logger { return a }
func (a *hclogAdapter) SetLevel(hclog.Level)           {}
func (a *hclogAdapter) StandardWriter(*hclog.StandardLoggerOptions) io.Writer {
	return a.out.writer("log")
}

// GetLevel reports the lowest level the host logger records, so go-plugin
// does not parse lines that would be dropped anyway.
func (a *hclogAdapter) GetLevel() hclog.Level {
	for _, lv := range []hclog.Level{hclog.Trace, hclog.Debug, hclog.Info, hclog.Warn, hclog.Error} {
		if a.enabled(lv) {
			return lv
		}
	}
	return hclog.Off
}

func (a *hclogAdapter) StandardLogger(opts *hclog.StandardLoggerOptions) *log.Logger {
	return log.New(a.StandardWriter(opts), "", 0)
}
