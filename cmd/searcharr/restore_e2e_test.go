package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/backup"
)

// TestRestoreRefusedWhileServing: restore refuses a data directory a
// server runs on, and leaves it as it was.
func TestRestoreRefusedWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	dataDir := filepath.Join(t.TempDir(), "data")
	launch(t, launchOptions{DataDir: dataDir, Register: true, Env: []string{"SEARCHARR_BACKUP_INTERVAL=0"}})
	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	if code, out := runCLI(t, []string{"SEARCHARR_DATA_DIR=" + dataDir}, "backup", "--out", archive); code != 0 {
		t.Fatalf("backup: %d %s", code, out)
	}
	before := listTree(t, dataDir)
	code, out := runCLI(t, nil, "restore", "--data-dir", dataDir, archive)
	if code == 0 || !strings.Contains(out, "server is running") {
		t.Fatalf("restore while serving: exit %d, %s", code, out)
	}
	if after := listTree(t, dataDir); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Fatalf("data directory before %v, after %v", before, after)
	}
}

// TestRestoreRefusesCraftedArchives runs the binary on archives crafted
// to write outside the data directory or to exhaust it; each is refused
// and nothing exists afterwards outside the data directory, nor in it
// beyond its lock files.
func TestRestoreRefusesCraftedArchives(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	db := []byte("SQLite format 3\x00 pretend")
	sum := sha256.Sum256(db)
	manifest := func(files ...backup.File) []byte {
		b, _ := json.Marshal(backup.Manifest{Format: backup.FormatVersion, Version: "x", Dialect: "sqlite", SchemaVersion: "20250101000000",
			CreatedAt: time.Now().UTC(), KeySource: backup.KeyExternal, KeyFingerprint: strings.Repeat("0", 32), Files: files})
		return b
	}
	dbFile := backup.File{Name: backup.DatabaseName, Size: int64(len(db)), SHA256: hex.EncodeToString(sum[:])}
	type entry struct {
		hdr  tar.Header
		body []byte
	}
	file := func(name string, body []byte) entry {
		return entry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(body)), Mode: 0o600}, body: body}
	}
	cases := []struct {
		name    string
		entries func(root string) []entry
		args    []string
	}{
		{"dot-dot", func(string) []entry {
			return []entry{file(backup.ManifestName, manifest(dbFile)), file("../../evil", []byte("owned"))}
		}, nil},
		{"absolute path", func(root string) []entry {
			return []entry{file(backup.ManifestName, manifest(dbFile)), file(filepath.Join(root, "evil"), []byte("owned"))}
		}, nil},
		{"symlink", func(root string) []entry {
			return []entry{file(backup.ManifestName, manifest(dbFile)),
				{hdr: tar.Header{Typeflag: tar.TypeSymlink, Name: backup.DatabaseName, Linkname: filepath.Join(root, "evil")}},
				file(backup.DatabaseName, db)}
		}, nil},
		{"oversized member", func(string) []entry {
			big := bytes.Repeat([]byte{0}, 4096)
			s := sha256.Sum256(big)
			return []entry{file(backup.ManifestName, manifest(backup.File{Name: backup.DatabaseName, Size: 4096, SHA256: hex.EncodeToString(s[:])})),
				file(backup.DatabaseName, big)}
		}, []string{"--max-db-size", "1024"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			var buf bytes.Buffer
			gz := gzip.NewWriter(&buf)
			tw := tar.NewWriter(gz)
			for _, e := range tc.entries(root) {
				h := e.hdr
				if err := tw.WriteHeader(&h); err != nil {
					t.Fatal(err)
				}
				tw.Write(e.body)
			}
			tw.Close()
			gz.Close()
			// The archive lives elsewhere, so the tree under root is only
			// what restore wrote.
			archive := filepath.Join(t.TempDir(), "crafted.tar.gz")
			os.WriteFile(archive, buf.Bytes(), 0o600)
			dataDir := filepath.Join(root, "a", "b", "data")
			args := append(append([]string{"restore", "--data-dir", dataDir}, tc.args...), archive)
			code, out := runCLI(t, nil, args...)
			if code == 0 || !strings.Contains(out, "invalid archive") {
				t.Fatalf("exit %d: %s", code, out)
			}
			want := []string{"a", "a/b", "a/b/data", "a/b/data/node-id.lock", "a/b/data/restore.lock"}
			if got := listTree(t, root); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("after a refused archive: %v, want %v", got, want)
			}
		})
	}
}

// listTree lists every path under root, relative to it, sorted.
func listTree(t *testing.T, root string) []string {
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

// TestRestoreRefusesAnotherKey: with SEARCHARR_SECRET_KEY set to a key
// other than the backup's, the stored API keys would not decrypt; the
// restore is rolled back and the data directory's files are as before.
func TestRestoreRefusesAnotherKey(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	src := filepath.Join(t.TempDir(), "src")
	env := []string{"SEARCHARR_DATA_DIR=" + src}
	if code, out := runCLI(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, out)
	}
	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	if code, out := runCLI(t, env, "backup", "--out", archive); code != 0 {
		t.Fatalf("backup: %d %s", code, out)
	}
	dst := filepath.Join(t.TempDir(), "dst")
	other := "SEARCHARR_SECRET_KEY=" + strings.Repeat("ab", 32)
	if code, out := runCLI(t, []string{"SEARCHARR_DATA_DIR=" + dst, other}, "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, out)
	}
	before := withoutLocks(listTree(t, dst))
	dbBefore, _ := os.ReadFile(filepath.Join(dst, "searcharr.db"))
	code, out := runCLI(t, []string{other}, "restore", "--data-dir", dst, archive)
	if code == 0 || !strings.Contains(out, "SEARCHARR_SECRET_KEY") || strings.Contains(out, strings.Repeat("ab", 32)) {
		t.Fatalf("restore under another key: exit %d, %s", code, out)
	}
	after := withoutLocks(listTree(t, dst))
	dbAfter, _ := os.ReadFile(filepath.Join(dst, "searcharr.db"))
	if strings.Join(after, ",") != strings.Join(before, ",") || !bytes.Equal(dbBefore, dbAfter) {
		t.Fatalf("data directory before %v, after %v (database unchanged: %v)", before, after, bytes.Equal(dbBefore, dbAfter))
	}
	// Without the foreign key, the backup's own key is used and it works.
	if code, out := runCLI(t, nil, "restore", "--data-dir", dst, archive); code != 0 || !strings.Contains(out, ".pre-restore-") {
		t.Fatalf("restore: %d %s", code, out)
	}
}

func withoutLocks(names []string) []string {
	var out []string
	for _, n := range names {
		if !strings.HasSuffix(n, ".lock") {
			out = append(out, n)
		}
	}
	return out
}
