package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func newTestLimiter(cfg LimiterConfig) (*LoginLimiter, *fakeClock) {
	clock := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	cfg.Now = clock.now
	return NewLoginLimiter(cfg), clock
}

// fail runs one failed attempt and reports whether it was admitted.
func fail(l *LoginLimiter, ip, user string) bool {
	a, _, ok := l.Begin(ip, user)
	if ok {
		a.Fail()
	}
	return ok
}

func admitted(l *LoginLimiter, ip, user string) (time.Duration, bool) {
	a, wait, ok := l.Begin(ip, user)
	if ok {
		a.Abandon()
	}
	return wait, ok
}

// TestLoginLimiterEscalates: a (user, address) pair is locked after
// UserThreshold failures, for a time that doubles up to MaxLockout, and
// a successful login from that address forgets it.
func TestLoginLimiterEscalates(t *testing.T) {
	l, clock := newTestLimiter(LimiterConfig{UserThreshold: 3, IPThreshold: 100, AccountThreshold: 100,
		BaseLockout: time.Minute, MaxLockout: 8 * time.Minute})
	for range 3 {
		if !fail(l, "10.0.0.1", "alice") {
			t.Fatal("refused before the threshold")
		}
	}
	wait, ok := admitted(l, "10.0.0.1", "ALICE")
	if ok || wait != time.Minute {
		t.Fatalf("after 3 failures: Begin = %v, %v; want locked 1m whatever the case", wait, ok)
	}
	if _, ok := admitted(l, "10.0.0.1", "bob"); !ok {
		t.Fatal("another user is locked by alice's failures")
	}
	clock.t = clock.t.Add(time.Minute)
	fail(l, "10.0.0.1", "alice")
	if wait, _ := admitted(l, "10.0.0.1", "alice"); wait != 2*time.Minute {
		t.Fatalf("4th failure lockout = %v, want 2m", wait)
	}
	for range 10 {
		clock.t = clock.t.Add(time.Hour)
		fail(l, "10.0.0.1", "alice")
	}
	if wait, _ := admitted(l, "10.0.0.1", "alice"); wait != 8*time.Minute {
		t.Fatalf("lockout = %v, want capped at 8m", wait)
	}
	clock.t = clock.t.Add(8 * time.Minute)
	a, _, ok := l.Begin("10.0.0.1", "alice")
	if !ok {
		t.Fatal("still locked after the lockout")
	}
	a.Succeed()
	for range 2 {
		fail(l, "10.0.0.1", "alice")
	}
	if _, ok := admitted(l, "10.0.0.1", "alice"); !ok {
		t.Fatal("Succeed did not forget the pair's failures")
	}
}

// TestLoginLimiterOwnerNotLockedOut: however long an attacker hammers a
// username from one address, the owner logs in from an address that has
// not failed.
func TestLoginLimiterOwnerNotLockedOut(t *testing.T) {
	l, clock := newTestLimiter(LimiterConfig{})
	for range 500 {
		fail(l, "198.51.100.7", "admin")
		clock.t = clock.t.Add(10 * time.Second)
	}
	if _, ok := admitted(l, "198.51.100.7", "admin"); ok {
		t.Fatal("the attacking address is not locked")
	}
	if _, ok := admitted(l, "192.168.1.20", "admin"); !ok {
		t.Fatal("the owner's clean address is locked out by another address's failures")
	}
}

// TestLoginLimiterAccountSlowsFailingAddresses: failures for one account
// spread over many addresses (each below its own threshold) put the account
// under the slow limit: addresses that failed share one attempt per
// AccountInterval, while a clean address is still admitted.
func TestLoginLimiterAccountSlowsFailingAddresses(t *testing.T) {
	l, clock := newTestLimiter(LimiterConfig{UserThreshold: 5, IPThreshold: 100, AccountThreshold: 10, AccountInterval: time.Minute})
	for i := range 10 {
		if !fail(l, fmt.Sprintf("203.0.113.%d", i), "admin") {
			t.Fatalf("failure %d refused before the account threshold", i)
		}
	}
	if !fail(l, "203.0.113.0", "admin") {
		t.Fatal("the first slow attempt was refused")
	}
	for i := range 10 {
		if wait, ok := admitted(l, fmt.Sprintf("203.0.113.%d", i), "admin"); ok || wait <= 0 || wait > time.Minute {
			t.Fatalf("failed address %d under the slow limit: Begin = %v, %v; want refused up to 1m", i, wait, ok)
		}
	}
	a, _, ok := l.Begin("192.168.1.20", "admin")
	if !ok {
		t.Fatal("a clean address is refused by the account's slow limit")
	}
	a.Succeed()
	clock.t = clock.t.Add(time.Minute)
	if _, ok := admitted(l, "203.0.113.3", "admin"); !ok {
		t.Fatal("no slow attempt after AccountInterval")
	}
}

// TestLoginLimiterPerAddress: one address spraying usernames is locked;
// the count is forgotten after Forget.
func TestLoginLimiterPerAddress(t *testing.T) {
	l, clock := newTestLimiter(LimiterConfig{UserThreshold: 100, IPThreshold: 5})
	for i := range 5 {
		fail(l, "192.0.2.7", "user"+string(rune('a'+i)))
	}
	if _, ok := admitted(l, "192.0.2.7", "someone-new"); ok {
		t.Fatal("address not locked after spraying usernames")
	}
	if _, ok := admitted(l, "192.0.2.8", "someone-new"); !ok {
		t.Fatal("other address locked")
	}
	clock.t = clock.t.Add(25 * time.Hour)
	fail(l, "192.0.2.7", "x")
	if _, ok := admitted(l, "192.0.2.7", "y"); !ok {
		t.Fatal("failures not forgotten after the Forget period")
	}
}

// TestLoginLimiterCountsAttemptsInFlight: slots are taken before the
// verdict, so concurrent attempts never exceed the threshold, and an
// abandoned attempt gives its slot back without counting.
func TestLoginLimiterCountsAttemptsInFlight(t *testing.T) {
	l, _ := newTestLimiter(LimiterConfig{UserThreshold: 5, IPThreshold: 20})
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		attempts []*Attempt
		refused  int
	)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, wait, ok := l.Begin("10.0.0.1", "alice")
			mu.Lock()
			defer mu.Unlock()
			if !ok {
				if wait <= 0 {
					t.Error("refused without a wait")
				}
				refused++
				return
			}
			attempts = append(attempts, a)
		}()
	}
	wg.Wait()
	if len(attempts) != 5 || refused != 35 {
		t.Fatalf("40 concurrent attempts: %d admitted, %d refused; want 5 and 35", len(attempts), refused)
	}
	attempts[0].Abandon()
	attempts[0].Fail() // settling twice counts once
	a, _, ok := l.Begin("10.0.0.1", "alice")
	if !ok {
		t.Fatal("an abandoned attempt kept its slot")
	}
	attempts[0] = a
	for _, a := range attempts {
		a.Fail()
	}
	if _, ok := admitted(l, "10.0.0.1", "alice"); ok {
		t.Fatal("not locked after 5 failures")
	}
}
