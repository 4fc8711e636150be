package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyFileName is the generated key's file name inside the data directory.
const KeyFileName = "secret.key"

// minPassphrase is the shortest SEARCHARR_SECRET_KEY accepted as a
// passphrase rather than an encoded key.
const minPassphrase = 32

// LoadOrCreateKey returns the 32-byte key that encrypts secrets at rest,
// from the first source that is set:
//
//  1. envKey, the value of SEARCHARR_SECRET_KEY;
//  2. keyFile, the path in SEARCHARR_SECRET_KEY_FILE;
//  3. DATA_DIR/secret.key, generated on first start (32 random bytes,
//     base64, file mode 0600) and read back afterwards.
//
// A key is accepted as 64 hex digits, as base64 (standard or URL alphabet,
// padded or not) of 32 bytes, or, for a file, as 32 raw bytes. Any other
// value of at least 32 characters is taken as a passphrase and hashed with
// SHA-256 into the key: convenient, but a random encoded key is stronger.
// Shorter values are refused. Changing the key makes stored secrets
// unreadable, so keep it with the database backups.
func LoadOrCreateKey(dataDir, envKey, keyFile string) ([]byte, error) {
	if v := strings.TrimSpace(envKey); v != "" {
		key, err := parseKey([]byte(v))
		if err != nil {
			return nil, fmt.Errorf("auth: SEARCHARR_SECRET_KEY: %w", err)
		}
		return key, nil
	}
	if keyFile != "" {
		key, err := readKeyFile(keyFile)
		if err != nil {
			return nil, fmt.Errorf("auth: SEARCHARR_SECRET_KEY_FILE: %w", err)
		}
		return key, nil
	}
	if dataDir == "" {
		return nil, errors.New("auth: no secret key: set SEARCHARR_SECRET_KEY, SEARCHARR_SECRET_KEY_FILE or a data directory")
	}
	path := filepath.Join(dataDir, KeyFileName)
	key, err := readKeyFile(path)
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("auth: %w", err)
	}
	return createKeyFile(path)
}

// readKeyFile reads and parses a key file.
func readKeyFile(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("unable to read key file: %w", err)
	}
	if len(raw) == KeySize {
		return raw, nil
	}
	key, err := parseKey(bytes.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return key, nil
}

// createKeyFile generates a key and writes it to path with mode 0600. If
// another process created the file first, its key is used.
func createKeyFile(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("auth: unable to create data directory: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("auth: unable to generate a secret key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: unable to create key file: %w", err)
	}
	_, werr := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("auth: unable to write key file: %w", err)
	}
	return key, nil
}

// parseKey decodes a hex or base64 key, or derives one from a long
// passphrase.
func parseKey(v []byte) ([]byte, error) {
	s := string(v)
	if len(s) == 2*KeySize {
		if key, err := hex.DecodeString(s); err == nil {
			return key, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil && len(key) == KeySize {
			return key, nil
		}
	}
	if len(s) >= minPassphrase {
		sum := sha256.Sum256(v)
		return sum[:], nil
	}
	return nil, fmt.Errorf("want 64 hex digits, base64 of %d bytes, or a passphrase of at least %d characters", KeySize, minPassphrase)
}
