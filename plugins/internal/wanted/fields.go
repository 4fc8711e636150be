package wanted

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/vibequality/searcharr/sdk"
)

// Field is one option of a strategy's configuration C: how to decode its
// JSON value into C and how to check it.
type Field[C any] struct {
	// Kind names the JSON type in errors, such as "an integer".
	Kind string
	// Decode stores the raw value in c.
	Decode func(c *C, raw json.RawMessage) error
	// Check returns what is wrong with the decoded value, or "".
	Check func(c *C) string
}

// Fields maps option names to their fields.
type Fields[C any] map[string]Field[C]

// Merge returns the fields of fs and more together.
func (fs Fields[C]) Merge(more Fields[C]) Fields[C] {
	out := make(Fields[C], len(fs)+len(more))
	for k, f := range fs {
		out[k] = f
	}
	for k, f := range more {
		out[k] = f
	}
	return out
}

// Parse decodes raw into cfg, which holds the defaults, option by option.
// Empty and null mean all defaults. Unknown options, values of the wrong
// type and values out of range are each reported with the option's name as
// the path; when any is, the error is sdk.ConfigErrors.
func Parse[C any](raw json.RawMessage, cfg C, fields Fields[C]) (C, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return cfg, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
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
		if err := f.Decode(&cfg, obj[k]); err != nil {
			errs = append(errs, sdk.ConfigError{Path: k, Message: "must be " + f.Kind})
			continue
		}
		if f.Check == nil {
			continue
		}
		if msg := f.Check(&cfg); msg != "" {
			errs = append(errs, sdk.ConfigError{Path: k, Message: msg})
		}
	}
	if len(errs) > 0 {
		return cfg, errs
	}
	return cfg, nil
}

// IntField is an integer option between lo and hi stored by at.
func IntField[C any](at func(*C) *int, lo, hi int) Field[C] {
	return Field[C]{
		Kind:   "an integer",
		Decode: func(c *C, raw json.RawMessage) error { return json.Unmarshal(raw, at(c)) },
		Check: func(c *C) string {
			if v := *at(c); v < lo || v > hi {
				return "must be between " + itoa(lo) + " and " + itoa(hi)
			}
			return ""
		},
	}
}

// BoolField is a true-or-false option stored by at.
func BoolField[C any](at func(*C) *bool) Field[C] {
	return Field[C]{
		Kind:   "true or false",
		Decode: func(c *C, raw json.RawMessage) error { return json.Unmarshal(raw, at(c)) },
	}
}

// EnumField is a string option that must be one of values, stored by at.
func EnumField[C any, S ~string](at func(*C) *S, values []S) Field[C] {
	return Field[C]{
		Kind:   "a string",
		Decode: func(c *C, raw json.RawMessage) error { return json.Unmarshal(raw, at(c)) },
		Check: func(c *C) string {
			v := *at(c)
			for _, ok := range values {
				if v == ok {
					return ""
				}
			}
			names := make([]string, len(values))
			for i, s := range values {
				names[i] = string(s)
			}
			return "unknown value " + quote(string(v)) + "; one of " + join(names)
		},
	}
}
