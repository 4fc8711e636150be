package auth

import (
	"strings"
	"sync"
	"time"
)

// LimiterConfig tunes a LoginLimiter; zero fields take the defaults.
type LimiterConfig struct {
	// UserThreshold is how many failed logins for one username from one
	// client address lock that pair (default 5). Other addresses are not
	// affected, so an attacker cannot lock the owner out.
	UserThreshold int
	// IPThreshold is how many failed logins from one address, whatever the
	// usernames, lock the address (default 20).
	IPThreshold int
	// AccountThreshold is how many failed logins for one username from all
	// addresses together put the account under the slow limit (default
	// 50): then the addresses that have failed for it share one attempt
	// per AccountInterval (default 1 minute). An address that has never
	// failed for the username is not slowed.
	AccountThreshold int
	AccountInterval  time.Duration
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
	if c.AccountThreshold <= 0 {
		c.AccountThreshold = 50
	}
	if c.AccountInterval <= 0 {
		c.AccountInterval = time.Minute
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

// LoginLimiter throttles password attempts at three levels:
//
//   - per (username, client address): UserThreshold failures lock the pair;
//   - per client address: IPThreshold failures lock the address, whatever
//     the usernames it tries;
//   - per username: past AccountThreshold failures from anywhere, the
//     addresses that have failed for it share one attempt per
//     AccountInterval, while an address that has not failed is never
//     slowed by the account's count.
//
// Locks escalate from BaseLockout, doubling up to MaxLockout. An attempt
// takes its slot in Begin, before the password is hashed, and is settled
// by Fail, Succeed or Abandon: attempts in flight count against the
// thresholds, so concurrent requests cannot try more passwords than the
// limits allow. The limiter lives in memory: each replica counts on its
// own. It is safe for concurrent use.
type LoginLimiter struct {
	cfg      LimiterConfig
	mu       sync.Mutex
	addrs    map[string]*counter
	pairs    map[string]*counter
	accounts map[string]*account
	settled  int
}

// counter counts the failures of a key and the attempts in flight.
type counter struct {
	failures    int
	pending     int
	lockedUntil time.Time
	last        time.Time
}

// account counts a username's failures from every address.
type account struct {
	failures int
	last     time.Time
	// nextSlow is when an address that failed for the account may try
	// again while the account is over AccountThreshold.
	nextSlow time.Time
}

// NewLoginLimiter returns a limiter.
func NewLoginLimiter(cfg LimiterConfig) *LoginLimiter {
	cfg.setDefaults()
	return &LoginLimiter{cfg: cfg, addrs: map[string]*counter{}, pairs: map[string]*counter{}, accounts: map[string]*account{}}
}

// Attempt is a login attempt holding its slot in the limiter. Settle it
// exactly once with Fail, Succeed or Abandon.
type Attempt struct {
	l       *LoginLimiter
	ip      string
	user    string
	settled bool
}

func normalUser(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

func pairKey(ip, user string) string { return user + "\x00" + ip }

// live is the failure count of c that still counts at now.
func (l *LoginLimiter) live(c *counter, now time.Time) int {
	if c == nil || now.Sub(c.last) > l.cfg.Forget {
		return 0
	}
	return c.failures
}

func lockedFor(c *counter, now time.Time) time.Duration {
	if c == nil || !now.Before(c.lockedUntil) {
		return 0
	}
	return c.lockedUntil.Sub(now)
}

// full reports whether attempts in flight already use every attempt c has
// left before its threshold; past a lockout, one at a time.
func (l *LoginLimiter) full(c *counter, threshold int, now time.Time) bool {
	return c != nil && c.pending >= max(threshold-l.live(c, now), 1)
}

// inFlightWait is the wait answered when attempts in flight already fill a
// limit: they settle within a hash's time.
const inFlightWait = time.Second

// Begin takes a slot for a login attempt from ip for username. When a
// limit refuses it, Begin returns nil, how long to wait and false.
func (l *LoginLimiter) Begin(ip, username string) (*Attempt, time.Duration, bool) {
	user := normalUser(username)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	addr, pair, acct := l.addrs[ip], l.pairs[pairKey(ip, user)], l.accounts[user]
	if wait := max(lockedFor(addr, now), lockedFor(pair, now)); wait > 0 {
		return nil, wait, false
	}
	if l.full(addr, l.cfg.IPThreshold, now) || l.full(pair, l.cfg.UserThreshold, now) {
		return nil, inFlightWait, false
	}
	// The account's slow limit applies to addresses that failed for it.
	if l.live(pair, now) > 0 && acct != nil && now.Sub(acct.last) <= l.cfg.Forget && acct.failures >= l.cfg.AccountThreshold {
		if now.Before(acct.nextSlow) {
			return nil, acct.nextSlow.Sub(now), false
		}
		acct.nextSlow = now.Add(l.cfg.AccountInterval)
	}
	if addr == nil {
		addr = &counter{}
		l.addrs[ip] = addr
	}
	if pair == nil {
		pair = &counter{}
		l.pairs[pairKey(ip, user)] = pair
	}
	addr.pending++
	pair.pending++
	return &Attempt{l: l, ip: ip, user: user}, 0, true
}

// Fail settles a when the password was wrong (or the user unknown): it
// counts against the address, the pair and the account.
func (a *Attempt) Fail() {
	a.settle(func(l *LoginLimiter, now time.Time, addr, pair *counter) {
		l.fail(addr, l.cfg.IPThreshold, now)
		l.fail(pair, l.cfg.UserThreshold, now)
		acct := l.accounts[a.user]
		if acct == nil || now.Sub(acct.last) > l.cfg.Forget {
			acct = &account{}
			l.accounts[a.user] = acct
		}
		acct.failures++
		acct.last = now
	})
}

// Succeed settles a after a right password: the pair's failures are
// forgotten. The address and the account keep theirs, so one valid login
// does not reset an attack spread over usernames or addresses.
func (a *Attempt) Succeed() {
	a.settle(func(_ *LoginLimiter, _ time.Time, _, pair *counter) {
		pair.failures, pair.lockedUntil = 0, time.Time{}
	})
}

// Abandon settles a when no verdict was reached (the hash did not run):
// its slot is freed and nothing is counted.
func (a *Attempt) Abandon() {
	a.settle(func(*LoginLimiter, time.Time, *counter, *counter) {})
}

func (a *Attempt) settle(f func(l *LoginLimiter, now time.Time, addr, pair *counter)) {
	l := a.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if a.settled {
		return
	}
	a.settled = true
	now := l.cfg.Now()
	addr, pair := l.addrs[a.ip], l.pairs[pairKey(a.ip, a.user)]
	addr.pending--
	pair.pending--
	f(l, now, addr, pair)
	l.sweep(now)
}

func (l *LoginLimiter) fail(c *counter, threshold int, now time.Time) {
	if now.Sub(c.last) > l.cfg.Forget {
		c.failures = 0
	}
	c.failures++
	c.last = now
	if over := c.failures - threshold; over >= 0 {
		lock := l.cfg.BaseLockout
		for i := 0; i < over && lock < l.cfg.MaxLockout; i++ {
			lock *= 2
		}
		c.lockedUntil = now.Add(min(lock, l.cfg.MaxLockout))
	}
}

// sweep drops idle, forgotten entries every few hundred settled attempts,
// so the maps stay bounded by the failures of the last Forget period.
func (l *LoginLimiter) sweep(now time.Time) {
	l.settled++
	if l.settled%256 != 0 {
		return
	}
	for _, m := range []map[string]*counter{l.addrs, l.pairs} {
		for k, c := range m {
			if c.pending == 0 && (c.failures == 0 || now.Sub(c.last) > l.cfg.Forget) && !now.Before(c.lockedUntil) {
				delete(m, k)
			}
		}
	}
	for k, a := range l.accounts {
		if now.Sub(a.last) > l.cfg.Forget && !now.Before(a.nextSlow) {
			delete(l.accounts, k)
		}
	}
}
