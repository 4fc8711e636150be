package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// KeySize is the size of the secret key: 32 bytes, for AES-256.
const KeySize = 32

// sealVersion prefixes every sealed value so the format (or the key) can
// change later without guessing what old values are.
const sealVersion byte = 1

// ErrSealedValue reports a sealed value that cannot be opened: corrupted,
// truncated, or sealed under another key.
var ErrSealedValue = errors.New("auth: sealed value cannot be opened")

// SecretBox encrypts secrets at rest (arr API keys, webhook passwords,
// notification URLs) with AES-256-GCM. Each Seal uses a fresh random nonce;
// the output is a version byte, the nonce, then the ciphertext with its
// authentication tag. It is safe for concurrent use.
type SecretBox struct {
	aead cipher.AEAD
}

// NewSecretBox returns a SecretBox using a 32-byte key.
func NewSecretBox(key []byte) (*SecretBox, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("auth: secret key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("auth: unable to create cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("auth: unable to create GCM: %w", err)
	}
	return &SecretBox{aead: aead}, nil
}

// Seal encrypts plaintext.
func (b *SecretBox) Seal(plaintext []byte) ([]byte, error) {
	ns := b.aead.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plaintext)+b.aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("auth: unable to generate a nonce: %w", err)
	}
	return b.aead.Seal(out, out[1:], plaintext, []byte{sealVersion}), nil
}

// Open decrypts what Seal produced. A value altered in any way, or sealed
// under another key, fails with ErrSealedValue; the error never contains
// the value.
func (b *SecretBox) Open(sealed []byte) ([]byte, error) {
	ns := b.aead.NonceSize()
	if len(sealed) < 1+ns+b.aead.Overhead() || sealed[0] != sealVersion {
		return nil, ErrSealedValue
	}
	out, err := b.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], []byte{sealVersion})
	if err != nil {
		return nil, ErrSealedValue
	}
	return out, nil
}
