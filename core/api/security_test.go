package api_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// publicList is the explicit list of routes that answer without
// credentials.
var publicList = map[string]bool{
	"GET /health": true, "GET /ready": true,
	"POST /api/auth/login": true, "POST /api/auth/register": true,
	"POST /api/auth/refresh": true, "POST /api/auth/logout": true,
	"GET /openapi.json": true, "GET /openapi.yaml": true, "GET /openapi-3.0.json": true,
	"GET /openapi-3.0.yaml": true, "GET /docs": true, "GET /schemas/:schema": true,
	// Public only while no metrics token is configured (see metrics_test.go).
	"GET /metrics":        true,
	"GET /api/auth/setup": true,
	// The web UI: its files and page addresses (ui_test.go); the API
	// routes it does not serve are checked here like any other.
	"GET /*": true,
}

var routeParam = regexp.MustCompile(`:[a-z]+`)

// TestEveryRouteRequiresAuthentication enumerates the registered routes:
// without credentials each answers 401, except the public list; with bad
// credentials too; with a valid token none answers 401.
func TestEveryRouteRequiresAuthentication(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st, mountUI(t, ""))
	alice := h.register("alice", cred{})
	routes := h.srv.App().GetRoutes(true)
	if len(routes) < 30 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	seen := map[string]bool{}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		if seen[key] || r.Method == http.MethodHead || r.Method == http.MethodConnect || r.Method == http.MethodTrace {
			continue
		}
		seen[key] = true
		path := routeParam.ReplaceAllString(r.Path, "1")
		if publicList[key] {
			continue
		}
		for name, c := range map[string]cred{
			"none":        {},
			"bad bearer":  bearer("x.y.z"),
			"bad api key": {apiKey: auth.APIKeyPrefix + strings.Repeat("A", 43)},
			"bad cookie":  {cookie: "searcharr_access=x.y.z", header: map[string]string{"X-Requested-With": "t"}},
			"basic":       {header: map[string]string{"Authorization": "Basic YWxpY2U6cGFzcw=="}},
		} {
			if got := h.do(r.Method, path, "{}", c); got.Status != http.StatusUnauthorized {
				t.Errorf("%s with %s credentials = %s, want 401", key, name, got)
			} else if !strings.Contains(got.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s 401 content type %q", key, got.Header.Get("Content-Type"))
			}
		}
		if got := h.do(r.Method, path, "{}", bearer(alice.AccessToken)); got.Status == http.StatusUnauthorized {
			t.Errorf("%s with a valid token = %s", key, got)
		}
	}
	for key := range publicList {
		if !seen[key] {
			t.Errorf("public route %s is not registered", key)
		}
	}
	// Unknown paths are refused before routing, so they reveal nothing.
	if got := h.do("GET", "/api/nothing-here", nil, cred{}); got.Status != http.StatusUnauthorized {
		t.Errorf("unknown route without credentials = %s, want 401", got)
	}
	if got := h.do("GET", "/API/instances", nil, cred{}); got.Status != http.StatusUnauthorized {
		t.Errorf("case-changed route without credentials = %s, want 401", got)
	}
}

// TestRegisterCannotRecreateOwner: once a user exists, anonymous register
// is refused, an ordinary user cannot create users, and concurrent first
// registrations make exactly one administrator.
func TestRegisterCannotRecreateOwner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		const n = 8
		var wg sync.WaitGroup
		statuses := make([]int, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = h.do("POST", "/api/auth/register", map[string]any{"username": fmt.Sprintf("owner%d", i), "password": testPassword}, cred{}).Status
			}()
		}
		wg.Wait()
		created := 0
		for _, s := range statuses {
			switch s {
			case http.StatusCreated:
				created++
			case http.StatusUnauthorized:
			default:
				t.Fatalf("concurrent first register answered %d", s)
			}
		}
		if count, _ := st.Users().Count(t.Context()); created != 1 || count != 1 {
			t.Fatalf("%d registrations succeeded, %d users exist; want exactly 1", created, count)
		}

		again := map[string]any{"username": "owner", "password": testPassword}
		if got := h.do("POST", "/api/auth/register", again, cred{}); got.Status != http.StatusUnauthorized {
			t.Fatalf("anonymous register after setup = %s, want 401", got)
		}
		var owner string
		for i, s := range statuses {
			if s == http.StatusCreated {
				owner = fmt.Sprintf("owner%d", i)
			}
		}
		root := h.login(owner)
		h.must(http.StatusCreated, "POST", "/api/auth/register", map[string]any{"username": "bob", "password": testPassword}, bearer(root.AccessToken))
		bob := h.login("bob")
		if got := h.do("POST", "/api/auth/register", map[string]any{"username": "mallory", "password": testPassword, "is_admin": true}, bearer(bob.AccessToken)); got.Status != http.StatusForbidden {
			t.Fatalf("register by a non-admin = %s, want 403", got)
		}
		if got := h.do("POST", "/api/auth/register", map[string]any{"username": owner, "password": testPassword}, bearer(root.AccessToken)); got.Status != http.StatusConflict {
			t.Fatalf("register of a taken name = %s, want 409", got)
		}
		if count, _ := st.Users().Count(t.Context()); count != 2 {
			t.Fatalf("%d users, want 2", count)
		}
		var me struct {
			IsAdmin bool `json:"is_admin"`
		}
		h.must(200, "GET", "/api/auth/me", nil, bearer(bob.AccessToken)).json(t, &me)
		if me.IsAdmin {
			t.Fatal("second user is an administrator")
		}
	})
}

// TestLoginRateLimitIgnoresSpoofedForwardedFor: a client rotating
// X-Forwarded-For is still locked out, directly and behind a trusted proxy.
func TestLoginRateLimitIgnoresSpoofedForwardedFor(t *testing.T) {
	for name, proxies := range map[string][]string{"no proxy": nil, "trusted proxy": {"127.0.0.1"}} {
		t.Run(name, func(t *testing.T) {
			st := storetest.Open(t, store.DialectSQLite)
			h := newHarness(t, st, func(c *api.Config, _ *api.Deps) {
				c.TrustedProxies = proxies
				c.Limiter = auth.LimiterConfig{UserThreshold: 1000, IPThreshold: 5}
			})
			h.register("alice", cred{})
			bad := map[string]any{"username": "alice", "password": "wrong password here"}
			locked := false
			for i := range 12 {
				// The proxy appends the real client (203.0.113.9) to what the
				// client sent; the client varies its own part.
				xff := fmt.Sprintf("198.51.100.%d", i)
				if proxies != nil {
					xff += ", 203.0.113.9"
				}
				got := h.do("POST", "/api/auth/login", bad, cred{header: map[string]string{"X-Forwarded-For": xff}})
				if got.Status == http.StatusTooManyRequests {
					locked = true
					if got.Header.Get("Retry-After") == "" {
						t.Fatal("429 without Retry-After")
					}
					break
				}
				if got.Status != http.StatusUnauthorized {
					t.Fatalf("failed login = %s", got)
				}
			}
			if !locked {
				t.Fatal("rotating X-Forwarded-For escaped the per-address login limit")
			}
			// Even the right password is refused while the address is
			// locked, whatever the client writes in the header.
			xff := "192.0.2.1"
			if proxies != nil {
				xff += ", 203.0.113.9"
			}
			good := map[string]any{"username": "alice", "password": testPassword}
			if got := h.do("POST", "/api/auth/login", good, cred{header: map[string]string{"X-Forwarded-For": xff}}); got.Status != http.StatusTooManyRequests {
				t.Fatalf("login while locked = %s, want 429", got)
			}
		})
	}
}

// TestLoginPerUserLockout locks a username whatever the address.
func TestLoginPerUserLockout(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st, func(c *api.Config, _ *api.Deps) {
		c.Limiter = auth.LimiterConfig{UserThreshold: 3, IPThreshold: 1000, BaseLockout: time.Minute}
	})
	h.register("alice", cred{})
	for range 3 {
		h.must(http.StatusUnauthorized, "POST", "/api/auth/login", map[string]any{"username": "alice", "password": "nope nope nope"}, cred{})
	}
	h.must(http.StatusTooManyRequests, "POST", "/api/auth/login", map[string]any{"username": "ALICE", "password": testPassword}, cred{})
	h.clock.Advance(61 * time.Second)
	h.must(http.StatusOK, "POST", "/api/auth/login", map[string]any{"username": "alice", "password": testPassword}, cred{})
}

// TestUnknownUserTakesAsLong compares failed logins for an unknown and a
// known user with real argon2id parameters.
func TestUnknownUserTakesAsLong(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st, func(c *api.Config, _ *api.Deps) {
		c.Argon2 = auth.Argon2Params{}
		c.Limiter = auth.LimiterConfig{UserThreshold: 1000, IPThreshold: 1000}
	})
	h.register("alice", cred{})
	measure := func(user string) time.Duration {
		best := time.Hour
		for range 5 {
			start := time.Now()
			h.must(http.StatusUnauthorized, "POST", "/api/auth/login", map[string]any{"username": user, "password": "wrong password!!"}, cred{})
			best = min(best, time.Since(start))
		}
		return best
	}
	known, unknown := measure("alice"), measure("nobody-at-all")
	if unknown < known/2 {
		t.Fatalf("unknown user answered in %v, known user in %v: usernames can be probed by timing", unknown, known)
	}
}

// TestJWTRefusals: none, tampered, foreign-key and expired tokens are 401.
func TestJWTRefusals(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st)
	alice := h.register("alice", cred{})
	h.must(200, "GET", "/api/auth/me", nil, bearer(alice.AccessToken))
	parts := strings.Split(alice.AccessToken, ".")
	enc := base64.RawURLEncoding.EncodeToString
	none := enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forged := strings.Replace(string(payload), `"sub":"1"`, `"sub":"2"`, 1)
	tampered := parts[0] + "." + enc([]byte(forged)) + "." + parts[2]
	other, _ := auth.NewTokenIssuer([]byte(strings.Repeat("o", 32)), time.Minute, nil)
	foreign, _, _ := other.Issue(1)
	for name, tok := range map[string]string{"none": none, "tampered": tampered, "foreign key": foreign, "truncated": parts[0] + "." + parts[1]} {
		if got := h.do("GET", "/api/auth/me", nil, bearer(tok)); got.Status != http.StatusUnauthorized {
			t.Errorf("%s token = %s, want 401", name, got)
		}
		if got := h.do("GET", "/api/auth/me", nil, cred{cookie: "searcharr_access=" + tok}); got.Status != http.StatusUnauthorized {
			t.Errorf("%s token in cookie = %s, want 401", name, got)
		}
	}
	h.clock.Advance(api.DefaultRequestTimeout + auth.DefaultAccessTTL)
	if got := h.do("GET", "/api/auth/me", nil, bearer(alice.AccessToken)); got.Status != http.StatusUnauthorized {
		t.Errorf("expired token = %s, want 401", got)
	}
}

// TestRefreshRotationAndReuse: a refresh token works once; presenting it
// again revokes its whole family, including the token it was exchanged for.
func TestRefreshRotationAndReuse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		first := h.register("alice", cred{})
		var second tokens
		h.must(200, "POST", "/api/auth/refresh", map[string]any{"refresh_token": first.RefreshToken}, cred{}).json(t, &second)
		if second.RefreshToken == first.RefreshToken {
			t.Fatal("refresh did not rotate the token")
		}
		h.must(http.StatusUnauthorized, "POST", "/api/auth/refresh", map[string]any{"refresh_token": first.RefreshToken}, cred{})
		h.must(http.StatusUnauthorized, "POST", "/api/auth/refresh", map[string]any{"refresh_token": second.RefreshToken}, cred{})
		// Another session of the same user is untouched.
		other := h.login("alice")
		h.must(200, "POST", "/api/auth/refresh", map[string]any{"refresh_token": other.RefreshToken}, cred{})
		// Garbage and unknown tokens.
		h.must(http.StatusUnauthorized, "POST", "/api/auth/refresh", map[string]any{"refresh_token": "srt_nope"}, cred{})
		h.must(http.StatusUnauthorized, "POST", "/api/auth/refresh", map[string]any{"refresh_token": auth.RefreshTokenPrefix + strings.Repeat("A", 43)}, cred{})
		h.must(http.StatusUnauthorized, "POST", "/api/auth/refresh", nil, cred{})
	})
}

// TestPasswordChangeEndsSessions: old refresh tokens stop working and the
// old password no longer logs in.
func TestPasswordChangeEndsSessions(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st)
	alice := h.register("alice", cred{})
	h.must(http.StatusUnprocessableEntity, "POST", "/api/auth/password", map[string]any{"current_password": "wrong one entirely", "new_password": "another quite long phrase"}, bearer(alice.AccessToken))
	h.must(http.StatusUnprocessableEntity, "POST", "/api/auth/password", map[string]any{"current_password": testPassword, "new_password": "password1234"}, bearer(alice.AccessToken))
	var fresh tokens
	h.must(200, "POST", "/api/auth/password", map[string]any{"current_password": testPassword, "new_password": "another quite long phrase"}, bearer(alice.AccessToken)).json(t, &fresh)
	h.must(http.StatusUnauthorized, "POST", "/api/auth/refresh", map[string]any{"refresh_token": alice.RefreshToken}, cred{})
	h.must(http.StatusUnauthorized, "POST", "/api/auth/login", map[string]any{"username": "alice", "password": testPassword}, cred{})
	h.must(200, "GET", "/api/auth/me", nil, bearer(fresh.AccessToken))
	h.must(200, "POST", "/api/auth/refresh", map[string]any{"refresh_token": fresh.RefreshToken}, cred{})
}

// TestAPIKeys: a key authenticates until deleted or expired, is shown only
// once, and a user cannot delete another's key.
func TestAPIKeys(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st)
	alice, bob := h.twoUsers()
	var key struct {
		ID     int64  `json:"id"`
		Key    string `json:"key"`
		Prefix string `json:"prefix"`
	}
	h.must(201, "POST", "/api/auth/api-keys", map[string]any{"name": "cron", "expires_in_days": 1}, bearer(alice.AccessToken)).json(t, &key)
	if !strings.HasPrefix(key.Key, key.Prefix) || !strings.HasPrefix(key.Key, auth.APIKeyPrefix) {
		t.Fatalf("key %+v", key)
	}
	var me struct {
		Username   string `json:"username"`
		AuthMethod string `json:"auth_method"`
	}
	h.must(200, "GET", "/api/auth/me", nil, cred{apiKey: key.Key}).json(t, &me)
	if me.Username != "alice" || me.AuthMethod != "api_key" {
		t.Fatalf("me with key = %+v", me)
	}
	list := h.must(200, "GET", "/api/auth/api-keys", nil, bearer(alice.AccessToken))
	if strings.Contains(string(list.Body), key.Key) {
		t.Fatal("key listed after creation")
	}
	h.must(http.StatusNotFound, "DELETE", fmt.Sprintf("/api/auth/api-keys/%d", key.ID), nil, bearer(bob.AccessToken))
	h.must(200, "GET", "/api/auth/me", nil, cred{apiKey: key.Key})
	h.clock.Advance(25 * time.Hour)
	h.must(http.StatusUnauthorized, "GET", "/api/auth/me", nil, cred{apiKey: key.Key})
	h.clock.Advance(-25 * time.Hour)
	h.must(http.StatusNoContent, "DELETE", fmt.Sprintf("/api/auth/api-keys/%d", key.ID), nil, bearer(alice.AccessToken))
	h.must(http.StatusUnauthorized, "GET", "/api/auth/me", nil, cred{apiKey: key.Key})
}

// TestCSRF: cookie-authenticated requests that change state need
// X-Requested-With and a same-site Origin.
func TestCSRF(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st)
	h.must(201, "POST", "/api/auth/register", map[string]any{"username": "alice", "password": testPassword}, cred{})
	login := h.must(200, "POST", "/api/auth/login", map[string]any{"username": "alice", "password": testPassword}, cred{})
	var cookies []string
	for _, c := range login.Header.Values("Set-Cookie") {
		if !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Strict") {
			t.Fatalf("cookie %q is not HttpOnly SameSite=Strict", c)
		}
		cookies = append(cookies, strings.SplitN(c, ";", 2)[0])
	}
	if len(cookies) != 2 {
		t.Fatalf("login set %d cookies, want 2", len(cookies))
	}
	jar := strings.Join(cookies, "; ")
	body := map[string]any{"name": "k"}
	h.must(200, "GET", "/api/auth/me", nil, cred{cookie: jar})
	h.must(http.StatusForbidden, "POST", "/api/auth/api-keys", body, cred{cookie: jar})
	h.must(http.StatusForbidden, "POST", "/api/auth/api-keys", body, cred{cookie: jar,
		header: map[string]string{"X-Requested-With": "XMLHttpRequest", "Origin": "https://evil.example"}})
	h.must(http.StatusForbidden, "POST", "/api/auth/api-keys", body, cred{cookie: jar,
		header: map[string]string{"X-Requested-With": "XMLHttpRequest", "Sec-Fetch-Site": "cross-site"}})
	h.must(http.StatusForbidden, "POST", "/api/auth/refresh", nil, cred{cookie: jar})
	h.must(http.StatusForbidden, "POST", "/api/auth/logout", nil, cred{cookie: jar})
	if n := countKeys(t, h, jar); n != 0 {
		t.Fatalf("%d api keys created by refused requests", n)
	}
	h.must(http.StatusCreated, "POST", "/api/auth/api-keys", body, cred{cookie: jar,
		header: map[string]string{"X-Requested-With": "XMLHttpRequest", "Origin": h.base}})
	h.must(http.StatusOK, "POST", "/api/auth/refresh", nil, cred{cookie: jar, header: map[string]string{"X-Requested-With": "XMLHttpRequest"}})
}

func countKeys(t *testing.T, h *harness, jar string) int {
	t.Helper()
	var keys []map[string]any
	h.must(200, "GET", "/api/auth/api-keys", nil, cred{cookie: jar}).json(t, &keys)
	return len(keys)
}

// TestSecurityHeaders checks helmet's headers and that CORS is off.
func TestSecurityHeaders(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st)
	r := h.do("GET", "/health", nil, cred{header: map[string]string{"Origin": "https://evil.example"}})
	for _, hdr := range []string{"X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy", "Referrer-Policy"} {
		if r.Header.Get(hdr) == "" {
			t.Errorf("missing %s", hdr)
		}
	}
	if r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("CORS header present")
	}
}
