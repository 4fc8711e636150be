package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/backup"
)

// TestDataDirIsPrivate: serve creates the data directory 0700 and its
// files 0600; started again on a directory and files opened up to other
// users, it makes the files private again and warns about the directory.
func TestDataDirIsPrivate(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	dataDir := filepath.Join(t.TempDir(), "data")
	addr := freePort(t)
	env := []string{"SEARCHARR_BACKUP_INTERVAL=0"}
	s := launch(t, launchOptions{Addr: addr, DataDir: dataDir, Register: true, Env: env})
	files := []string{"searcharr.db", "searcharr.db-wal", "searcharr.db-shm", "secret.key", "node-id"}
	checkPrivate(t, dataDir, append([]string{""}, files...)...)
	if strings.Contains(s.proc.output(), "open to other users") {
		t.Fatal("warned about a private data directory")
	}
	s.proc.cmd.Process.Signal(os.Interrupt)
	s.proc.cmd.Wait()

	os.Chmod(dataDir, 0o755)
	for _, f := range []string{"searcharr.db", "secret.key", "node-id"} {
		if err := os.Chmod(filepath.Join(dataDir, f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s = launch(t, launchOptions{Addr: addr, DataDir: dataDir, Env: env})
	checkPrivate(t, dataDir, files...)
	if !strings.Contains(s.proc.output(), "open to other users") {
		t.Fatalf("no warning about a data directory open to others:\n%s", s.proc.output())
	}
	if fi, _ := os.Stat(dataDir); fi.Mode().Perm() != 0o755 {
		t.Fatalf("the data directory's mode changed to %04o; it is left to the administrator", fi.Mode().Perm())
	}
}

// TestScheduledBackups: serve writes a scheduled backup into
// DATA_DIR/backups when there is none, removes scheduled backups past
// the retention, and leaves manual ones alone; the backup it wrote
// restores.
func TestScheduledBackups(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	dataDir := filepath.Join(t.TempDir(), "data")
	dir := filepath.Join(dataDir, "backups")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	expired := backup.ArchiveName(backup.KindScheduled, now.Add(-40*24*time.Hour))
	manual := backup.ArchiveName(backup.KindManual, now.Add(-90*24*time.Hour))
	for _, n := range []string{expired, manual} {
		os.WriteFile(filepath.Join(dir, n), []byte("old"), 0o600)
	}
	s := launch(t, launchOptions{DataDir: dataDir, Register: true, Env: []string{
		"SEARCHARR_BACKUP_INTERVAL=1d", "SEARCHARR_BACKUP_RETENTION=28d"}})
	var written []string
	waitUntil(t, "a scheduled backup and the expired one gone", 30*time.Second, func() bool {
		written, _ = filepath.Glob(filepath.Join(dir, "searcharr-scheduled-*.tar.gz"))
		return len(written) == 1 && filepath.Base(written[0]) != expired
	})
	if _, err := os.Stat(filepath.Join(dir, manual)); err != nil {
		t.Fatalf("the manual backup was removed: %v", err)
	}
	checkPrivate(t, dir, "", filepath.Base(written[0]))

	// An administrator takes one through the API; another user may not.
	var taken struct {
		Name  string `json:"name"`
		Kind  string `json:"kind"`
		Bytes int64  `json:"bytes"`
	}
	s.api.do("POST", "/api/system/backups", nil, &taken)
	if fi, err := os.Stat(filepath.Join(dir, taken.Name)); err != nil || taken.Kind != "manual" || fi.Size() != taken.Bytes || filepath.Base(taken.Name) != taken.Name {
		t.Fatalf("API backup %+v: %v", taken, err)
	}
	var list []struct {
		Name string `json:"name"`
		Kind string `json:"kind"`
	}
	s.api.do("GET", "/api/system/backups", nil, &list)
	listed := map[string]string{}
	for _, b := range list {
		listed[b.Name] = b.Kind
	}
	if len(list) != 3 || listed[taken.Name] != "manual" || listed[manual] != "manual" || listed[filepath.Base(written[0])] != "scheduled" ||
		list[len(list)-1].Name != manual {
		t.Fatalf("listed backups %+v", list)
	}
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("another long passphrase 42\n"), 0o600)
	if code, out := runCLI(t, []string{"SEARCHARR_DATA_DIR=" + dataDir}, "user", "create", "--username", "bob", "--password-file", pw); code != 0 {
		t.Fatalf("user create: %d %s", code, out)
	}
	var login struct {
		AccessToken string `json:"access_token"`
	}
	bob := &client{t: t, base: s.api.base}
	bob.do("POST", "/api/auth/login", map[string]string{"username": "bob", "password": "another long passphrase 42"}, &login)
	bob.token = login.AccessToken
	for _, method := range []string{"GET", "POST"} {
		if code := bob.do(method, "/api/system/backups", nil, nil); code != http.StatusForbidden {
			t.Fatalf("%s /api/system/backups as a user: %d, want 403", method, code)
		}
	}
	if files, _ := os.ReadDir(dir); len(files) != 3 {
		t.Fatalf("%d files in the backups directory, want 3", len(files))
	}
	restoreDir := filepath.Join(t.TempDir(), "restored")
	if code, out := runCLI(t, nil, "restore", "--data-dir", restoreDir, written[0]); code != 0 {
		t.Fatalf("restore of the scheduled backup: %d %s", code, out)
	}
}

// TestNoScheduledBackupsOnPostgres: on PostgreSQL serve writes no backup
// and says to use pg_dump; "searcharr backup" refuses and says the same.
func TestNoScheduledBackupsOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	url := freshPostgres(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	s := launch(t, launchOptions{DataDir: dataDir, DatabaseURL: url, Register: true, Env: []string{"SEARCHARR_BACKUP_INTERVAL=1h"}})
	waitUntil(t, "serve to log its backup choice", 10*time.Second, func() bool {
		return strings.Contains(s.proc.output(), "pg_dump")
	})
	if _, err := os.Stat(filepath.Join(dataDir, "backups")); !os.IsNotExist(err) {
		t.Fatalf("a backups directory exists on PostgreSQL: %v", err)
	}
	code, out := runCLI(t, []string{"SEARCHARR_DATA_DIR=" + dataDir, "SEARCHARR_DATABASE_URL=" + url}, "backup")
	if code == 0 || !strings.Contains(out, "pg_dump") || strings.Contains(out, url) {
		t.Fatalf("backup on PostgreSQL: exit %d, %s", code, out)
	}
}
