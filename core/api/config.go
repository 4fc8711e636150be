package api

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/vibequality/searcharr/core/auth"
)

// Defaults applied to zero Config fields.
const (
	DefaultBodyLimit      = 1 << 20
	DefaultRequestTimeout = 60 * time.Second
	// DefaultTestTimeout bounds a connection test, whatever the instance's
	// own timeout.
	DefaultTestTimeout = 20 * time.Second
)

// Config tunes the API server.
type Config struct {
	// SigningKey signs access tokens (HS256); at least 32 bytes. Derive it
	// from the server secret key with auth.SigningKey.
	SigningKey []byte
	// AccessTTL and RefreshTTL are the token lifetimes (defaults
	// auth.DefaultAccessTTL and auth.DefaultRefreshTTL).
	AccessTTL  time.Duration
	RefreshTTL time.Duration
	// TrustedProxies are the IPs or CIDRs whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed (SEARCHARR_TRUSTED_PROXIES).
	TrustedProxies []string
	// BaseURL is the public URL (SEARCHARR_BASE_URL); its origin is
	// accepted by the CSRF origin check.
	BaseURL string
	// AllowedOrigins are further origins (scheme://host[:port]) whose
	// browser requests may change state.
	AllowedOrigins []string
	// SecureCookies forces the Secure attribute on cookies; without it
	// they are Secure when the request arrived over HTTPS.
	SecureCookies bool
	// BodyLimit bounds request bodies in bytes (DefaultBodyLimit).
	BodyLimit int
	// RequestTimeout bounds the handling of one request
	// (DefaultRequestTimeout).
	RequestTimeout time.Duration
	// TestTimeout bounds an instance connection test (DefaultTestTimeout).
	TestTimeout time.Duration
	// Argon2 are the password hashing parameters (auth defaults when zero).
	Argon2 auth.Argon2Params
	// Limiter tunes the login rate limiter.
	Limiter auth.LimiterConfig
	// Version is shown in the OpenAPI document.
	Version string
	// KeepAlive is how often an idle event stream sends a comment line
	// (DefaultKeepAlive).
	KeepAlive time.Duration
	// MetricsToken, when set, is the bearer token GET /metrics requires;
	// empty leaves /metrics public (SEARCHARR_METRICS_TOKEN).
	MetricsToken string
}

func (c *Config) setDefaults() {
	if c.AccessTTL <= 0 {
		c.AccessTTL = auth.DefaultAccessTTL
	}
	if c.RefreshTTL <= 0 {
		c.RefreshTTL = auth.DefaultRefreshTTL
	}
	if c.BodyLimit <= 0 {
		c.BodyLimit = DefaultBodyLimit
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.TestTimeout <= 0 {
		c.TestTimeout = DefaultTestTimeout
	}
	if c.KeepAlive <= 0 {
		c.KeepAlive = DefaultKeepAlive
	}
	if c.Version == "" {
		c.Version = "dev"
	}
}

// Validate reports every field at fault.
func (c Config) Validate() error {
	var errs []error
	if len(c.SigningKey) < 32 {
		errs = append(errs, errors.New("api: config SigningKey must be at least 32 bytes"))
	}
	if _, err := parsePrefixes(c.TrustedProxies); err != nil {
		errs = append(errs, err)
	}
	for _, o := range c.AllowedOrigins {
		if _, err := originOf(o); err != nil {
			errs = append(errs, fmt.Errorf("api: config AllowedOrigins %q: %w", o, err))
		}
	}
	if c.BaseURL != "" {
		if _, err := originOf(c.BaseURL); err != nil {
			errs = append(errs, fmt.Errorf("api: config BaseURL %q: %w", c.BaseURL, err))
		}
	}
	if c.RefreshTTL > 0 && c.AccessTTL > c.RefreshTTL {
		errs = append(errs, errors.New("api: config AccessTTL must not exceed RefreshTTL"))
	}
	return errors.Join(errs...)
}

// parsePrefixes parses IPs and CIDRs into prefixes.
func parsePrefixes(list []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for _, s := range list {
		s = strings.TrimSpace(s)
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("api: config TrustedProxies: %q is neither an IP nor a CIDR", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// originOf returns the lowercase scheme://host[:port] of an absolute URL.
func originOf(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("want an absolute http(s) URL")
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}
