package auth

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func newIssuer(t *testing.T, clock *fakeClock) *TokenIssuer {
	t.Helper()
	key, err := SigningKey([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	iss, err := NewTokenIssuer(key, 10*time.Minute, clock.now)
	if err != nil {
		t.Fatal(err)
	}
	return iss
}

func TestTokenRoundTrip(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	iss := newIssuer(t, clock)
	tok, claims, err := iss.Issue(42)
	if err != nil {
		t.Fatal(err)
	}
	got, err := iss.Parse(tok)
	if err != nil {
		t.Fatal(err)
	}
	if got.UserID != 42 || !got.Expires.Equal(claims.Expires) {
		t.Fatalf("Parse = %+v, want user 42 expiring %v", got, claims.Expires)
	}
}

func TestTokenRefusals(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	iss := newIssuer(t, clock)
	tok, _, err := iss.Issue(7)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")

	enc := base64.RawURLEncoding.EncodeToString
	noneHeader := enc([]byte(`{"alg":"none","typ":"JWT"}`))
	forgedPayload := enc([]byte(`{"typ":"access","iss":"searcharr","aud":["searcharr"],"sub":"1","iat":1735787045,"exp":1999999999}`))

	otherKey, _ := SigningKey([]byte(strings.Repeat("o", 32)))
	other, _ := NewTokenIssuer(otherKey, time.Minute, clock.now)
	foreign, _, _ := other.Issue(7)

	hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, jwt.MapClaims{
		"typ": "access", "iss": "searcharr", "aud": "searcharr", "sub": "7",
		"iat": clock.t.Unix(), "exp": clock.t.Add(time.Minute).Unix(),
	}).SignedString(iss.key)
	noType, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "searcharr", "aud": "searcharr", "sub": "7",
		"iat": clock.t.Unix(), "exp": clock.t.Add(time.Minute).Unix(),
	}).SignedString(iss.key)

	cases := map[string]string{
		"none":            noneHeader + "." + parts[1] + ".",
		"none forged":     noneHeader + "." + forgedPayload + ".",
		"tampered claims": parts[0] + "." + forgedPayload + "." + parts[2],
		"tampered sig":    parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2])),
		"other key":       foreign,
		"hs512":           hs512,
		"no type":         noType,
		"garbage":         "not.a.token",
		"empty":           "",
	}
	for name, tok := range cases {
		if _, err := iss.Parse(tok); err != ErrInvalidToken {
			t.Errorf("%s: Parse error = %v, want ErrInvalidToken", name, err)
		}
	}

	clock.t = clock.t.Add(11 * time.Minute)
	if _, err := iss.Parse(tok); err != ErrInvalidToken {
		t.Errorf("expired: Parse error = %v, want ErrInvalidToken", err)
	}
}

func TestDeriveKeyIsPurposeBound(t *testing.T) {
	master := []byte(strings.Repeat("m", 32))
	a, _ := DeriveKey(master, "a")
	b, _ := DeriveKey(master, "b")
	if string(a) == string(b) || string(a) == string(master) {
		t.Fatal("derived keys are not distinct from each other and the master")
	}
	if _, err := DeriveKey([]byte("short"), "a"); err == nil {
		t.Fatal("short master key accepted")
	}
}

func TestOpaque(t *testing.T) {
	k, err := NewOpaque(APIKeyPrefix)
	if err != nil {
		t.Fatal(err)
	}
	if !WellFormed(k, APIKeyPrefix) || WellFormed(k, RefreshTokenPrefix) || WellFormed(k+"x", APIKeyPrefix) {
		t.Fatalf("WellFormed misjudges %q", k)
	}
	if HashOpaque(k) == HashOpaque(k+"x") || len(HashOpaque(k)) != 64 {
		t.Fatal("HashOpaque is not a SHA-256 hex digest")
	}
	if !strings.HasPrefix(k, DisplayPrefix(k)) || len(DisplayPrefix(k)) != len(APIKeyPrefix)+6 {
		t.Fatalf("DisplayPrefix(%q) = %q", k, DisplayPrefix(k))
	}
}
