package sdk

import (
	"context"
	"io"
	"log/slog"
	"os"
)

// CorrelationKey is the log attribute that carries the id of the trigger a
// line was logged for. The host logs the same id under the same key on
// every line the trigger caused, so a plugin's lines sit with the host's.
const CorrelationKey = "correlation_id"

type triggerIDKey struct{}

// WithTriggerID returns ctx carrying a trigger id, as Plan's context
// carries Trigger.ID. Tests of a strategy may use it to check their logs.
func WithTriggerID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, triggerIDKey{}, id)
}

// TriggerID returns the id of the trigger ctx was created for (Plan's
// context carries it), or "".
func TriggerID(ctx context.Context) string {
	id, _ := ctx.Value(triggerIDKey{}).(string)
	return id
}

// Logger returns a logger whose lines carry the id of the trigger ctx was
// created for, under CorrelationKey. Use it in Plan:
//
//	func (s *strategy) Plan(ctx context.Context, req sdk.PlanRequest) (sdk.Plan, error) {
//		log := sdk.Logger(ctx)
//		log.Info("ranked the wanted list", "candidates", n)
//		…
//	}
//
// Under Serve, the default slog logger writes JSON lines to standard error,
// which reach the host's log tagged with the plugin's name; passing Plan's
// context to slog's Context functions (slog.InfoContext(ctx, …)) adds the
// trigger id as well.
func Logger(ctx context.Context) *slog.Logger {
	id := TriggerID(ctx)
	if id == "" {
		return slog.Default()
	}
	return slog.New(&boundHandler{next: slog.Default().Handler(), id: id})
}

// NewLogHandler returns the handler Serve installs as slog's default: JSON
// lines to w, at every level (the host filters by its own level), with
// the trigger id of each record's context.
func NewLogHandler(w io.Writer) slog.Handler {
	return &triggerHandler{next: slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})}
}

// stderr writes to whatever os.Stderr is at the time: Serve hands the
// process's standard error over to the host after the handshake.
type stderr struct{}

func (stderr) Write(p []byte) (int, error) { return os.Stderr.Write(p) }

// triggerHandler adds the trigger id of a record's context.
type triggerHandler struct{ next slog.Handler }

func (h *triggerHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *triggerHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := TriggerID(ctx); id != "" {
		r.AddAttrs(slog.String(CorrelationKey, id))
	}
	return h.next.Handle(ctx, r)
}

func (h *triggerHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &triggerHandler{next: h.next.WithAttrs(as)}
}

func (h *triggerHandler) WithGroup(name string) slog.Handler {
	return &triggerHandler{next: h.next.WithGroup(name)}
}

// boundHandler adds a fixed trigger id, once: through a triggerHandler
// below it when there is one, directly otherwise.
type boundHandler struct {
	next slog.Handler
	id   string
}

func (h *boundHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *boundHandler) Handle(ctx context.Context, r slog.Record) error {
	if _, ok := h.next.(*triggerHandler); ok {
		if TriggerID(ctx) == "" {
			ctx = WithTriggerID(ctx, h.id)
		}
		return h.next.Handle(ctx, r)
	}
	id := TriggerID(ctx)
	if id == "" {
		id = h.id
	}
	r.AddAttrs(slog.String(CorrelationKey, id))
	return h.next.Handle(ctx, r)
}

func (h *boundHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &boundHandler{next: h.next.WithAttrs(as), id: h.id}
}

func (h *boundHandler) WithGroup(name string) slog.Handler {
	return &boundHandler{next: h.next.WithGroup(name), id: h.id}
}
