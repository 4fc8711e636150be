package arr

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfter caps how long a Retry-After answer can make a read wait.
const maxRetryAfter = 60 * time.Second

// backoff computes the wait before a retry: exponential from base, capped
// at max, with jitter.
type backoff struct {
	base, max time.Duration
}

var defaultBackoff = backoff{base: 500 * time.Millisecond, max: 15 * time.Second}

// delay is the wait before retry number attempt+1. A Retry-After the server
// sent wins over the computed wait, capped at maxRetryAfter.
func (b backoff) delay(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, maxRetryAfter)
	}
	d := b.base << min(attempt, 16)
	if d <= 0 || d > b.max {
		d = b.max
	}
	// Equal jitter: half fixed, half random, so concurrent clients spread
	// out but every wait still grows.
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// retryable reports whether a read that failed with e may be sent again:
// connection errors, 5xx and 429.
func retryable(e *Error) bool {
	switch e.Kind {
	case KindUnreachable, KindRateLimited:
		return true
	case KindServer:
		return e.Status >= 500
	}
	return false
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		return min(time.Duration(n)*time.Second, maxRetryAfter)
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			return 0
		}
		return min(d, maxRetryAfter)
	}
	return 0
}
