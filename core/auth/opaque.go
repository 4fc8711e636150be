package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// Prefixes of the opaque credentials, so a leaked one is recognisable
// (secret scanners) and the two kinds are never confused.
const (
	RefreshTokenPrefix = "srt_"
	APIKeyPrefix       = "sak_"
)

// opaqueBytes is the entropy of refresh tokens and API keys: 256 bits.
const opaqueBytes = 32

// NewOpaque returns a new random credential with prefix: the prefix then
// 43 base64url characters (256 bits).
func NewOpaque(prefix string) (string, error) {
	b := make([]byte, opaqueBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: unable to read random bytes: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// NewFamilyID returns a random id for a refresh token family.
func NewFamilyID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: unable to read random bytes: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// HashOpaque returns the hex SHA-256 of a credential: what is stored and
// looked up. A fast hash is enough because the credential is 256 random
// bits, not a password.
func HashOpaque(credential string) string {
	sum := sha256.Sum256([]byte(credential))
	return hex.EncodeToString(sum[:])
}

// WellFormed reports whether credential looks like one NewOpaque(prefix)
// made, so garbage is refused before any database lookup.
func WellFormed(credential, prefix string) bool {
	rest, ok := strings.CutPrefix(credential, prefix)
	if !ok || len(rest) != base64.RawURLEncoding.EncodedLen(opaqueBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil
}

// DisplayPrefix is the part of an API key shown in lists so a user can tell
// keys apart: the prefix and the first 6 random characters.
func DisplayPrefix(key string) string {
	if len(key) <= len(APIKeyPrefix)+6 {
		return key
	}
	return key[:len(APIKeyPrefix)+6]
}
