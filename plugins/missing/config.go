package missing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/vibequality/searcharr/sdk"
)

// Order is the order in which missing items are searched.
type Order string

// The orders.
const (
	// OldestAired searches the longest-missing items first.
	OldestAired Order = "oldest_aired"
	// NewestAired searches the most recently aired items first.
	NewestAired Order = "newest_aired"
	// LeastRecentlySearched searches the items the application searched
	// longest ago (never-searched items first).
	LeastRecentlySearched Order = "least_recently_searched"
)

var orders = []Order{OldestAired, NewestAired, LeastRecentlySearched}

// query maps the order onto the wanted list's server-side sort.
func (o Order) query() (sdk.SortKey, bool) {
	switch o {
	case NewestAired:
		return sdk.SortReleased, true
	case LeastRecentlySearched:
		return sdk.SortLastSearched, false
	}
	return sdk.SortReleased, false
}

// Limits of the options.
const (
	DefaultPageSize = 250
	MaxPageSize     = 2000
	DefaultMaxPages = 100
	MaxMaxPages     = 10000
	MaxGraceHours   = 24 * 365
)

// Config is a queue's configuration of the missing strategy.
type Config struct {
	// Order is the search order; OldestAired by default.
	Order Order `json:"order"`
	// PageSize is the number of wanted items read per Library call.
	PageSize int `json:"page_size"`
	// IncludeUnmonitored also searches unmonitored items.
	IncludeUnmonitored bool `json:"include_unmonitored"`
	// GraceHours skips items aired or released less than this many hours
	// before the run.
	GraceHours int `json:"grace_hours"`
	// MaxPages bounds the number of wanted pages one run reads.
	MaxPages int `json:"max_pages"`
}

// field is one option: how to decode it and how to check its value.
type field struct {
	decode func(c *Config, raw json.RawMessage) error
	check  func(c *Config) string
	kind   string
}

var fields = map[string]field{
	"order": {
		kind:   "a string",
		decode: func(c *Config, raw json.RawMessage) error { return json.Unmarshal(raw, &c.Order) },
		check: func(c *Config) string {
			if !slices.Contains(orders, c.Order) {
				return fmt.Sprintf("unknown order %q; one of %v", c.Order, orders)
			}
			return ""
		},
	},
	"page_size": {
		kind:   "an integer",
		decode: func(c *Config, raw json.RawMessage) error { return json.Unmarshal(raw, &c.PageSize) },
		check: func(c *Config) string {
			if c.PageSize < 1 || c.PageSize > MaxPageSize {
				return fmt.Sprintf("must be between 1 and %d", MaxPageSize)
			}
			return ""
		},
	},
	"include_unmonitored": {
		kind:   "true or false",
		decode: func(c *Config, raw json.RawMessage) error { return json.Unmarshal(raw, &c.IncludeUnmonitored) },
		check:  func(*Config) string { return "" },
	},
	"grace_hours": {
		kind:   "an integer",
		decode: func(c *Config, raw json.RawMessage) error { return json.Unmarshal(raw, &c.GraceHours) },
		check: func(c *Config) string {
			if c.GraceHours < 0 || c.GraceHours > MaxGraceHours {
				return fmt.Sprintf("must be between 0 and %d", MaxGraceHours)
			}
			return ""
		},
	},
	"max_pages": {
		kind:   "an integer",
		decode: func(c *Config, raw json.RawMessage) error { return json.Unmarshal(raw, &c.MaxPages) },
		check: func(c *Config) string {
			if c.MaxPages < 1 || c.MaxPages > MaxMaxPages {
				return fmt.Sprintf("must be between 1 and %d", MaxMaxPages)
			}
			return ""
		},
	},
}

// defaultConfig is the configuration of an empty config.
func defaultConfig() Config {
	return Config{Order: OldestAired, PageSize: DefaultPageSize, MaxPages: DefaultMaxPages}
}

// ParseConfig decodes and checks a configuration; empty and null mean all
// defaults. Every problem is reported, each with the option's name as path.
func ParseConfig(raw json.RawMessage) (Config, error) {
	cfg := defaultConfig()
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return cfg, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return cfg, sdk.Invalid("", "must be a JSON object")
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var errs sdk.ConfigErrors
	for _, k := range keys {
		f, ok := fields[k]
		if !ok {
			errs = append(errs, sdk.ConfigError{Path: k, Message: "unknown option"})
			continue
		}
		if err := f.decode(&cfg, obj[k]); err != nil {
			errs = append(errs, sdk.ConfigError{Path: k, Message: "must be " + f.kind})
			continue
		}
		if msg := f.check(&cfg); msg != "" {
			errs = append(errs, sdk.ConfigError{Path: k, Message: msg})
		}
	}
	if len(errs) > 0 {
		return cfg, errs
	}
	return cfg, nil
}
