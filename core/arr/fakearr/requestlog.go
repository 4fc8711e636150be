package fakearr

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"time"
)

// Request is one request the simulator received.
type Request struct {
	// Seq numbers the requests from 1, in arrival order.
	Seq uint64 `json:"seq"`
	// Time is when the request arrived, from the simulator's clock.
	Time time.Time `json:"time"`
	// Instance is the instance's name; empty for a path no instance owns.
	Instance string `json:"instance"`
	Method   string `json:"method"`
	// Path is the full request path, URL base included.
	Path     string `json:"path"`
	RawQuery string `json:"rawQuery,omitempty"`
	// Header holds the request's headers.
	Header http.Header `json:"header,omitempty"`
	Body   string      `json:"body,omitempty"`
	// Status is the status answered (0 while the request is in flight).
	Status int `json:"status"`
	// Duration is how long the answer took, in wall time.
	Duration time.Duration `json:"duration"`
}

// requestLog is the bounded, ordered log of requests.
type requestLog struct {
	mu    sync.Mutex
	limit int
	seq   uint64
	items []*Request
}

func newRequestLog(limit int) *requestLog {
	if limit <= 0 {
		limit = 100_000
	}
	return &requestLog{limit: limit}
}

// maxLoggedBody caps the body kept in the log.
const maxLoggedBody = 1 << 20

// readBody reads (and restores) the request body for the log.
func readBody(r *http.Request) []byte {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, maxLoggedBody))
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

// start appends an entry for an arriving request and returns it.
func (l *requestLog) start(r *http.Request, instance string, body []byte, now time.Time) *Request {
	req := &Request{
		Time:     now,
		Instance: instance,
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
		Body:     string(body),
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	req.Seq = l.seq
	l.items = append(l.items, req)
	if len(l.items) > l.limit {
		drop := len(l.items) - l.limit
		copy(l.items, l.items[drop:])
		clear(l.items[len(l.items)-drop:])
		l.items = l.items[:len(l.items)-drop]
	}
	return req
}

// finish stores the answer of a logged request.
func (l *requestLog) finish(req *Request, status int, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	req.Status = status
	req.Duration = d
}

// record logs a request answered at once.
func (l *requestLog) record(r *http.Request, instance string, body []byte, status int, d time.Duration, now time.Time) {
	l.finish(l.start(r, instance, body, now), status, d)
}

// list returns copies of the entries of instance ("" for all) at or after
// since and with a sequence number above after.
func (l *requestLog) list(instance string, since time.Time, after uint64) []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Request, 0, len(l.items))
	for _, r := range l.items {
		if (instance == "" || r.Instance == instance) && !r.Time.Before(since) && r.Seq > after {
			out = append(out, *r)
		}
	}
	return out
}

// reset empties the log; sequence numbers keep increasing.
func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = nil
}

// statusWriter records the status a handler answers.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush lets streaming handlers flush through the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
