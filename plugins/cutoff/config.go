package cutoff

import (
	"encoding/json"

	"github.com/vibequality/searcharr/plugins/internal/wanted"
)

// Config is a queue's configuration of the cutoff strategy: the options the
// built-in strategies share (see wanted.Options) and one of its own.
type Config struct {
	wanted.Options
	// IncludeCustomFormatBelowCutoff also searches items whose file meets
	// the quality cutoff but whose custom-format score is below the quality
	// profile's cutoff format score (profiles that allow upgrades only).
	IncludeCustomFormatBelowCutoff bool `json:"include_custom_format_below_cutoff"`
}

const optCustomFormat = "include_custom_format_below_cutoff"

var fields = wanted.OptionFields(func(c *Config) *wanted.Options { return &c.Options }).Merge(wanted.Fields[Config]{
	optCustomFormat: wanted.BoolField(func(c *Config) *bool { return &c.IncludeCustomFormatBelowCutoff }),
})

// ParseConfig decodes and checks a configuration; empty and null mean all
// defaults. Every problem is reported, each with the option's name as path.
func ParseConfig(raw json.RawMessage) (Config, error) {
	return wanted.Parse(raw, Config{Options: wanted.DefaultOptions()}, fields)
}
