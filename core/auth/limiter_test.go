package auth

import (
	"testing"
	"time"
)

func TestLoginLimiterEscalates(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := NewLoginLimiter(LimiterConfig{UserThreshold: 3, IPThreshold: 100, BaseLockout: time.Minute, MaxLockout: 8 * time.Minute, Now: clock.now})
	for i := 0; i < 2; i++ {
		l.Failure("10.0.0.1", "alice")
	}
	if _, ok := l.Check("10.0.0.1", "alice"); !ok {
		t.Fatal("locked before the threshold")
	}
	l.Failure("10.0.0.1", "alice")
	wait, ok := l.Check("10.0.0.2", "ALICE")
	if ok || wait != time.Minute {
		t.Fatalf("after 3 failures: Check = %v, %v; want locked 1m for any address and case", wait, ok)
	}
	if _, ok := l.Check("10.0.0.1", "bob"); !ok {
		t.Fatal("another user is locked by alice's failures")
	}
	clock.t = clock.t.Add(time.Minute)
	l.Failure("10.0.0.1", "alice")
	if wait, _ := l.Check("10.0.0.1", "alice"); wait != 2*time.Minute {
		t.Fatalf("4th failure lockout = %v, want 2m", wait)
	}
	for i := 0; i < 10; i++ {
		l.Failure("10.0.0.1", "alice")
	}
	if wait, _ := l.Check("10.0.0.1", "alice"); wait != 8*time.Minute {
		t.Fatalf("lockout = %v, want capped at 8m", wait)
	}
	l.Success("alice")
	if _, ok := l.Check("10.0.0.9", "alice"); !ok {
		t.Fatal("Success did not clear the user")
	}
}

func TestLoginLimiterPerAddress(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := NewLoginLimiter(LimiterConfig{UserThreshold: 100, IPThreshold: 5, Now: clock.now})
	for i := 0; i < 5; i++ {
		l.Failure("192.0.2.7", "user"+string(rune('a'+i)))
	}
	if _, ok := l.Check("192.0.2.7", "someone-new"); ok {
		t.Fatal("address not locked after spraying usernames")
	}
	if _, ok := l.Check("192.0.2.8", "someone-new"); !ok {
		t.Fatal("other address locked")
	}
	clock.t = clock.t.Add(25 * time.Hour)
	l.Failure("192.0.2.7", "x")
	if _, ok := l.Check("192.0.2.7", "y"); !ok {
		t.Fatal("failures not forgotten after the Forget period")
	}
}
