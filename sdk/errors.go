package sdk

import (
	"fmt"
	"strings"
)

// ConfigError is one problem with a queue configuration.
type ConfigError struct {
	// Path names the field at fault, with "/" between levels, such as
	// "order" or "grouping/min_episodes". Empty means the whole config.
	Path string
	// Message says what is wrong, in words a user understands.
	Message string
	// Line and Column place the error inside the field's value when it is
	// text with a syntax of its own, such as an expression: 1-based, in
	// characters. Zero means no position (the whole value is at fault).
	// An editor uses them to mark the spot; hosts that predate them see
	// only Path and Message, so Message should make sense on its own.
	Line, Column int
}

// Error implements error: "path: line L, column C: message", leaving out
// what is unknown.
func (e ConfigError) Error() string {
	msg := e.Message
	if e.Line > 0 {
		msg = fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, msg)
	}
	if e.Path == "" {
		return msg
	}
	return e.Path + ": " + msg
}

// ConfigErrors is what Validate returns for a configuration it refuses.
type ConfigErrors []ConfigError

// Error implements error.
func (es ConfigErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return "invalid config: " + strings.Join(parts, "; ")
}

// Invalid returns ConfigErrors with a single error at path.
func Invalid(path, format string, args ...any) ConfigErrors {
	return ConfigErrors{{Path: path, Message: fmt.Sprintf(format, args...)}}
}
