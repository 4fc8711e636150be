package domain

import "log/slog"

// redacted is what a Secret prints instead of its value.
const redacted = "[REDACTED]"

// Secret holds a credential, such as an arr API key, that must never reach a
// log line, an error or an API response. Printing, logging or marshalling it
// yields "[REDACTED]"; Reveal returns the value for the one place that needs
// it (the HTTP client talking to the arr).
type Secret string

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// String implements fmt.Stringer without exposing the value.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer without exposing the value.
func (s Secret) GoString() string { return redacted }

// LogValue implements slog.LogValuer without exposing the value.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText implements encoding.TextMarshaler without exposing the value,
// so JSON encoding a Secret yields "[REDACTED]".
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }
