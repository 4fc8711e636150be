package config

import (
	"context"
	"io"
	"log/slog"

	"github.com/vibequality/searcharr/core/domain"
)

// NewLogger returns the process logger for the configured level and
// format. Every record logged with a context that carries a correlation id
// (domain.WithCorrelationID) gets it as the correlation_id attribute, so
// the lines a trigger causes can be found together.
func (c Config) NewLogger(w io.Writer) *slog.Logger {
	level, _ := ParseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(NewCorrelationHandler(slog.NewJSONHandler(w, opts)))
	}
	return slog.New(NewCorrelationHandler(slog.NewTextHandler(w, opts)))
}

// CorrelationKey is the attribute the correlation id is logged under.
const CorrelationKey = domain.MetaCorrelationID

// CorrelationHandler adds the correlation id of a record's context to the
// record. Log with the context variants (InfoContext, …) for it to apply.
type CorrelationHandler struct{ next slog.Handler }

// NewCorrelationHandler wraps next.
func NewCorrelationHandler(next slog.Handler) *CorrelationHandler {
	return &CorrelationHandler{next: next}
}

// Enabled reports what next reports.
func (h *CorrelationHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle adds correlation_id when ctx carries one and passes r on.
func (h *CorrelationHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := domain.CorrelationID(ctx); id != "" {
		r.AddAttrs(slog.String(CorrelationKey, id))
	}
	return h.next.Handle(ctx, r)
}

// WithAttrs returns the handler with attrs added to next.
func (h *CorrelationHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &CorrelationHandler{next: h.next.WithAttrs(attrs)}
}

// WithGroup returns the handler with a group opened on next. The
// correlation id then lands in the group, as any attribute would.
func (h *CorrelationHandler) WithGroup(name string) slog.Handler {
	return &CorrelationHandler{next: h.next.WithGroup(name)}
}
