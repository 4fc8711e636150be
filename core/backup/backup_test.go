package backup_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/backup"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// installation is a SQLite store in a data directory with a key file.
type installation struct {
	dir string
	st  *store.Store
	key []byte
}

func newInstallation(t *testing.T, users ...string) installation {
	t.Helper()
	return newInstallationTB(t, users...)
}

func newInstallationTB(t testing.TB, users ...string) installation {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	st := storetest.OpenWith(t, store.Options{DataDir: dir, Sealer: storetest.Sealer(t)})
	for _, u := range users {
		if _, err := st.Users().Create(context.Background(), domain.User{Username: u, PasswordHash: "h"}); err != nil {
			t.Fatal(err)
		}
	}
	key := make([]byte, 32)
	rand.Read(key)
	if err := os.WriteFile(filepath.Join(dir, backup.KeyName), key, 0o600); err != nil {
		t.Fatal(err)
	}
	return installation{dir: dir, st: st, key: key}
}

func (in installation) archive(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "b", "backup.tar.gz")
	if _, err := backup.Create(context.Background(), in.st, backup.CreateOptions{
		Path: path, Version: "test", Key: in.key, KeyFile: filepath.Join(in.dir, backup.KeyName),
	}); err != nil {
		t.Fatal(err)
	}
	return path
}

func usernames(t *testing.T, dbPath string) []string {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{DatabaseURL: "sqlite:" + dbPath, Sealer: storetest.Sealer(t), SkipMigrations: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []string
	for _, name := range []string{"alice", "bob", "old", "new"} {
		if _, err := st.Users().GetByUsername(context.Background(), name); err == nil {
			out = append(out, name)
		}
	}
	return out
}

func TestCreateAndExtract(t *testing.T) {
	in := newInstallation(t, "alice", "bob")
	path := in.archive(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 || mustStat(t, filepath.Dir(path)).Mode().Perm() != 0o700 {
		t.Fatalf("archive mode %o, directory %o; want 0600 and 0700", fi.Mode().Perm(), mustStat(t, filepath.Dir(path)).Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".backup-*")); len(left) > 0 {
		t.Fatalf("work files left behind: %v", left)
	}
	out := t.TempDir()
	f, _ := os.Open(path)
	defer f.Close()
	m, err := backup.Extract(f, out, backup.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if m.KeySource != backup.KeyInDataDir || m.KeyFingerprint != backup.KeyFingerprint(in.key) || m.SchemaVersion == "" || m.Version != "test" {
		t.Fatalf("manifest %+v", m)
	}
	key, _ := os.ReadFile(filepath.Join(out, backup.KeyName))
	if !bytes.Equal(key, in.key) {
		t.Fatal("the extracted key differs")
	}
	if got := usernames(t, filepath.Join(out, backup.DatabaseName)); strings.Join(got, ",") != "alice,bob" {
		t.Fatalf("extracted database holds %v", got)
	}
	if _, err := backup.Create(context.Background(), in.st, backup.CreateOptions{Path: path, Key: in.key}); err == nil {
		t.Fatal("a backup over an existing archive succeeded")
	}
}

func TestCreateWithExternalKeyLeavesTheKeyOut(t *testing.T) {
	in := newInstallation(t, "alice")
	path := filepath.Join(t.TempDir(), "x.tar.gz")
	m, err := backup.Create(context.Background(), in.st, backup.CreateOptions{Path: path, Key: in.key})
	if err != nil {
		t.Fatal(err)
	}
	if m.KeySource != backup.KeyExternal || len(m.Files) != 1 || m.Files[0].Name != backup.DatabaseName {
		t.Fatalf("manifest %+v", m)
	}
	raw, _ := os.ReadFile(path)
	if bytes.Contains(mustGunzip(t, raw), in.key) {
		t.Fatal("the archive holds the external key")
	}
}

func mustStat(t *testing.T, p string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

func mustGunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	out.ReadFrom(zr)
	return out.Bytes()
}

// member is one entry of a crafted archive.
type member struct {
	hdr  tar.Header
	body []byte
}

func reg(name string, body []byte) member {
	return member{hdr: tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(body)), Mode: 0o600}, body: body}
}

func craft(t *testing.T, ms ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, m := range ms {
		h := m.hdr
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if len(m.body) > 0 {
			if _, err := tw.Write(m.body); err != nil {
				t.Fatal(err)
			}
		}
	}
	tw.Flush()
	gz.Close()
	return buf.Bytes()
}

func manifestOf(t *testing.T, files ...backup.File) member {
	t.Helper()
	m := backup.Manifest{Format: backup.FormatVersion, Version: "test", Dialect: "sqlite", SchemaVersion: "20250101000000",
		CreatedAt: time.Now().UTC(), KeySource: backup.KeyExternal, KeyFingerprint: strings.Repeat("ab", 16), Files: files}
	for _, f := range files {
		if f.Name == backup.KeyName {
			m.KeySource = backup.KeyInDataDir
		}
	}
	b, _ := json.Marshal(m)
	return reg(backup.ManifestName, b)
}

func fileOf(name string, body []byte) backup.File {
	sum := sha256.Sum256(body)
	return backup.File{Name: name, Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}
}

// TestExtractRefusesCraftedArchives: each archive is refused, and nothing
// exists afterwards beside or inside the target directory.
func TestExtractRefusesCraftedArchives(t *testing.T) {
	db := []byte("SQLite format 3\x00 pretend database")
	evil := []byte("owned")
	dbFile := fileOf(backup.DatabaseName, db)
	cases := []struct {
		name    string
		archive func(root string) []byte
		limits  backup.Limits
		want    string
	}{
		{"dot-dot", func(string) []byte {
			return craft(t, manifestOf(t, dbFile), reg("../evil", evil))
		}, backup.Limits{}, ".."},
		{"dot-dot inside", func(string) []byte {
			return craft(t, manifestOf(t, dbFile), reg("x/../../evil", evil))
		}, backup.Limits{}, ".."},
		{"dot-dot as the manifest's file", func(string) []byte {
			return craft(t, manifestOf(t, fileOf("../evil", evil)), reg("../evil", evil))
		}, backup.Limits{}, "unexpected file"},
		{"absolute", func(root string) []byte {
			return craft(t, manifestOf(t, dbFile), reg(filepath.Join(root, "evil"), evil))
		}, backup.Limits{}, "absolute"},
		{"absolute first", func(root string) []byte {
			return craft(t, reg(filepath.Join(root, "evil"), evil))
		}, backup.Limits{}, "absolute"},
		{"symlink", func(root string) []byte {
			return craft(t, manifestOf(t, dbFile),
				member{hdr: tar.Header{Typeflag: tar.TypeSymlink, Name: backup.DatabaseName, Linkname: filepath.Join(root, "evil")}})
		}, backup.Limits{}, "link"},
		{"symlink then write through it", func(root string) []byte {
			return craft(t, manifestOf(t, dbFile),
				member{hdr: tar.Header{Typeflag: tar.TypeSymlink, Name: backup.KeyName, Linkname: filepath.Join(root, "evil")}},
				reg(backup.KeyName, evil))
		}, backup.Limits{}, "link"},
		{"hard link", func(root string) []byte {
			return craft(t, manifestOf(t, dbFile),
				member{hdr: tar.Header{Typeflag: tar.TypeLink, Name: backup.DatabaseName, Linkname: "/etc/passwd"}})
		}, backup.Limits{}, "link"},
		{"device", func(string) []byte {
			return craft(t, manifestOf(t, dbFile),
				member{hdr: tar.Header{Typeflag: tar.TypeChar, Name: backup.DatabaseName, Devmajor: 1, Devminor: 3}})
		}, backup.Limits{}, "device"},
		{"directory", func(string) []byte {
			return craft(t, manifestOf(t, dbFile), member{hdr: tar.Header{Typeflag: tar.TypeDir, Name: backup.DatabaseName, Mode: 0o700}})
		}, backup.Limits{}, "directory"},
		{"subdirectory", func(string) []byte {
			return craft(t, manifestOf(t, dbFile), reg("sub/"+backup.DatabaseName, db))
		}, backup.Limits{}, "subdirectory"},
		{"duplicate", func(string) []byte {
			return craft(t, manifestOf(t, dbFile), reg(backup.DatabaseName, db), reg(backup.DatabaseName, db))
		}, backup.Limits{}, "twice"},
		{"unexpected member", func(string) []byte {
			return craft(t, manifestOf(t, dbFile), reg(backup.DatabaseName, db), reg("extra.sh", evil))
		}, backup.Limits{}, "unexpected"},
		{"manifest not first", func(string) []byte {
			return craft(t, reg(backup.DatabaseName, db), manifestOf(t, dbFile))
		}, backup.Limits{}, "first member"},
		{"member over its cap", func(string) []byte {
			return craft(t, manifestOf(t, dbFile), reg(backup.DatabaseName, db))
		}, backup.Limits{MaxDatabaseSize: 8}, "cap"},
		{"huge member claimed", func(string) []byte {
			// The header claims 1 TiB; the data stops short. Refused at the header.
			var buf bytes.Buffer
			gz := gzip.NewWriter(&buf)
			tw := tar.NewWriter(gz)
			m := manifestOf(t, dbFile)
			tw.WriteHeader(&m.hdr)
			tw.Write(m.body)
			tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: backup.DatabaseName, Size: 1 << 40, Mode: 0o600})
			tw.Write(db)
			gz.Close()
			return buf.Bytes()
		}, backup.Limits{}, "cap"},
		{"size differs from the manifest", func(string) []byte {
			return craft(t, manifestOf(t, dbFile), reg(backup.DatabaseName, append(db, 'x')))
		}, backup.Limits{}, "manifest says"},
		{"sha256 differs", func(string) []byte {
			bad := bytes.Clone(db)
			bad[0] = 'X'
			return craft(t, manifestOf(t, dbFile), reg(backup.DatabaseName, bad))
		}, backup.Limits{}, "sha256"},
		{"missing member", func(string) []byte {
			return craft(t, manifestOf(t, dbFile, fileOf(backup.KeyName, evil)), reg(backup.DatabaseName, db))
		}, backup.Limits{}, "missing"},
		{"manifest without database", func(string) []byte {
			return craft(t, manifestOf(t, fileOf(backup.KeyName, evil)), reg(backup.KeyName, evil))
		}, backup.Limits{}, "no database"},
		{"truncated", func(string) []byte {
			full := craft(t, manifestOf(t, dbFile), reg(backup.DatabaseName, db))
			raw := mustGunzip(t, full)
			var buf bytes.Buffer
			gz := gzip.NewWriter(&buf)
			gz.Write(raw[:1024+20])
			gz.Close()
			return buf.Bytes()
		}, backup.Limits{}, "EOF"},
		{"not gzip", func(string) []byte { return []byte("PK\x03\x04 a zip file") }, backup.Limits{}, "gzip"},
		{"empty", func(string) []byte { return craft(t) }, backup.Limits{}, "empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			target := filepath.Join(root, "target")
			if err := os.Mkdir(target, 0o700); err != nil {
				t.Fatal(err)
			}
			_, err := backup.Extract(bytes.NewReader(tc.archive(root)), target, tc.limits)
			if !errors.Is(err, backup.ErrInvalidArchive) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInvalidArchive naming %q", err, tc.want)
			}
			if got := tree(t, root); strings.Join(got, ",") != "target" {
				t.Fatalf("files after a refused archive: %v", got)
			}
		})
	}
}

// tree lists every path under root, relative to it.
func tree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.Walk(root, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if p != root {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}
