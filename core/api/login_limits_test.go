package api_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// TestConcurrentLoginsStayWithinTheLimit: 39 wrong passwords and the right
// one sent at once from one address. A slot is taken before each hash, so
// no more attempts are judged than the limit allows; the others get 429,
// and no wrong password is ever admitted.
func TestConcurrentLoginsStayWithinTheLimit(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st, func(c *api.Config, _ *api.Deps) {
		c.Limiter = auth.LimiterConfig{UserThreshold: 5, IPThreshold: 20}
	})
	h.register("alice", cred{})
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[int]int{}
	)
	for i := range 40 {
		password := fmt.Sprintf("wrong password %d", i)
		if i == 20 {
			password = testPassword
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			got := h.do("POST", "/api/auth/login", map[string]any{"username": "alice", "password": password}, cred{})
			mu.Lock()
			defer mu.Unlock()
			statuses[got.Status]++
			if got.Status == http.StatusOK && password != testPassword {
				t.Errorf("wrong password %q admitted", password)
			}
			if got.Status == http.StatusTooManyRequests && got.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		}()
	}
	wg.Wait()
	judged := statuses[http.StatusOK] + statuses[http.StatusUnauthorized]
	if judged > 5 || statuses[http.StatusTooManyRequests] != 40-judged || statuses[http.StatusOK] > 1 {
		t.Fatalf("40 concurrent logins answered %v; want at most 5 judged (200/401), the rest 429", statuses)
	}
}

// TestOwnerLogsInWhileAttackerHammers: an attacker sending wrong passwords
// for the administrator from one address (behind a trusted proxy, so the
// proxy's X-Forwarded-For tells the addresses apart) does not lock the
// owner out of a clean address.
func TestOwnerLogsInWhileAttackerHammers(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st, func(c *api.Config, _ *api.Deps) {
		c.TrustedProxies = []string{"127.0.0.1"}
		c.Limiter = auth.LimiterConfig{UserThreshold: 5, IPThreshold: 20}
	})
	h.register("alice", cred{})
	attacker := cred{header: map[string]string{"X-Forwarded-For": "203.0.113.9"}}
	bad := map[string]any{"username": "alice", "password": "guess guess guess"}
	owner := cred{header: map[string]string{"X-Forwarded-For": "192.0.2.10"}}
	good := map[string]any{"username": "alice", "password": testPassword}
	locked := false
	for round := range 3 {
		for range 15 {
			got := h.do("POST", "/api/auth/login", bad, attacker)
			switch got.Status {
			case http.StatusTooManyRequests:
				locked = true
			case http.StatusUnauthorized:
			default:
				t.Fatalf("attacker's login = %s", got)
			}
		}
		// The owner, from a clean address, logs in after each wave.
		if got := h.do("POST", "/api/auth/login", good, owner); got.Status != http.StatusOK {
			t.Fatalf("round %d: the owner's login from a clean address = %s, want 200", round, got)
		}
	}
	if !locked {
		t.Fatal("the attacking address was never locked")
	}
	// The attacker's address stays locked, even with the right password.
	h.must(http.StatusTooManyRequests, "POST", "/api/auth/login", good, attacker)
}
