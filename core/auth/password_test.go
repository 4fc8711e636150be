package auth

import (
	"errors"
	"strings"
	"testing"
)

func fastHasher(t *testing.T) *Hasher {
	t.Helper()
	h, err := NewHasher(Argon2Params{Memory: 1024, Iterations: 1})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHasherRoundTrip(t *testing.T) {
	h := fastHasher(t)
	enc, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string", enc)
	}
	if ok, err := h.Verify("correct horse battery staple", enc); err != nil || !ok {
		t.Fatalf("Verify(right) = %v, %v", ok, err)
	}
	if ok, _ := h.Verify("correct horse battery stapler", enc); ok {
		t.Fatal("Verify(wrong) = true")
	}
	other, _ := h.Hash("correct horse battery staple")
	if other == enc {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
}

func TestHasherRejectsMalformed(t *testing.T) {
	h := fastHasher(t)
	for _, enc := range []string{"", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5"} {
		if _, err := h.Verify("x", enc); !errors.Is(err, ErrMalformedHash) {
			t.Errorf("Verify(%q) error = %v, want ErrMalformedHash", enc, err)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	weak := fastHasher(t)
	enc, _ := weak.Hash("some long passphrase")
	strong, err := NewHasher(Argon2Params{Memory: 2048, Iterations: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !strong.NeedsRehash(enc) {
		t.Fatal("weaker hash not flagged for rehash")
	}
	if weak.NeedsRehash(enc) {
		t.Fatal("hash with current params flagged for rehash")
	}
}

func TestCheckPassword(t *testing.T) {
	cases := []struct {
		password, username string
		ok                 bool
	}{
		{"short", "alice", false},
		{"password1234", "alice", false},
		{"PASSWORD1234", "alice", false},
		{"qwertyuiop123!", "alice", false},
		{"aaaaaaaaaaaaaaaa", "alice", false},
		{"alice-is-the-best", "alice", false},
		{strings.Repeat("x", MaxPasswordLength) + "y", "alice", false},
		{"violet tractor umbrella", "alice", true},
		{"Zq8#mN2!pL5@", "alice", true},
	}
	for _, c := range cases {
		err := CheckPassword(c.password, c.username)
		if (err == nil) != c.ok {
			t.Errorf("CheckPassword(%q) = %v, want ok=%v", c.password, err, c.ok)
		}
		var pe *PasswordError
		if err != nil && !errors.As(err, &pe) {
			t.Errorf("CheckPassword(%q) error %T is not a *PasswordError", c.password, err)
		}
	}
}
