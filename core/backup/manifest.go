package backup

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Member names inside an archive. They are also the file names in the data
// directory.
const (
	ManifestName = "manifest.json"
	DatabaseName = "searcharr.db"
	KeyName      = "secret.key"
)

// FormatVersion is the archive layout this package writes and reads.
const FormatVersion = 1

// Hard caps on member sizes, whatever a manifest claims. The database's
// cap is a Limits field, since a large installation may need more.
const (
	maxManifestSize = 64 << 10
	maxKeySize      = 4 << 10
	// DefaultMaxDatabaseSize is the default cap on a restored database.
	DefaultMaxDatabaseSize int64 = 16 << 30
)

// Key sources a manifest records.
const (
	// KeyInDataDir: the key is DATA_DIR/secret.key and travels in the
	// archive.
	KeyInDataDir = "data_dir"
	// KeyExternal: the key comes from SEARCHARR_SECRET_KEY or
	// SEARCHARR_SECRET_KEY_FILE and is kept out of the archive; restore
	// needs the same key configured.
	KeyExternal = "external"
)

// Manifest describes an archive. It is its first member.
type Manifest struct {
	Format int `json:"format"`
	// Version is the version of the searcharr that wrote the archive.
	Version string `json:"version"`
	// Dialect is the database kind: always "sqlite".
	Dialect string `json:"dialect"`
	// SchemaVersion is the newest migration applied to the database.
	SchemaVersion string    `json:"schema_version"`
	CreatedAt     time.Time `json:"created_at"`
	// KeySource is KeyInDataDir or KeyExternal.
	KeySource string `json:"key_source"`
	// KeyFingerprint identifies the secret key without revealing it, so
	// a restore can tell whether the key in effect opens the stored
	// secrets.
	KeyFingerprint string `json:"key_fingerprint"`
	Files          []File `json:"files"`
}

// File is one member besides the manifest.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// KeyFingerprint returns a short digest of a secret key. It is a hash of
// the key under a fixed label, so it tells keys apart without helping to
// guess one (the key is 32 random bytes).
func KeyFingerprint(key []byte) string {
	h := sha256.New()
	h.Write([]byte("searcharr secret key fingerprint\x00"))
	h.Write(key)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// file returns the entry of a member, if the manifest lists it.
func (m *Manifest) file(name string) (File, bool) {
	for _, f := range m.Files {
		if f.Name == name {
			return f, true
		}
	}
	return File{}, false
}

// parseManifest decodes and checks a manifest against the limits.
func parseManifest(b []byte, lim Limits) (Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, fmt.Errorf("backup: manifest: %w", err)
	}
	if m.Format != FormatVersion {
		return Manifest{}, fmt.Errorf("backup: manifest: format %d, this build reads format %d", m.Format, FormatVersion)
	}
	if m.Dialect != "sqlite" {
		return Manifest{}, fmt.Errorf("backup: manifest: dialect %q, want sqlite", m.Dialect)
	}
	if m.SchemaVersion == "" {
		return Manifest{}, errors.New("backup: manifest: schema_version is empty")
	}
	if m.KeySource != KeyInDataDir && m.KeySource != KeyExternal {
		return Manifest{}, fmt.Errorf("backup: manifest: key_source %q, want %s or %s", m.KeySource, KeyInDataDir, KeyExternal)
	}
	if len(m.KeyFingerprint) != 32 {
		return Manifest{}, errors.New("backup: manifest: key_fingerprint must be 32 hex digits")
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		limit, ok := lim.cap(f.Name)
		if !ok || f.Name == ManifestName {
			return Manifest{}, fmt.Errorf("backup: manifest: unexpected file %q", f.Name)
		}
		if seen[f.Name] {
			return Manifest{}, fmt.Errorf("backup: manifest: %s listed twice", f.Name)
		}
		seen[f.Name] = true
		if f.Size < 0 || f.Size > limit {
			return Manifest{}, fmt.Errorf("backup: manifest: %s: size %d is negative or over its cap of %d", f.Name, f.Size, limit)
		}
		if b, err := hex.DecodeString(f.SHA256); err != nil || len(b) != sha256.Size {
			return Manifest{}, fmt.Errorf("backup: manifest: %s: sha256 must be 64 hex digits", f.Name)
		}
	}
	if !seen[DatabaseName] {
		return Manifest{}, errors.New("backup: manifest: lists no database")
	}
	if seen[KeyName] != (m.KeySource == KeyInDataDir) {
		return Manifest{}, fmt.Errorf("backup: manifest: key_source %s disagrees with the files listed", m.KeySource)
	}
	return m, nil
}

// Limits cap what Extract accepts.
type Limits struct {
	// MaxDatabaseSize caps the database member; zero means
	// DefaultMaxDatabaseSize.
	MaxDatabaseSize int64
}

// cap returns the size cap of a member name, and whether the name is one
// an archive may hold at all.
func (l Limits) cap(name string) (int64, bool) {
	switch name {
	case ManifestName:
		return maxManifestSize, true
	case KeyName:
		return maxKeySize, true
	case DatabaseName:
		if l.MaxDatabaseSize > 0 {
			return l.MaxDatabaseSize, true
		}
		return DefaultMaxDatabaseSize, true
	}
	return 0, false
}
