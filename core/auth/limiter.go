package auth

import (
	"strings"
	"sync"
	"time"
)

// LimiterConfig tunes a LoginLimiter; zero fields take the defaults.
type LimiterConfig struct {
	// UserThreshold is how many failed logins for one username lock it
	// (default 5).
	UserThreshold int
	// IPThreshold is how many failed logins from one address lock it
	// (default 20).
	IPThreshold int
	// BaseLockout is the first lockout (default 1 minute); each further
	// failure doubles it, up to MaxLockout (default 1 hour).
	BaseLockout time.Duration
	MaxLockout  time.Duration
	// Forget is how long after its last failure a key starts afresh
	// (default 24 hours).
	Forget time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (c *LimiterConfig) setDefaults() {
	if c.UserThreshold <= 0 {
		c.UserThreshold = 5
	}
	if c.IPThreshold <= 0 {
		c.IPThreshold = 20
	}
	if c.BaseLockout <= 0 {
		c.BaseLockout = time.Minute
	}
	if c.MaxLockout <= 0 {
		c.MaxLockout = time.Hour
	}
	if c.Forget <= 0 {
		c.Forget = 24 * time.Hour
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// LoginLimiter counts failed logins per client address and per username and
// locks either out for an escalating time once it passes its threshold. It
// lives in memory: each replica counts on its own. It is safe for
// concurrent use.
type LoginLimiter struct {
	cfg     LimiterConfig
	mu      sync.Mutex
	entries map[string]*limitEntry
	sweeps  int
}

type limitEntry struct {
	failures    int
	lockedUntil time.Time
	last        time.Time
}

// NewLoginLimiter returns a limiter.
func NewLoginLimiter(cfg LimiterConfig) *LoginLimiter {
	cfg.setDefaults()
	return &LoginLimiter{cfg: cfg, entries: make(map[string]*limitEntry)}
}

func ipKey(ip string) string     { return "ip:" + ip }
func userKey(name string) string { return "user:" + strings.ToLower(strings.TrimSpace(name)) }

// Check reports whether a login from ip for username may be tried now, and
// if not, how long to wait.
func (l *LoginLimiter) Check(ip, username string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	wait := max(l.lockedFor(ipKey(ip), now), l.lockedFor(userKey(username), now))
	return wait, wait == 0
}

func (l *LoginLimiter) lockedFor(key string, now time.Time) time.Duration {
	e, ok := l.entries[key]
	if !ok || !now.Before(e.lockedUntil) {
		return 0
	}
	return e.lockedUntil.Sub(now)
}

// Failure records a failed login from ip for username.
func (l *LoginLimiter) Failure(ip, username string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	l.fail(ipKey(ip), l.cfg.IPThreshold, now)
	l.fail(userKey(username), l.cfg.UserThreshold, now)
	l.sweep(now)
}

func (l *LoginLimiter) fail(key string, threshold int, now time.Time) {
	e, ok := l.entries[key]
	if !ok || now.Sub(e.last) > l.cfg.Forget {
		e = &limitEntry{}
		l.entries[key] = e
	}
	e.failures++
	e.last = now
	if over := e.failures - threshold; over >= 0 {
		lock := l.cfg.BaseLockout
		for i := 0; i < over && lock < l.cfg.MaxLockout; i++ {
			lock *= 2
		}
		e.lockedUntil = now.Add(min(lock, l.cfg.MaxLockout))
	}
}

// Success forgets the failures of username after a successful login. The
// address keeps its count, so one valid account does not reset an attack
// spread over many usernames.
func (l *LoginLimiter) Success(username string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.entries, userKey(username))
}

// sweep drops forgotten entries every few hundred failures, so the map
// stays bounded by the failures of the last Forget period.
func (l *LoginLimiter) sweep(now time.Time) {
	l.sweeps++
	if l.sweeps%256 != 0 {
		return
	}
	for k, e := range l.entries {
		if now.Sub(e.last) > l.cfg.Forget && !now.Before(e.lockedUntil) {
			delete(l.entries, k)
		}
	}
}
