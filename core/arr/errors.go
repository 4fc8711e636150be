package arr

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// ErrorKind classifies what went wrong in a call to Sonarr/Radarr.
type ErrorKind string

// The kinds of errors a Client returns.
const (
	KindUnauthorized ErrorKind = "unauthorized"
	KindNotFound     ErrorKind = "not found"
	KindWrongApp     ErrorKind = "wrong application"
	KindUnreachable  ErrorKind = "unreachable"
	KindTimeout      ErrorKind = "timeout"
	KindCanceled     ErrorKind = "canceled"
	KindContract     ErrorKind = "unexpected response"
	KindServer       ErrorKind = "server error"
	KindRateLimited  ErrorKind = "rate limited"
	KindBadRequest   ErrorKind = "bad request"
	KindRedirect     ErrorKind = "redirect"
	KindInvalid      ErrorKind = "invalid request"
)

// Sentinel errors, one per kind; compare with errors.Is. An *Error matches
// the sentinel of its kind whatever its other fields hold.
var (
	// ErrUnauthorized: the API key was refused (401 with an empty body).
	ErrUnauthorized = &Error{Kind: KindUnauthorized}
	// ErrNotFound: the resource does not exist (404).
	ErrNotFound = &Error{Kind: KindNotFound}
	// ErrWrongApp: the URL answers, but not as the configured application
	// (another appName, or a web page instead of the API).
	ErrWrongApp = &Error{Kind: KindWrongApp}
	// ErrUnreachable: no connection could be made (refused, DNS, TLS).
	ErrUnreachable = &Error{Kind: KindUnreachable}
	// ErrTimeout: the call took longer than the configured timeout.
	ErrTimeout = &Error{Kind: KindTimeout}
	// ErrCanceled: the caller's context was canceled.
	ErrCanceled = &Error{Kind: KindCanceled}
	// ErrContract: the answer is not the JSON the API documents.
	ErrContract = &Error{Kind: KindContract}
	// ErrServer: the application failed (5xx), with its own message.
	ErrServer = &Error{Kind: KindServer}
	// ErrRateLimited: the application or a proxy answered 429.
	ErrRateLimited = &Error{Kind: KindRateLimited}
	// ErrBadRequest: the application rejected the request (400, 409).
	ErrBadRequest = &Error{Kind: KindBadRequest}
	// ErrRedirect: the URL answered with a redirect, which is not followed.
	ErrRedirect = &Error{Kind: KindRedirect}
	// ErrInvalid: the client refused to send the request, for example a
	// Radarr command to a Sonarr instance.
	ErrInvalid = &Error{Kind: KindInvalid}
)

// Error is the one error type a Client returns. It never contains the API
// key.
type Error struct {
	// Kind classifies the failure.
	Kind ErrorKind
	// Op is the request, such as "GET /api/v3/wanted/missing".
	Op string
	// Status is the HTTP status, 0 when no answer was received.
	Status int
	// Message is what the application said (its message, a summary of its
	// validation errors, a ProblemDetails title), if anything.
	Message string
	// Hint tells the user what to do about it.
	Hint string
	// Location is where a redirect pointed.
	Location string
	// RetryAfter is the wait a 429 or 503 answer asked for.
	RetryAfter time.Duration
	// Err is the underlying error, if any.
	Err error
}

// Error renders "arr: <op>: <kind> (<status>): <message>: <hint>: <cause>".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("arr: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(string(e.Kind))
	if e.Status != 0 {
		b.WriteString(" (HTTP ")
		b.WriteString(strconv.Itoa(e.Status))
		b.WriteString(")")
	}
	for _, s := range []string{e.Message, e.Hint} {
		if s != "" {
			b.WriteString(": ")
			b.WriteString(s)
		}
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is the sentinel of e's kind, or the matching
// domain sentinel (domain.ErrUnauthorized, domain.ErrNotFound,
// domain.ErrInvalid).
func (e *Error) Is(target error) bool {
	if t, ok := target.(*Error); ok {
		return t.Kind == e.Kind && t.Op == "" && t.Status == 0 && t.Err == nil
	}
	switch e.Kind {
	case KindUnauthorized:
		return target == domain.ErrUnauthorized
	case KindNotFound:
		return target == domain.ErrNotFound
	case KindInvalid, KindBadRequest:
		return target == domain.ErrInvalid
	}
	return false
}

// Temporary reports whether the same read may succeed if tried again.
func (e *Error) Temporary() bool {
	switch e.Kind {
	case KindUnreachable, KindServer, KindRateLimited, KindTimeout:
		return true
	}
	return false
}

// invalidf builds a KindInvalid error for a request the client refuses.
func invalidf(op, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Op: op, Message: fmt.Sprintf(format, args...)}
}

// transportError classifies an error from http.Client.Do.
func transportError(ctx context.Context, op, app string, err error) *Error {
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return &Error{Kind: KindCanceled, Op: op, Err: ctx.Err()}
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return &Error{Kind: KindTimeout, Op: op, Err: err,
			Hint: fmt.Sprintf("%s did not answer in time; check that it is running and not overloaded, or raise the timeout", app)}
	}
	return &Error{Kind: KindUnreachable, Op: op, Err: err,
		Hint: fmt.Sprintf("check that %s is running and that the URL (host, port, http/https) is right", app)}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
