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
}

// Error implements error.
func (e ConfigError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
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
