package fakearr

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// Config describes a simulator: its instances and what they share.
type Config struct {
	// Instances to host; at least one.
	Instances []InstanceConfig
	// Clock drives time and timers; nil means the real clock.
	Clock Clock
	// Logger receives the simulator's logs; nil discards them.
	Logger *slog.Logger
	// WebhookClient sends webhooks; nil means a client with a 100 s timeout,
	// the real apps' value.
	WebhookClient *http.Client
	// Faults active from the start (they can be changed at run time).
	Faults []Fault
	// RequestLogLimit caps the request log (oldest entries dropped); 0 means
	// 100,000 entries.
	RequestLogLimit int
}

// InstanceConfig describes one simulated Sonarr or Radarr.
type InstanceConfig struct {
	// Kind is sonarr or radarr.
	Kind domain.InstanceKind
	// Name identifies the instance (unique); it defaults to the kind, then
	// kind2, kind3...
	Name string
	// URLBase is the path prefix, like "/sonarr"; it defaults to "/"+Name.
	URLBase string
	// APIKey is the key clients must send; empty means one derived from Seed
	// and Name.
	APIKey string
	// InstanceName is what system/status and webhooks report; it defaults to
	// "Sonarr"/"Radarr".
	InstanceName string
	// Seed makes the library and every chance deterministic.
	Seed int64
	// Episodes is the Sonarr library size (10 to 200,000 and beyond);
	// 0 means 500.
	Episodes int
	// Series is the number of series; 0 derives it from Episodes.
	Series int
	// Movies is the Radarr library size; 0 means 200.
	Movies int
	// MissingRatio is the share of aired episodes, or released movies,
	// without a file (0 to 1).
	MissingRatio float64
	// CutoffRatio is the share of files below their profile's cutoff.
	CutoffRatio float64
	// FindChance is the share of items for which a search finds a release;
	// which items is decided per item from the seed, the rest are never
	// found. 0 means 0.5; a negative value means never.
	FindChance float64
	// IndexerDailyLimit caps indexer searches per UTC day; 0 means none.
	IndexerDailyLimit int
	// CommandDuration is how long a command runs once started.
	CommandDuration time.Duration
	// ImportDelay is the time from a grab to its import.
	ImportDelay time.Duration
	// AvailabilityDelay is Radarr's availability delay in days (may be
	// negative).
	AvailabilityDelay int
	// Webhook, when its URL is set, receives the instance's webhooks.
	Webhook WebhookConfig
}

// WebhookConfig mirrors the Webhook connection settings of the apps.
type WebhookConfig struct {
	// URL receives the payloads; empty disables webhooks.
	URL string
	// Method is POST (default) or PUT.
	Method string
	// Username and Password, when either is set, are sent pre-emptively as
	// basic auth.
	Username string
	Password string
	// Headers are added verbatim.
	Headers map[string]string
}

const (
	defaultEpisodes   = 500
	defaultMovies     = 200
	defaultFindChance = 0.5
)

// withDefaults returns a copy of c with its defaults filled in; n counts the
// earlier instances of the same kind.
func (c InstanceConfig) withDefaults(n int) InstanceConfig {
	if c.Name == "" {
		c.Name = string(c.Kind)
		if n > 0 {
			c.Name = fmt.Sprintf("%s%d", c.Kind, n+1)
		}
	}
	if c.URLBase == "" {
		c.URLBase = "/" + c.Name
	}
	c.URLBase = "/" + strings.Trim(c.URLBase, "/")
	if c.APIKey == "" {
		c.APIKey = fmt.Sprintf("%016x%016x", hashOf(c.Seed, saltKey, 1, hashString(c.Name)), hashOf(c.Seed, saltKey, 2, hashString(c.Name)))
	}
	if c.InstanceName == "" {
		c.InstanceName = c.Kind.AppName()
	}
	if c.Episodes == 0 {
		c.Episodes = defaultEpisodes
	}
	if c.Movies == 0 {
		c.Movies = defaultMovies
	}
	switch {
	case c.FindChance == 0:
		c.FindChance = defaultFindChance
	case c.FindChance < 0:
		c.FindChance = 0
	}
	c.MissingRatio = clamp01(c.MissingRatio)
	c.CutoffRatio = clamp01(c.CutoffRatio)
	c.FindChance = clamp01(c.FindChance)
	c.Webhook.Method = strings.ToUpper(c.Webhook.Method)
	if c.Webhook.Method == "" {
		c.Webhook.Method = http.MethodPost
	}
	return c
}

// validate reports what is wrong with a defaulted instance config.
func (c InstanceConfig) validate() error {
	if !c.Kind.Valid() {
		return fmt.Errorf("fakearr: instance %q: unknown kind %q", c.Name, c.Kind)
	}
	if c.URLBase == "/__fakearr" {
		return fmt.Errorf("fakearr: instance %q: url base %q is reserved", c.Name, c.URLBase)
	}
	if c.Episodes < 0 || c.Movies < 0 || c.Series < 0 {
		return fmt.Errorf("fakearr: instance %q: library sizes must not be negative", c.Name)
	}
	if c.IndexerDailyLimit < 0 || c.CommandDuration < 0 || c.ImportDelay < 0 {
		return fmt.Errorf("fakearr: instance %q: limits and durations must not be negative", c.Name)
	}
	if m := c.Webhook.Method; m != http.MethodPost && m != http.MethodPut {
		return fmt.Errorf("fakearr: instance %q: webhook method %q: want POST or PUT", c.Name, m)
	}
	return nil
}

// validate checks the whole config after defaults.
func validateInstances(list []InstanceConfig) error {
	if len(list) == 0 {
		return errors.New("fakearr: no instances configured")
	}
	names := map[string]bool{}
	bases := map[string]bool{}
	for _, c := range list {
		if err := c.validate(); err != nil {
			return err
		}
		if names[c.Name] {
			return fmt.Errorf("fakearr: duplicate instance name %q", c.Name)
		}
		if bases[strings.ToLower(c.URLBase)] {
			return fmt.Errorf("fakearr: duplicate url base %q", c.URLBase)
		}
		names[c.Name], bases[strings.ToLower(c.URLBase)] = true, true
	}
	return nil
}

// hashString is FNV-1a, used to mix names into seeds.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
