package arr

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// apiPrefix is the path of the v3 API under the application's URL base.
const apiPrefix = "/api/v3"

// userAgent identifies Searcharr to the application's logs.
const userAgent = "Searcharr"

// Client talks to one Sonarr or Radarr instance. It is safe for concurrent
// use.
type Client struct {
	kind     domain.InstanceKind
	app      string
	base     *url.URL
	key      string
	timeout  time.Duration
	retries  int
	backoff  backoff
	hc       *http.Client
	log      *slog.Logger
	observer Observer
}

// New validates cfg and returns a Client for it.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	base, _ := parseBaseURL(cfg.URL)
	c := &Client{
		kind:     cfg.Kind,
		app:      cfg.Kind.AppName(),
		base:     base,
		key:      cfg.APIKey,
		timeout:  cfg.Timeout,
		retries:  cfg.MaxRetries,
		backoff:  defaultBackoff,
		log:      cfg.Logger,
		observer: cfg.Observer,
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	switch {
	case c.retries == 0:
		c.retries = DefaultMaxRetries
	case c.retries < 0:
		c.retries = 0
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.log = c.log.With("component", "arr", "kind", string(c.kind))
	if cfg.HTTPClient != nil {
		hc := *cfg.HTTPClient
		c.hc = &hc
	} else {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if cfg.InsecureSkipVerify {
			tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the user asked for it
		}
		c.hc = &http.Client{Transport: tr}
	}
	c.hc.Timeout = 0 // each call gets its own context deadline
	c.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c, nil
}

// Kind is the application kind the client was configured for.
func (c *Client) Kind() domain.InstanceKind { return c.kind }

// URL is the configured base URL, with any user:password redacted.
func (c *Client) URL() string { return c.base.Redacted() }

// request is one API call.
type request struct {
	method string
	path   string // below /api/v3, starting with "/"
	query  url.Values
	body   []byte
	retry  bool
}

func (r request) op() string { return r.method + " " + apiPrefix + r.path }

// get issues a retried GET and hands the body to decode.
func (c *Client) get(ctx context.Context, path string, q url.Values, decode func(io.Reader) error) error {
	return c.do(ctx, request{method: http.MethodGet, path: path, query: q, retry: true}, decode)
}

// do sends req, retrying it if it is a read and the failure is temporary.
func (c *Client) do(ctx context.Context, req request, decode func(io.Reader) error) error {
	for attempt := 0; ; attempt++ {
		start := time.Now()
		err := c.attempt(ctx, req, decode)
		c.observe(req, start, err)
		if err == nil {
			return nil
		}
		var ae *Error
		if !req.retry || attempt >= c.retries || !errors.As(err, &ae) || !retryable(ae) {
			return err
		}
		wait := c.backoff.delay(attempt, ae.RetryAfter)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return err
		}
		c.log.WarnContext(ctx, "arr: retrying read", "op", req.op(), "attempt", attempt+1, "wait", wait, "error_kind", string(ae.Kind), "status", ae.Status)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return &Error{Kind: KindCanceled, Op: req.op(), Err: ctx.Err()}
		case <-t.C:
		}
	}
}

// attempt sends req once.
func (c *Client) attempt(ctx context.Context, req request, decode func(io.Reader) error) error {
	op := req.op()
	if err := ctx.Err(); err != nil {
		return &Error{Kind: KindCanceled, Op: op, Err: err}
	}
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	u := *c.base
	u.Path = c.base.Path + apiPrefix + req.path
	u.RawQuery = req.query.Encode()
	var body io.Reader
	if req.body != nil {
		body = bytes.NewReader(req.body)
	}
	hreq, err := http.NewRequestWithContext(actx, req.method, u.String(), body)
	if err != nil {
		return &Error{Kind: KindInvalid, Op: op, Err: err}
	}
	hreq.Header.Set("X-Api-Key", c.key)
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", userAgent)
	if req.body != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}

	start := time.Now()
	resp, err := c.hc.Do(hreq)
	if err != nil {
		return transportError(ctx, op, c.app, scrubErr(err, c.key))
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
	}()
	c.log.DebugContext(ctx, "arr: call", "op", op, "status", resp.StatusCode, "duration", time.Since(start))

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.statusError(op, resp)
	}
	br := bufio.NewReaderSize(resp.Body, 16<<10)
	if looksLikeHTML(resp.Header.Get("Content-Type"), br) {
		return &Error{Kind: KindWrongApp, Op: op, Status: resp.StatusCode, Message: "the URL answered with a web page, not the API",
			Hint: "check the URL and the URL base (" + c.app + " → Settings → General → URL Base)"}
	}
	if decode == nil {
		return nil
	}
	if err := decode(br); err != nil {
		return c.decodeError(ctx, op, err)
	}
	return nil
}

// decodeError classifies an error returned while decoding a 2xx body.
func (c *Client) decodeError(ctx context.Context, op string, err error) error {
	var cb callbackError
	if errors.As(err, &cb) {
		return cb.err
	}
	var ae *Error
	if errors.As(err, &ae) {
		if ae.Op == "" {
			ae.Op = op
		}
		return ae
	}
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return transportError(ctx, op, c.app, err)
	}
	return &Error{Kind: KindContract, Op: op, Err: err,
		Hint: "the answer does not match the " + c.app + " API; check that the URL points at " + c.app + " v" + appMajor(c.kind)}
}

// callbackError carries an error returned by a caller's callback through
// the decoder unchanged.
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }
func (e callbackError) Unwrap() error { return e.err }

// looksLikeHTML reports whether a 2xx body is a web page rather than JSON.
func looksLikeHTML(contentType string, br *bufio.Reader) bool {
	if strings.HasPrefix(strings.ToLower(contentType), "text/html") {
		return true
	}
	head, _ := br.Peek(512)
	head = bytes.TrimLeft(head, " \t\r\n\ufeff")
	return len(head) > 0 && head[0] == '<'
}

func appMajor(k domain.InstanceKind) string {
	if k == domain.KindSonarr {
		return "4"
	}
	return "3 or later"
}

// scrubErr removes the key from an error's text, should a transport ever
// echo it, keeping the error's identity for errors.Is.
func scrubErr(err error, key string) error {
	if key == "" || !strings.Contains(err.Error(), key) {
		return err
	}
	return &scrubbed{msg: strings.ReplaceAll(err.Error(), key, "***"), err: err}
}

type scrubbed struct {
	msg string
	err error
}

func (s *scrubbed) Error() string { return s.msg }
func (s *scrubbed) Unwrap() error { return s.err }
