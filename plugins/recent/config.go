package recent

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vibequality/searcharr/plugins/internal/wanted"
)

// Limits and defaults of the options.
const (
	DefaultWindowDays = 14
	MaxWindowDays     = 365
	MaxRungs          = 20
)

// DefaultLadder is the default retry ladder: searches one hour, six hours,
// one day and three days after release.
var DefaultLadder = []time.Duration{time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour}

// Config is a queue's configuration of the recent strategy.
type Config struct {
	wanted.Options
	// WindowDays: items aired or released within this many days before
	// the run are candidates.
	WindowDays int `json:"window_days"`
	// Retry is the retry ladder: how long after release each search is
	// due, increasing. In the config, each rung is a string such as "90m",
	// "6h" or "3d".
	Retry []time.Duration `json:"-"`
}

var fields = wanted.OptionFields(func(c *Config) *wanted.Options { return &c.Options },
	wanted.OptIncludeUnmonitored, wanted.OptIncludeUnavailable,
).Merge(wanted.Fields[Config]{
	"window_days": wanted.IntField(func(c *Config) *int { return &c.WindowDays }, 1, MaxWindowDays),
	"retry": {
		Kind: `a list of durations such as ["1h", "6h", "1d", "3d"]`,
		Decode: func(c *Config, raw json.RawMessage) error {
			var rungs []string
			if err := json.Unmarshal(raw, &rungs); err != nil {
				return err
			}
			c.Retry = c.Retry[:0:0]
			for _, s := range rungs {
				d, err := parseDuration(s)
				if err != nil {
					return err
				}
				c.Retry = append(c.Retry, d)
			}
			return nil
		},
		Check: func(c *Config) string {
			if len(c.Retry) == 0 || len(c.Retry) > MaxRungs {
				return fmt.Sprintf("must have between 1 and %d rungs", MaxRungs)
			}
			for i, d := range c.Retry {
				if d <= 0 {
					return fmt.Sprintf("rung %d must be after release", i+1)
				}
				if i > 0 && d <= c.Retry[i-1] {
					return fmt.Sprintf("rung %d (%s) must come after rung %d (%s)", i+1, d, i, c.Retry[i-1])
				}
			}
			return ""
		},
	},
})

// parseDuration reads "45m", "6h", "1d", "1d12h" and other Go durations,
// with "d" for 24 hours.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, rest, ok := strings.Cut(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 3650 {
			return 0, fmt.Errorf("recent: bad duration %q", s)
		}
		d := time.Duration(n) * 24 * time.Hour
		if rest == "" {
			return d, nil
		}
		more, err := time.ParseDuration(rest)
		return d + more, err
	}
	return time.ParseDuration(s)
}

// ParseConfig decodes and checks a configuration; empty and null mean all
// defaults. Every problem is reported, each with the option's name as path.
func ParseConfig(raw json.RawMessage) (Config, error) {
	def := Config{Options: wanted.DefaultOptions(), WindowDays: DefaultWindowDays, Retry: DefaultLadder}
	def.Order = wanted.NewestAired
	return wanted.Parse(raw, def, fields)
}
