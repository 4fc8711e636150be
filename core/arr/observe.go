package arr

import (
	"errors"
	"strings"
	"time"
)

// Call describes one HTTP call a Client made, as an Observer sees it.
type Call struct {
	// App is sonarr or radarr.
	App string
	// Method and Endpoint name the call: Endpoint is the path below the
	// URL base with every numeric segment replaced by {id}, so it has few
	// values (for example /api/v3/command/{id}).
	Method   string
	Endpoint string
	Duration time.Duration
	// Status is the HTTP status, 0 when no answer came.
	Status int
	// ErrorKind is empty when the call succeeded.
	ErrorKind ErrorKind
}

// Observer is told of every HTTP call a Client makes (each retry is a
// call), after it ends. It runs on the caller's goroutine and must not
// block.
type Observer func(Call)

func (c *Client) observe(req request, start time.Time, err error) {
	if c.observer == nil {
		return
	}
	call := Call{App: string(c.kind), Method: req.method, Endpoint: endpointOf(apiPrefix + req.path), Duration: time.Since(start)}
	if err != nil {
		call.ErrorKind = KindServer
		var ae *Error
		if errors.As(err, &ae) {
			call.ErrorKind, call.Status = ae.Kind, ae.Status
		}
	}
	c.observer(call)
}

// endpointOf replaces the numeric segments of a path by {id}.
func endpointOf(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if p != "" && strings.Trim(p, "0123456789") == "" {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}
