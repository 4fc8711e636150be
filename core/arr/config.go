package arr

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// Defaults applied to a zero Config field.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultMaxRetries = 3
)

// Config describes one Sonarr or Radarr instance.
type Config struct {
	// Kind is the application behind URL: domain.KindSonarr or KindRadarr.
	Kind domain.InstanceKind
	// URL is where the application answers, including its URL base if one
	// is set, e.g. http://host:8989/sonarr. A trailing /api/v3 is ignored.
	URL string
	// APIKey is sent in the X-Api-Key header, and nowhere else.
	APIKey string
	// Timeout bounds every single HTTP call; 0 means DefaultTimeout.
	Timeout time.Duration
	// InsecureSkipVerify accepts any TLS certificate (self-signed setups).
	// Ignored when HTTPClient is set.
	InsecureSkipVerify bool
	// MaxRetries is how often a failed read is retried; 0 means
	// DefaultMaxRetries, a negative value disables retries.
	MaxRetries int
	// HTTPClient, if set, is used for the calls. Its CheckRedirect and
	// Timeout are replaced: redirects are never followed and the timeout
	// is Timeout.
	HTTPClient *http.Client
	// Logger receives a debug line per call; nil discards. Lines carry
	// the context's attributes through the logger's handler (the
	// correlation id of the trigger that caused the call, say).
	Logger *slog.Logger
	// Observer, if set, is told of every call after it ends (metrics).
	Observer Observer
}

// Validate reports the first field that is wrong, wrapping domain.ErrInvalid.
func (c Config) Validate() error {
	if !c.Kind.Valid() {
		return fmt.Errorf("arr: config Kind %q: want %q or %q: %w", c.Kind, domain.KindSonarr, domain.KindRadarr, domain.ErrInvalid)
	}
	if _, err := parseBaseURL(c.URL); err != nil {
		return err
	}
	if strings.TrimSpace(c.APIKey) == "" {
		return fmt.Errorf("arr: config APIKey: empty; copy it from %s → Settings → General: %w", c.Kind.AppName(), domain.ErrInvalid)
	}
	if strings.ContainsFunc(c.APIKey, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return fmt.Errorf("arr: config APIKey: contains spaces or control characters: %w", domain.ErrInvalid)
	}
	if c.Timeout < 0 {
		return fmt.Errorf("arr: config Timeout %s: must not be negative: %w", c.Timeout, domain.ErrInvalid)
	}
	if c.MaxRetries > 10 {
		return fmt.Errorf("arr: config MaxRetries %d: at most 10: %w", c.MaxRetries, domain.ErrInvalid)
	}
	return nil
}

// parseBaseURL checks the configured URL and returns it without a trailing
// slash or /api/v3 suffix.
func parseBaseURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("arr: config URL: empty; want e.g. http://localhost:8989: %w", domain.ErrInvalid)
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("arr: config URL: not a URL; want e.g. http://localhost:8989: %w", domain.ErrInvalid)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("arr: config URL %q: must start with http:// or https://: %w", u.Redacted(), domain.ErrInvalid)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("arr: config URL %q: no host: %w", u.Redacted(), domain.ErrInvalid)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("arr: config URL: must not have a query or fragment (the API key belongs in APIKey): %w", domain.ErrInvalid)
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/api/v3")
	p = strings.TrimSuffix(p, "/api")
	u.Path = strings.TrimRight(p, "/")
	u.RawPath = ""
	return u, nil
}
