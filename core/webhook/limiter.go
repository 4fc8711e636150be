package webhook

import (
	"sync"
	"time"
)

// failureLimiter slows down an address that keeps failing authentication:
// after threshold failures it is refused for base, doubled with each further
// failure up to max. Success forgets the address. It lives in memory.
type failureLimiter struct {
	threshold int
	base, max time.Duration
	now       func() time.Time

	mu      sync.Mutex
	entries map[string]*failures
	sweeps  int
}

type failures struct {
	count       int
	lockedUntil time.Time
	last        time.Time
}

// forgetAfter is how long after its last failure an address starts afresh.
const forgetAfter = time.Hour

func newFailureLimiter(threshold int, base, max time.Duration, now func() time.Time) *failureLimiter {
	return &failureLimiter{threshold: threshold, base: base, max: max, now: now, entries: map[string]*failures{}}
}

// wait reports how long ip must still wait; zero means it may try now.
func (l *failureLimiter) wait(ip string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.entries[ip]
	if e == nil {
		return 0
	}
	return max(e.lockedUntil.Sub(l.now()), 0)
}

// fail counts a failure of ip.
func (l *failureLimiter) fail(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	e := l.entries[ip]
	if e == nil || now.Sub(e.last) > forgetAfter {
		e = &failures{}
		l.entries[ip] = e
	}
	e.count++
	e.last = now
	if over := e.count - l.threshold; over >= 0 {
		d := l.base
		for i := 0; i < over && d < l.max; i++ {
			d *= 2
		}
		e.lockedUntil = now.Add(min(d, l.max))
	}
}

// succeed forgets ip's failures.
func (l *failureLimiter) succeed(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.entries, ip)
}

// sweep drops forgotten addresses now and then, so the map stays small.
func (l *failureLimiter) sweep(now time.Time) {
	l.sweeps++
	if l.sweeps%256 != 0 {
		return
	}
	for ip, e := range l.entries {
		if now.Sub(e.last) > forgetAfter && !now.Before(e.lockedUntil) {
			delete(l.entries, ip)
		}
	}
}
