package missing

import (
	"encoding/json"

	"github.com/vibequality/searcharr/plugins/internal/wanted"
)

// Config is a queue's configuration of the missing strategy. Every option
// is one of the options the built-in strategies share; see wanted.Options
// and schema.json for what each does.
type Config struct {
	wanted.Options
}

var fields = wanted.OptionFields(func(c *Config) *wanted.Options { return &c.Options })

// ParseConfig decodes and checks a configuration; empty and null mean all
// defaults. Every problem is reported, each with the option's name as path.
func ParseConfig(raw json.RawMessage) (Config, error) {
	return wanted.Parse(raw, Config{Options: wanted.DefaultOptions()}, fields)
}
