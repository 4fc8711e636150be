package custom

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vibequality/searcharr/plugins/internal/wanted"
	"github.com/vibequality/searcharr/sdk"
)

// Source is which wanted lists the strategy draws from.
type Source string

// The sources.
const (
	Missing Source = "missing"
	Cutoff  Source = "cutoff"
	Both    Source = "both"
)

var sources = []Source{Missing, Cutoff, Both}

// MaxMinDays bounds minDays.
const MaxMinDays = 36500

// Config is a queue's configuration of the custom strategy.
//
// The keys quality and minDays are kept for configurations written for
// earlier tools and are translated to expressions that must also hold:
// quality "HD-1080p" is `quality_profile == "HD-1080p"` and minDays 30 is
// `days_since_aired >= 30`.
type Config struct {
	wanted.Options
	// Source is missing (the default), cutoff or both.
	Source Source `json:"source"`
	// Filter is a boolean expression over Env; items for which it is false
	// are not searched. Empty keeps every item.
	Filter string `json:"filter"`
	// Priority is a numeric expression over Env; higher is searched first,
	// ties oldest aired first. Empty ranks every item the same.
	Priority string `json:"priority"`
	// Quality, when set, keeps only items of the quality profile of that
	// name.
	Quality string `json:"quality"`
	// MinDays, when set, keeps only items aired or released at least that
	// many days ago.
	MinDays *int `json:"minDays"`
}

// filters returns the boolean expressions an item must pass, with the
// option each comes from.
func (c *Config) filters() [][2]string {
	var out [][2]string
	if strings.TrimSpace(c.Filter) != "" {
		out = append(out, [2]string{"filter", c.Filter})
	}
	if c.Quality != "" {
		out = append(out, [2]string{"quality", "quality_profile == " + strconv.Quote(c.Quality)})
	}
	if c.MinDays != nil {
		out = append(out, [2]string{"minDays", "days_since_aired >= " + strconv.Itoa(*c.MinDays)})
	}
	return out
}

var fields = wanted.OptionFields(func(c *Config) *wanted.Options { return &c.Options },
	wanted.OptMaxPages, wanted.OptIncludeUnmonitored, wanted.OptIncludeUnavailable, wanted.OptGraceHours,
	wanted.OptGrouping, wanted.OptSeasonMinEpisodes, wanted.OptSeasonMinPercent,
).Merge(wanted.Fields[Config]{
	"source":   wanted.EnumField(func(c *Config) *Source { return &c.Source }, sources),
	"filter":   stringField(func(c *Config) *string { return &c.Filter }),
	"priority": stringField(func(c *Config) *string { return &c.Priority }),
	"quality": {
		Kind:   "a string",
		Decode: func(c *Config, raw json.RawMessage) error { return json.Unmarshal(raw, &c.Quality) },
		Check: func(c *Config) string {
			if strings.TrimSpace(c.Quality) == "" {
				return "must name a quality profile"
			}
			return ""
		},
	},
	"minDays": {
		Kind:   "an integer",
		Decode: func(c *Config, raw json.RawMessage) error { return json.Unmarshal(raw, &c.MinDays) },
		Check: func(c *Config) string {
			if c.MinDays == nil || *c.MinDays < 0 || *c.MinDays > MaxMinDays {
				return fmt.Sprintf("must be between 0 and %d", MaxMinDays)
			}
			return ""
		},
	},
})

func stringField(at func(*Config) *string) wanted.Field[Config] {
	return wanted.Field[Config]{
		Kind:   "a string",
		Decode: func(c *Config, raw json.RawMessage) error { return json.Unmarshal(raw, at(c)) },
	}
}

// compiled are a configuration's expressions, compiled.
type compiled struct {
	filters  []*program
	priority *program
}

// ParseConfig decodes and checks a configuration, compiling its
// expressions: empty and null mean all defaults. Every problem is reported,
// each with the option's name as path; expression errors give the line and
// column.
func ParseConfig(raw json.RawMessage) (Config, error) {
	cfg, _, err := parse(raw)
	return cfg, err
}

func parse(raw json.RawMessage) (Config, *compiled, error) {
	def := Config{Options: wanted.DefaultOptions(), Source: Missing}
	cfg, err := wanted.Parse(raw, def, fields)
	if err != nil {
		return cfg, nil, err
	}
	var errs sdk.ConfigErrors
	c := &compiled{}
	for _, f := range cfg.filters() {
		p, err := compileChecked(f[1], boolean)
		if err != nil {
			errs = append(errs, configError(f[0], err, f[0] == "filter"))
			continue
		}
		c.filters = append(c.filters, p)
	}
	if strings.TrimSpace(cfg.Priority) != "" {
		p, err := compileChecked(cfg.Priority, number)
		if err != nil {
			errs = append(errs, configError("priority", err, true))
		}
		c.priority = p
	}
	if len(errs) > 0 {
		return cfg, nil, errs
	}
	return cfg, c, nil
}

// configError reports an expression's error at path, with its line and
// column when the user wrote the expression (quality and minDays are
// translated, so a position in them would mean nothing).
func configError(path string, err error, written bool) sdk.ConfigError {
	var ee *exprError
	if written && errors.As(err, &ee) {
		return sdk.ConfigError{Path: path, Message: ee.msg, Line: ee.line, Column: ee.column}
	}
	return sdk.ConfigError{Path: path, Message: err.Error()}
}

// compileChecked compiles and probes an expression.
func compileChecked(source string, k kind) (*program, error) {
	p, err := compileExpr(source, k)
	if err != nil {
		return nil, err
	}
	if err := probe(p); err != nil {
		return nil, err
	}
	return p, nil
}
