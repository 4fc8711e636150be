package fakearr

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// query reads query parameters the way ASP.NET model binding does: names
// are case-insensitive, and a value that does not convert is collected as a
// ValidationProblemDetails error.
type query struct {
	vals map[string][]string
	errs map[string][]string
}

func newQuery(r *http.Request) *query {
	q := &query{vals: map[string][]string{}}
	for k, v := range r.URL.Query() {
		lk := strings.ToLower(k)
		q.vals[lk] = append(q.vals[lk], v...)
	}
	return q
}

// raw returns the first value of name and whether it was sent.
func (q *query) raw(name string) (string, bool) {
	v, ok := q.vals[strings.ToLower(name)]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

func (q *query) fail(name, value string) {
	if q.errs == nil {
		q.errs = map[string][]string{}
	}
	q.errs[name] = append(q.errs[name], "The value '"+value+"' is not valid.")
}

// int reads an int32 parameter.
func (q *query) int(name string, def int) int {
	s, ok := q.raw(name)
	if !ok || s == "" {
		return def
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
	if err != nil {
		q.fail(name, s)
		return def
	}
	return int(n)
}

// optInt reads an optional int32 parameter.
func (q *query) optInt(name string) (int, bool) {
	s, ok := q.raw(name)
	if !ok || s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
	if err != nil {
		q.fail(name, s)
		return 0, false
	}
	return int(n), true
}

// ints reads a repeated int parameter (name=1&name=2, or 1,2).
func (q *query) ints(name string) []int {
	var out []int
	for _, v := range q.vals[strings.ToLower(name)] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			n, err := strconv.ParseInt(p, 10, 32)
			if err != nil {
				q.fail(name, v)
				continue
			}
			out = append(out, int(n))
		}
	}
	return out
}

// bool reads a boolean parameter.
func (q *query) bool(name string, def bool) bool {
	s, ok := q.raw(name)
	if !ok || s == "" {
		return def
	}
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		q.fail(name, s)
		return def
	}
	return b
}

// direction reads sortDirection; absent means descending (NOTES Q1).
func (q *query) direction() string {
	s, ok := q.raw("sortDirection")
	if !ok || s == "" {
		return "descending"
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "default", "0":
		return "default"
	case "ascending", "1":
		return "ascending"
	case "descending", "2":
		return "descending"
	}
	q.fail("sortDirection", s)
	return "descending"
}

// date reads a date parameter (ISO 8601).
func (q *query) date(name string) (time.Time, bool) {
	s, ok := q.raw(name)
	if !ok || s == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	q.fail(name, s)
	return time.Time{}, false
}

// check answers 400 ValidationProblemDetails when a value failed to bind;
// it reports whether the request may go on.
func (q *query) check(w http.ResponseWriter, in *Instance) bool {
	if len(q.errs) == 0 {
		return true
	}
	writeBadValue(w, in.nextTrace(), q.errs)
	return false
}
