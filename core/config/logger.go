package config

import (
	"io"
	"log/slog"
)

// NewLogger returns the process logger for the configured level and format.
func (c Config) NewLogger(w io.Writer) *slog.Logger {
	level, _ := ParseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
