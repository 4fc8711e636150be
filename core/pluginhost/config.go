package pluginhost

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"
)

// Defaults applied by Config for fields left zero.
const (
	DefaultCallTimeout       = 10 * time.Second
	DefaultPlanTimeout       = 5 * time.Minute
	DefaultStartTimeout      = 30 * time.Second
	DefaultMaxRestarts       = 10
	DefaultRestartBackoff    = 500 * time.Millisecond
	DefaultMaxRestartBackoff = 30 * time.Second
	DefaultRestartWait       = 10 * time.Second
	DefaultHangTimeout       = 30 * time.Second
)

// Config says which plugins the host runs and how it supervises them.
type Config struct {
	// SelfPath is the searcharr binary. Each built-in is launched as
	// "SelfPath plugin serve NAME". Required when BuiltIns is not empty.
	SelfPath string
	// BuiltIns names the strategies compiled into SelfPath.
	BuiltIns []string
	// Dir is the plugin directory (SEARCHARR_PLUGIN_DIR). Every regular,
	// executable file in it is started as a third-party plugin. Empty means
	// no third-party plugins.
	Dir string
	// Pins maps a plugin file name or a plugin name to the expected SHA-256
	// of its executable, in hex. A plugin whose file does not match is
	// refused: a pin by file name before the file runs, a pin by plugin
	// name once the plugin reported its name. Pins apply to plugin files;
	// built-ins are part of the searcharr binary.
	Pins map[string]string

	// CallTimeout bounds Info and Validate calls. Default 10s.
	CallTimeout time.Duration
	// PlanTimeout bounds Plan calls. Default 5m.
	PlanTimeout time.Duration
	// HangTimeout is how long a plugin process may leave a health check
	// unanswered: the host checks each process over gRPC every third of
	// it, and one that does not answer in time is hung. It is killed, the
	// call in flight fails at once, and it is restarted. It must be below
	// PlanTimeout, so a stopped process is found long before its Plan
	// would time out. Default 30s, or half PlanTimeout when that is
	// shorter.
	HangTimeout time.Duration
	// StartTimeout bounds launching a plugin process up to its handshake.
	// Default 30s.
	StartTimeout time.Duration

	// MaxRestarts is how many consecutive failures (crashes, hangs, failed
	// restarts) a plugin may have before the host gives up on it and marks
	// it failed. A successful call resets the count. Default 10; negative
	// means no limit.
	MaxRestarts int
	// RestartBackoff is the delay before the first restart; each further
	// consecutive failure doubles it. Default 500ms.
	RestartBackoff time.Duration
	// MaxRestartBackoff caps the delay between restarts. Default 30s.
	MaxRestartBackoff time.Duration
	// RestartWait is how long a call to a restarting plugin waits for it to
	// come back before failing. Default 10s.
	RestartWait time.Duration
}

func (c *Config) setDefaults() {
	if c.CallTimeout == 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	if c.PlanTimeout == 0 {
		c.PlanTimeout = DefaultPlanTimeout
	}
	if c.StartTimeout == 0 {
		c.StartTimeout = DefaultStartTimeout
	}
	if c.HangTimeout == 0 {
		c.HangTimeout = min(DefaultHangTimeout, c.PlanTimeout/2)
	}
	if c.MaxRestarts == 0 {
		c.MaxRestarts = DefaultMaxRestarts
	}
	if c.RestartBackoff == 0 {
		c.RestartBackoff = DefaultRestartBackoff
	}
	if c.MaxRestartBackoff == 0 {
		c.MaxRestartBackoff = DefaultMaxRestartBackoff
	}
	if c.RestartWait == 0 {
		c.RestartWait = DefaultRestartWait
	}
}

var (
	nameRE = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	hexRE  = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// maxNameLen bounds plugin names so they fit in logs, tables and URLs.
const maxNameLen = 64

// validName reports whether name is a valid plugin name: lowercase letters,
// digits and single dashes, starting with a letter.
func validName(name string) bool {
	return len(name) <= maxNameLen && nameRE.MatchString(name)
}

// Validate checks the configuration, after defaults are applied.
func (c Config) Validate() error {
	c.setDefaults()
	var errs []error
	if len(c.BuiltIns) > 0 && c.SelfPath == "" {
		errs = append(errs, errors.New("self path is required to run built-in plugins"))
	}
	seen := make(map[string]bool, len(c.BuiltIns))
	for _, name := range c.BuiltIns {
		if !validName(name) {
			errs = append(errs, fmt.Errorf("built-in %q: invalid name", name))
		}
		if seen[name] {
			errs = append(errs, fmt.Errorf("built-in %q: listed twice", name))
		}
		seen[name] = true
	}
	if c.Dir != "" {
		if fi, err := os.Stat(c.Dir); err != nil {
			errs = append(errs, fmt.Errorf("plugin dir: %w", err))
		} else if !fi.IsDir() {
			errs = append(errs, fmt.Errorf("plugin dir %q: not a directory", c.Dir))
		}
	}
	for k, v := range c.Pins {
		if !hexRE.MatchString(strings.ToLower(v)) {
			errs = append(errs, fmt.Errorf("pin %q: want 64 hex digits of a SHA-256", k))
		}
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"call timeout", c.CallTimeout},
		{"plan timeout", c.PlanTimeout},
		{"start timeout", c.StartTimeout},
		{"hang timeout", c.HangTimeout},
		{"restart backoff", c.RestartBackoff},
		{"max restart backoff", c.MaxRestartBackoff},
		{"restart wait", c.RestartWait},
	} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("%s must not be negative", d.name))
		}
	}
	if c.HangTimeout >= c.PlanTimeout {
		errs = append(errs, errors.New("hang timeout must be below plan timeout"))
	}
	if c.MaxRestartBackoff < c.RestartBackoff {
		errs = append(errs, errors.New("max restart backoff must not be below restart backoff"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("pluginhost: invalid config: %w", err)
	}
	return nil
}
