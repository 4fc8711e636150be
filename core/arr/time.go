package arr

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Time is a timestamp as Sonarr/Radarr write it ("yyyy-MM-ddTHH:mm:ssZ").
// Parsing is tolerant: fractional seconds, offsets, a missing zone (taken
// as UTC), a bare date, and null are accepted. The zero Time means the
// application left the field out.
type Time struct{ time.Time }

// timeLayouts are tried in order after RFC 3339.
var timeLayouts = []string{
	"2006-01-02T15:04:05.9999999",
	"2006-01-02 15:04:05.9999999Z07:00",
	"2006-01-02 15:04:05.9999999",
	"2006-01-02",
}

// ParseTime parses s as tolerantly as Time's JSON decoding does and returns
// it in UTC.
func ParseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("arr: time %q: not an ISO 8601 timestamp", s)
}

// UnmarshalJSON accepts a JSON string in any form ParseTime does, or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("arr: time %s: want a string", truncate(string(b), 40))
	}
	s := string(b[1 : len(b)-1])
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// MarshalJSON writes the API's own format, or null for the zero Time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.UTC().Format(apiTimeLayout) + `"`), nil
}

// Ptr returns the time, or nil when the application left it out.
func (t Time) Ptr() *time.Time {
	if t.IsZero() {
		return nil
	}
	v := t.Time
	return &v
}

// apiTimeLayout is how the applications write times and how the client
// sends them.
const apiTimeLayout = "2006-01-02T15:04:05Z"

// formatTime writes t for a query parameter.
func formatTime(t time.Time) string { return t.UTC().Format(apiTimeLayout) }

// ParseTimeSpan parses a .NET TimeSpan as the applications write it:
// "hh:mm:ss", "hh:mm:ss.fffffff" or "d.hh:mm:ss.fffffff", optionally negative.
func ParseTimeSpan(s string) (time.Duration, error) {
	orig := s
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var days int64
	if i := strings.IndexByte(s, '.'); i >= 0 && i < strings.IndexByte(s, ':') {
		d, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("arr: time span %q: bad days", orig)
		}
		days, s = d, s[i+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return 0, fmt.Errorf("arr: time span %q: want hh:mm:ss", orig)
	}
	h, err1 := strconv.ParseInt(parts[0], 10, 64)
	m, err2 := strconv.ParseInt(parts[1], 10, 64)
	sec, err3 := strconv.ParseFloat(parts[2], 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, fmt.Errorf("arr: time span %q: want hh:mm:ss", orig)
	}
	d := time.Duration(days)*24*time.Hour + time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(sec*float64(time.Second))
	if neg {
		d = -d
	}
	return d, nil
}
