package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Source is the database a backup is taken of. store.Store implements it.
type Source interface {
	// Snapshot writes a consistent copy of the database to path.
	Snapshot(ctx context.Context, path string) error
	// SchemaVersion names the newest migration applied.
	SchemaVersion(ctx context.Context) (string, error)
}

// CreateOptions say what goes into an archive and where.
type CreateOptions struct {
	// Path is the archive to write; it must not exist. Its directory is
	// created 0700 when missing, and the archive is written 0600: it holds
	// the secret key.
	Path string
	// Version is the searcharr version recorded in the manifest.
	Version string
	// Key is the secret key in effect, for the manifest's fingerprint.
	Key []byte
	// KeyFile is the data directory's secret.key, copied into the archive
	// as it is; empty when the key comes from outside the data directory
	// (it then stays out of the archive).
	KeyFile string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Create writes an archive of src to opts.Path and returns its manifest.
// The snapshot and the archive are assembled in a private temporary
// directory beside opts.Path and renamed into place whole, so a reader
// never finds half an archive under the final name.
func Create(ctx context.Context, src Source, opts CreateOptions) (Manifest, error) {
	if opts.Path == "" {
		return Manifest{}, errors.New("backup: no archive path")
	}
	if len(opts.Key) == 0 {
		return Manifest{}, errors.New("backup: no secret key")
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	if _, err := os.Lstat(opts.Path); err == nil {
		return Manifest{}, fmt.Errorf("backup: %s already exists", opts.Path)
	}
	dir := filepath.Dir(opts.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	work, err := os.MkdirTemp(dir, ".backup-*")
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(work)

	m := Manifest{
		Format:         FormatVersion,
		Version:        opts.Version,
		Dialect:        "sqlite",
		CreatedAt:      now().UTC().Truncate(time.Second),
		KeySource:      KeyExternal,
		KeyFingerprint: KeyFingerprint(opts.Key),
	}
	if m.SchemaVersion, err = src.SchemaVersion(ctx); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	members := map[string]string{}
	dbPath := filepath.Join(work, DatabaseName)
	if err := src.Snapshot(ctx, dbPath); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	if err := os.Chmod(dbPath, 0o600); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	members[DatabaseName] = dbPath
	if opts.KeyFile != "" {
		m.KeySource = KeyInDataDir
		members[KeyName] = opts.KeyFile
	}
	for _, name := range []string{DatabaseName, KeyName} {
		path, ok := members[name]
		if !ok {
			continue
		}
		f, err := describe(name, path)
		if err != nil {
			return Manifest{}, err
		}
		m.Files = append(m.Files, f)
	}

	tmp := filepath.Join(work, "archive.tar.gz")
	if err := writeArchive(tmp, m, members); err != nil {
		return Manifest{}, err
	}
	if _, err := os.Lstat(opts.Path); !errors.Is(err, fs.ErrNotExist) {
		return Manifest{}, fmt.Errorf("backup: %s already exists", opts.Path)
	}
	if err := os.Rename(tmp, opts.Path); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// describe returns a file's size and SHA-256.
func describe(name, path string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, fmt.Errorf("backup: %s: %w", name, err)
	}
	return File{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// writeArchive writes the manifest, then each member, as a tar.gz at path
// (mode 0600), and syncs it.
func writeArchive(path string, m Manifest, members map[string]string) (err error) {
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("backup: %w", cerr)
		}
	}()
	gz := gzip.NewWriter(out)
	tw := tar.NewWriter(gz)
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	hdr := func(name string, size int64) *tar.Header {
		return &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o600, ModTime: m.CreatedAt, Format: tar.FormatPAX}
	}
	if err := tw.WriteHeader(hdr(ManifestName, int64(len(manifest)))); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := tw.Write(manifest); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	for _, f := range m.Files {
		if err := copyMember(tw, hdr(f.Name, f.Size), members[f.Name]); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := out.Sync(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// copyMember writes one member; a file that changed size since it was
// described fails the archive rather than contradicting the manifest.
func copyMember(tw *tar.Writer, h *tar.Header, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	if err := tw.WriteHeader(h); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if n, err := io.Copy(tw, io.LimitReader(f, h.Size)); err != nil || n != h.Size {
		return fmt.Errorf("backup: %s changed while it was archived: %v", h.Name, err)
	}
	return nil
}
