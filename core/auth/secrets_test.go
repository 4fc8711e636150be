package auth

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func randomKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSecretBoxRoundTrip(t *testing.T) {
	box, err := NewSecretBox(randomKey(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"", "a", "0123456789abcdef0123456789abcdef"} {
		sealed, err := box.Seal([]byte(plain))
		if err != nil {
			t.Fatal(err)
		}
		if len(plain) >= 8 && bytes.Contains(sealed, []byte(plain)) {
			t.Fatalf("sealed value contains the plaintext %q", plain)
		}
		again, _ := box.Seal([]byte(plain))
		if bytes.Equal(sealed, again) {
			t.Fatal("two seals of one value are equal: nonce reused")
		}
		got, err := box.Open(sealed)
		if err != nil || string(got) != plain {
			t.Fatalf("Open = %q, %v; want %q", got, err, plain)
		}
	}
}

func TestSecretBoxRefusesTamperingAndOtherKeys(t *testing.T) {
	box, _ := NewSecretBox(randomKey(t))
	other, _ := NewSecretBox(randomKey(t))
	sealed, err := box.Seal([]byte("api-key-value"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"other key": sealed,
		"empty":     nil,
		"truncated": sealed[:len(sealed)-1],
		"version":   append([]byte{9}, sealed[1:]...),
	}
	for i := 1; i < len(sealed); i += 7 {
		flipped := bytes.Clone(sealed)
		flipped[i] ^= 0x01
		cases["flip"+string(rune('0'+i%10))] = flipped
	}
	for name, v := range cases {
		opener := box
		if name == "other key" {
			opener = other
		}
		_, err := opener.Open(v)
		if !errors.Is(err, ErrSealedValue) {
			t.Errorf("%s: err = %v, want ErrSealedValue", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "api-key-value") {
			t.Errorf("%s: error leaks the secret", name)
		}
	}
	if _, err := NewSecretBox(make([]byte, 16)); err == nil {
		t.Fatal("a 16-byte key must be refused")
	}
}

func TestLoadOrCreateKeyFromEnv(t *testing.T) {
	key := randomKey(t)
	for name, v := range map[string]string{
		"hex":        hex.EncodeToString(key),
		"base64":     base64.StdEncoding.EncodeToString(key),
		"raw base64": base64.RawURLEncoding.EncodeToString(key),
		"padded":     "  " + base64.StdEncoding.EncodeToString(key) + "\n",
	} {
		got, err := LoadOrCreateKey(t.TempDir(), v, "")
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("%s: key = %x, %v; want %x", name, got, err, key)
		}
	}
	pass := "correct horse battery staple, but longer"
	a, err := LoadOrCreateKey("", pass, "")
	if err != nil || len(a) != KeySize {
		t.Fatalf("passphrase: %x, %v", a, err)
	}
	b, _ := LoadOrCreateKey("", pass, "")
	if !bytes.Equal(a, b) {
		t.Fatal("passphrase derivation is not stable")
	}
	if _, err := LoadOrCreateKey(t.TempDir(), "short", ""); err == nil {
		t.Fatal("a short key must be refused")
	}
}

func TestLoadOrCreateKeyFromFile(t *testing.T) {
	dir := t.TempDir()
	key := randomKey(t)
	raw := filepath.Join(dir, "raw.key")
	enc := filepath.Join(dir, "enc.key")
	if err := os.WriteFile(raw, key, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(enc, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{raw, enc} {
		got, err := LoadOrCreateKey(t.TempDir(), "", p)
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("%s: key = %x, %v", p, got, err)
		}
	}
	if _, err := LoadOrCreateKey(t.TempDir(), "", filepath.Join(dir, "missing")); err == nil {
		t.Fatal("a missing key file must be an error, not a generated key")
	}
}

func TestLoadOrCreateKeyGeneratesOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, err := LoadOrCreateKey(dir, "", "")
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Fatalf("key file mode %o, want 600", perm)
	}
	second, err := LoadOrCreateKey(dir, "", "")
	if err != nil || !bytes.Equal(first, second) {
		t.Fatalf("second load = %x, %v; want the generated key %x", second, err, first)
	}
	if _, err := LoadOrCreateKey("", "", ""); err == nil {
		t.Fatal("no source at all must be an error")
	}
}
