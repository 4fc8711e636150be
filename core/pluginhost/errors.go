package pluginhost

import (
	"errors"
	"fmt"

	"github.com/vibequality/searcharr/core/domain"
)

// Errors returned by the host; compare with errors.Is.
var (
	// ErrPluginFailed reports that a plugin crashed, hung, returned
	// garbage, or is not running. It fails the run that called the plugin
	// and nothing else.
	ErrPluginFailed = errors.New("plugin failed")
	// ErrInvalidPlan reports a plan that breaks the host's rules. Errors
	// that wrap it also wrap ErrPluginFailed.
	ErrInvalidPlan = errors.New("invalid plan")
	// ErrUnknownPlugin reports a plugin name the host does not run. Errors
	// that wrap it also wrap domain.ErrNotFound.
	ErrUnknownPlugin = errors.New("unknown plugin")
	// ErrUnsupported reports a request the plugin says it does not handle,
	// such as an instance kind outside its InstanceKinds. Errors that wrap
	// it also wrap domain.ErrInvalid.
	ErrUnsupported = errors.New("unsupported by plugin")
	// ErrClosed reports a call made after Close.
	ErrClosed = errors.New("plugin host closed")
)

func unknownPlugin(name string) error {
	return fmt.Errorf("pluginhost: plugin %q: %w: %w", name, ErrUnknownPlugin, domain.ErrNotFound)
}

func invalidPlan(name string, err error) error {
	return fmt.Errorf("pluginhost: plugin %q returned an invalid plan: %w: %w: %w", name, err, ErrInvalidPlan, ErrPluginFailed)
}
