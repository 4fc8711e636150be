package auth

import (
	"context"
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
	enc, err := h.Hash(t.Context(), "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string", enc)
	}
	if ok, err := h.Verify(t.Context(), "correct horse battery staple", enc); err != nil || !ok {
		t.Fatalf("Verify(right) = %v, %v", ok, err)
	}
	if ok, _ := h.Verify(t.Context(), "correct horse battery stapler", enc); ok {
		t.Fatal("Verify(wrong) = true")
	}
	other, _ := h.Hash(t.Context(), "correct horse battery staple")
	if other == enc {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
}

func TestHasherRejectsMalformed(t *testing.T) {
	h := fastHasher(t)
	for _, enc := range []string{"", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5"} {
		if _, err := h.Verify(t.Context(), "x", enc); !errors.Is(err, ErrMalformedHash) {
			t.Errorf("Verify(%q) error = %v, want ErrMalformedHash", enc, err)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	weak := fastHasher(t)
	enc, _ := weak.Hash(t.Context(), "some long passphrase")
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

// TestHashingWaitsForMemoryBudget: a hash starts only when its memory fits
// in the budget, and gives up when its context ends while waiting.
func TestHashingWaitsForMemoryBudget(t *testing.T) {
	h, err := NewHasher(Argon2Params{Memory: 1024, Iterations: 1, MemoryBudget: 2048})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := h.Hash(t.Context(), "some long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	// Two hashes in flight fill the budget.
	if !h.slots.TryAcquire(2048) {
		t.Fatal("budget in use with no hash running")
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := h.Verify(ctx, "some long passphrase", enc)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Verify with the budget full = %v, want context.Canceled", err)
	}
	if err := h.VerifyDummy(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("VerifyDummy with the budget full = %v, want context.Canceled", err)
	}
	h.slots.Release(1024)
	if ok, err := h.Verify(t.Context(), "some long passphrase", enc); err != nil || !ok {
		t.Fatalf("Verify with room for one hash = %v, %v", ok, err)
	}
	h.slots.Release(1024)
}

// TestDefaultBudgetBoundsHashes: with the default parameters the budget
// holds two hashes of 19 MiB, and a stored hash asking for more memory
// than the whole budget still runs (alone).
func TestDefaultBudgetBoundsHashes(t *testing.T) {
	h, err := NewHasher(Argon2Params{})
	if err != nil {
		t.Fatal(err)
	}
	if got := h.budget / int64(h.params.Memory); got != 2 {
		t.Fatalf("default budget holds %d hashes, want 2", got)
	}
	big, err := NewHasher(Argon2Params{Memory: 4096, Iterations: 1, MemoryBudget: 1024})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := big.Hash(t.Context(), "some long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := big.Verify(t.Context(), "some long passphrase", enc); err != nil || !ok {
		t.Fatalf("hash larger than the budget: Verify = %v, %v", ok, err)
	}
}
