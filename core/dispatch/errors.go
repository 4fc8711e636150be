package dispatch

import (
	"context"
	"errors"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/vibequality/searcharr/core/arr"
)

// Retryable reports whether a send error may pass on its own, so the
// command should stay pending rather than fail: the arr unreachable, slow,
// failing (5xx) or rate limiting (429), the circuit breaker open, the
// context ending. Other errors that implement Temporary() bool decide for
// themselves.
func Retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return true
	}
	var t interface{ Temporary() bool }
	if errors.As(err, &t) {
		return t.Temporary()
	}
	return false
}

// unhealthy reports whether an error says the instance itself is failing:
// no connection, no answer in time, or a server error. These open the
// circuit breaker; a refusal (4xx) or a 429 does not.
func unhealthy(err error) bool {
	if err == nil || canceled(err) {
		return false
	}
	var ae *arr.Error
	if errors.As(err, &ae) {
		switch ae.Kind {
		case arr.KindUnreachable, arr.KindTimeout:
			return true
		case arr.KindServer:
			return ae.Status == 0 || ae.Status >= 500
		}
		return false
	}
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// canceled reports whether an error comes from the caller giving up, which
// says nothing about the instance.
func canceled(err error) bool {
	var ae *arr.Error
	if errors.As(err, &ae) && ae.Kind == arr.KindCanceled {
		return true
	}
	return errors.Is(err, context.Canceled)
}

// notFound reports whether the arr answered 404.
func notFound(err error) bool {
	return errors.Is(err, arr.ErrNotFound)
}

// retryAfter is the wait a 429 or 503 asked for, if any.
func retryAfter(err error) time.Duration {
	var ae *arr.Error
	if errors.As(err, &ae) {
		return ae.RetryAfter
	}
	return 0
}
