// Package config reads Searcharr's configuration from command-line flags and
// SEARCHARR_* environment variables, applies defaults and validates it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the server's configuration.
type Config struct {
	// Listen is the HTTP listen address (SEARCHARR_LISTEN, --listen).
	Listen string
	// DataDir holds the SQLite file and the generated secret key
	// (SEARCHARR_DATA_DIR, --data-dir).
	DataDir string
	// DatabaseURL selects PostgreSQL when it starts with postgres://;
	// empty means SQLite in DataDir (SEARCHARR_DATABASE_URL, --database-url).
	DatabaseURL string
	// PluginDir is scanned for third-party strategy plugins
	// (SEARCHARR_PLUGIN_DIR, --plugin-dir). Empty disables the scan.
	PluginDir string
	// PluginPins pins third-party plugins to SHA-256 digests, as
	// "file=hex,file=hex" (SEARCHARR_PLUGIN_PINS, --plugin-pins).
	PluginPins map[string]string
	// SecretKey and SecretKeyFile provide the key that encrypts stored API
	// keys (SEARCHARR_SECRET_KEY, SEARCHARR_SECRET_KEY_FILE). Without
	// either, a key is generated in DataDir.
	SecretKey     string
	SecretKeyFile string
	// LogLevel is debug, info, warn or error (SEARCHARR_LOG_LEVEL).
	LogLevel string
	// LogFormat is text or json (SEARCHARR_LOG_FORMAT).
	LogFormat string
	// BaseURL is the public URL Searcharr is reached at, used to show
	// webhook URLs (SEARCHARR_BASE_URL).
	BaseURL string
	// TrustedProxies lists the proxies whose forwarding headers are believed
	// (SEARCHARR_TRUSTED_PROXIES, comma-separated IPs or CIDRs).
	TrustedProxies []string
	// ShutdownTimeout bounds graceful shutdown (SEARCHARR_SHUTDOWN_TIMEOUT).
	ShutdownTimeout time.Duration
	// DispatchLease is how long a replica's hold on an instance's sending
	// lasts in the database without renewal: a replica that dies is taken
	// over by another this long after its last renewal at most
	// (SEARCHARR_DISPATCH_LEASE, --dispatch-lease).
	DispatchLease time.Duration
	// PluginPlanTimeout bounds one Plan call of a strategy plugin
	// (SEARCHARR_PLUGIN_PLAN_TIMEOUT, --plugin-plan-timeout).
	PluginPlanTimeout time.Duration
	// PluginHangTimeout is how long a plugin process may leave a health
	// check unanswered before it counts as hung: it is killed, its call in
	// flight fails and it is restarted (SEARCHARR_PLUGIN_HANG_TIMEOUT,
	// --plugin-hang-timeout). It must be below PluginPlanTimeout.
	PluginHangTimeout time.Duration
	// MetricsToken, when set, is the bearer token GET /metrics requires
	// (SEARCHARR_METRICS_TOKEN, --metrics-token). Empty leaves /metrics
	// public on the listen address.
	MetricsToken string
	// BackupInterval is the time between two scheduled backups of a
	// SQLite database into DataDir/backups; zero turns them off
	// (SEARCHARR_BACKUP_INTERVAL, --backup-interval). A number of days
	// is written like "7d".
	BackupInterval time.Duration
	// BackupRetention is how long scheduled backups are kept; zero keeps
	// them all (SEARCHARR_BACKUP_RETENTION, --backup-retention).
	BackupRetention time.Duration
	// BlockPrivateURLs refuses outbound connections (instances, webhook
	// and notification sinks) to loopback, private and shared addresses
	// (SEARCHARR_BLOCK_PRIVATE_URLS, --block-private-urls). Link-local and
	// cloud metadata addresses are always refused.
	BlockPrivateURLs bool
	// HistoryRetention keeps finished runs with their decisions, ended
	// dispatched commands and reported grabs this long
	// (SEARCHARR_HISTORY_RETENTION, --history-retention; 0 keeps them
	// forever, otherwise at least MinHistoryRetention).
	HistoryRetention time.Duration
	// WebhookRetention keeps processed webhook deliveries this long
	// (SEARCHARR_WEBHOOK_RETENTION, --webhook-retention; 0 keeps them
	// forever).
	WebhookRetention time.Duration
	// EventRetention keeps the messages of the event bus's log topics on
	// PostgreSQL this long (SEARCHARR_EVENT_RETENTION, --event-retention).
	EventRetention time.Duration
}

// MinHistoryRetention is the shortest history retention accepted: longer
// than the daily cap's window, the window a grab is matched to its search
// in and the longest adaptive cooldown, which all read the dispatched
// commands.
const MinHistoryRetention = 31 * 24 * time.Hour

// MinMetricsTokenLength is the shortest metrics token accepted.
const MinMetricsTokenLength = 16

// Default returns the configuration with every default applied.
func Default() Config {
	return Config{
		Listen:            ":7337",
		DataDir:           "./data",
		LogLevel:          "info",
		LogFormat:         "text",
		ShutdownTimeout:   30 * time.Second,
		DispatchLease:     30 * time.Second,
		PluginPlanTimeout: 5 * time.Minute,
		PluginHangTimeout: 30 * time.Second,
		BackupInterval:    7 * 24 * time.Hour,
		BackupRetention:   28 * 24 * time.Hour,
		HistoryRetention:  90 * 24 * time.Hour,
		WebhookRetention:  7 * 24 * time.Hour,
		EventRetention:    24 * time.Hour,
	}
}

// Load parses args (without the program name) over the environment over the
// defaults, then validates the result.
func Load(args []string, getenv func(string) string) (Config, error) {
	c := Default()
	env := func(name, def string) string {
		if v := getenv("SEARCHARR_" + name); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.StringVar(&c.Listen, "listen", env("LISTEN", c.Listen), "HTTP listen address")
	fs.StringVar(&c.DataDir, "data-dir", env("DATA_DIR", c.DataDir), "data directory (SQLite file, secret key)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", ""), "postgres://… for PostgreSQL, sqlite:PATH, or empty for SQLite in the data directory")
	fs.StringVar(&c.PluginDir, "plugin-dir", env("PLUGIN_DIR", ""), "directory of third-party strategy plugins")
	pins := fs.String("plugin-pins", env("PLUGIN_PINS", ""), "file=sha256,… pins for third-party plugins")
	c.SecretKey = getenv("SEARCHARR_SECRET_KEY")
	fs.StringVar(&c.SecretKeyFile, "secret-key-file", env("SECRET_KEY_FILE", ""), "file holding the encryption key")
	fs.StringVar(&c.LogLevel, "log-level", env("LOG_LEVEL", c.LogLevel), "debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", env("LOG_FORMAT", c.LogFormat), "text or json")
	fs.StringVar(&c.BaseURL, "base-url", env("BASE_URL", ""), "public URL of Searcharr")
	proxies := fs.String("trusted-proxies", env("TRUSTED_PROXIES", ""), "comma-separated proxy IPs or CIDRs")
	fs.StringVar(&c.MetricsToken, "metrics-token", env("METRICS_TOKEN", ""), "bearer token required by /metrics (empty: public)")
	blockPrivate, blockErr := strconv.ParseBool(env("BLOCK_PRIVATE_URLS", "false"))
	if blockErr != nil {
		return Config{}, fmt.Errorf("config: block-private-urls (SEARCHARR_BLOCK_PRIVATE_URLS) %q: want true or false", getenv("SEARCHARR_BLOCK_PRIVATE_URLS"))
	}
	fs.BoolVar(&c.BlockPrivateURLs, "block-private-urls", blockPrivate, "refuse outbound connections to loopback and private addresses (link-local and metadata addresses are always refused)")
	shutdown := fs.String("shutdown-timeout", env("SHUTDOWN_TIMEOUT", c.ShutdownTimeout.String()), "graceful shutdown bound")
	durations := []struct {
		name string
		dst  *time.Duration
		val  *string
	}{
		{"dispatch-lease", &c.DispatchLease, fs.String("dispatch-lease", env("DISPATCH_LEASE", c.DispatchLease.String()), "how long a replica's hold on an instance's sending lasts unrenewed")},
		{"plugin-plan-timeout", &c.PluginPlanTimeout, fs.String("plugin-plan-timeout", env("PLUGIN_PLAN_TIMEOUT", c.PluginPlanTimeout.String()), "bound on one Plan call of a plugin")},
		{"history-retention", &c.HistoryRetention, fs.String("history-retention", env("HISTORY_RETENTION", "90d"), "how long finished runs, ended commands and grabs are kept, like 90d (0: forever)")},
		{"webhook-retention", &c.WebhookRetention, fs.String("webhook-retention", env("WEBHOOK_RETENTION", "7d"), "how long processed webhook deliveries are kept, like 7d (0: forever)")},
		{"event-retention", &c.EventRetention, fs.String("event-retention", env("EVENT_RETENTION", c.EventRetention.String()), "how long the event bus keeps its log messages on PostgreSQL")},
		{"plugin-hang-timeout", &c.PluginHangTimeout, fs.String("plugin-hang-timeout", env("PLUGIN_HANG_TIMEOUT", c.PluginHangTimeout.String()), "a plugin that leaves a health check unanswered this long is killed and restarted")},
	}
	backupInterval := fs.String("backup-interval", env("BACKUP_INTERVAL", "7d"), "time between scheduled backups of a SQLite database, like 7d or 12h (0: off)")
	backupRetention := fs.String("backup-retention", env("BACKUP_RETENTION", "28d"), "how long scheduled backups are kept, like 28d (0: forever)")
	if err := fs.Parse(args); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("config: unexpected argument %q", fs.Arg(0))
	}
	var err error
	if c.PluginPins, err = parsePins(*pins); err != nil {
		return Config{}, err
	}
	c.TrustedProxies = splitList(*proxies)
	if c.ShutdownTimeout, err = time.ParseDuration(*shutdown); err != nil {
		return Config{}, fmt.Errorf("config: shutdown-timeout: %w", err)
	}
	for _, d := range durations {
		if *d.dst, err = parseDays(*d.val); err != nil {
			return Config{}, fmt.Errorf("config: %s: %w", d.name, err)
		}
	}
	if c.BackupInterval, err = parseDays(*backupInterval); err != nil {
		return Config{}, fmt.Errorf("config: backup-interval: %w", err)
	}
	if c.BackupRetention, err = parseDays(*backupRetention); err != nil {
		return Config{}, fmt.Errorf("config: backup-retention: %w", err)
	}
	return c, c.Validate()
}

// parseDays parses a Go duration, or a whole number of days written "7d".
func parseDays(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > 3650 {
			return 0, fmt.Errorf("%q: want a duration like 12h or a number of days like 7d", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q: want a duration like 12h or a number of days like 7d", s)
	}
	return d, nil
}

// Validate checks every field and names the first one at fault.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("config: listen %q: %w", c.Listen, err))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("config: data-dir must not be empty"))
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql" && u.Scheme != "sqlite") {
			// The URL may carry a password: never echo it.
			errs = append(errs, errors.New("config: database-url must be a postgres:// URL, sqlite:PATH, or empty for SQLite in the data directory"))
		}
	}
	if _, err := ParseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("config: log-format %q: want text or json", c.LogFormat))
	}
	if c.MetricsToken != "" {
		// The token is a secret: the error never shows it.
		switch {
		case len(c.MetricsToken) < MinMetricsTokenLength:
			errs = append(errs, fmt.Errorf("config: metrics-token: at least %d characters", MinMetricsTokenLength))
		case strings.ContainsFunc(c.MetricsToken, func(r rune) bool { return r <= ' ' || r == 0x7f }):
			errs = append(errs, errors.New("config: metrics-token: must not contain spaces or control characters"))
		}
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
			errs = append(errs, fmt.Errorf("config: base-url %q: want an absolute URL", c.BaseURL))
		}
	}
	for _, p := range c.TrustedProxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				errs = append(errs, fmt.Errorf("config: trusted-proxies: %q is neither an IP nor a CIDR", p))
			}
		}
	}
	if c.ShutdownTimeout <= 0 {
		errs = append(errs, errors.New("config: shutdown-timeout must be positive"))
	}
	if c.DispatchLease < MinDispatchLease {
		errs = append(errs, fmt.Errorf("config: dispatch-lease must be at least %s", MinDispatchLease))
	}
	if c.PluginPlanTimeout <= 0 {
		errs = append(errs, errors.New("config: plugin-plan-timeout must be positive"))
	}
	if c.HistoryRetention != 0 && c.HistoryRetention < MinHistoryRetention {
		errs = append(errs, fmt.Errorf("config: history-retention must be 0 (forever) or at least %s", MinHistoryRetention))
	}
	if c.WebhookRetention < 0 {
		errs = append(errs, errors.New("config: webhook-retention must not be negative"))
	}
	if c.EventRetention < time.Minute {
		errs = append(errs, errors.New("config: event-retention must be at least 1m"))
	}
	switch {
	case c.PluginHangTimeout <= 0:
		errs = append(errs, errors.New("config: plugin-hang-timeout must be positive"))
	case c.PluginHangTimeout >= c.PluginPlanTimeout:
		errs = append(errs, errors.New("config: plugin-hang-timeout must be below plugin-plan-timeout"))
	}
	switch {
	case c.BackupInterval < 0:
		errs = append(errs, errors.New("config: backup-interval must not be negative"))
	case c.BackupInterval > 0 && c.BackupInterval < MinBackupInterval:
		errs = append(errs, fmt.Errorf("config: backup-interval must be 0 (off) or at least %s", MinBackupInterval))
	}
	if c.BackupRetention < 0 {
		errs = append(errs, errors.New("config: backup-retention must not be negative"))
	}
	return errors.Join(errs...)
}

// MinBackupInterval is the shortest interval between scheduled backups.
const MinBackupInterval = time.Hour

// MinDispatchLease is the shortest dispatch lease accepted: it is renewed
// every third of itself, which must leave a database round trip time.
const MinDispatchLease = time.Second

// ParseLevel maps a level name onto slog.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("config: log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parsePins(s string) (map[string]string, error) {
	pins := map[string]string{}
	for _, p := range splitList(s) {
		name, sum, ok := strings.Cut(p, "=")
		if !ok || name == "" || len(sum) != 64 {
			return nil, fmt.Errorf("config: plugin-pins: %q: want file=<64 hex digits>", p)
		}
		pins[name] = strings.ToLower(sum)
	}
	return pins, nil
}
