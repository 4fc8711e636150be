package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// TestSnapshotWhileWriting: a snapshot taken while another connection
// keeps writing opens as a database of its own, at the latest migration,
// holding a count of users between the counts before and after it.
func TestSnapshotWhileWriting(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, store.DialectSQLite)
	for i := range 20 {
		if _, err := s.Users().Create(ctx, domain.User{Username: fmt.Sprintf("before%d", i), PasswordHash: "h"}); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	done := make(chan error, 1)
	var written atomic.Int64
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if _, err := s.Users().Create(ctx, domain.User{Username: fmt.Sprintf("during%d", i), PasswordHash: "h"}); err != nil {
				done <- err
				return
			}
			written.Add(1)
		}
	}()
	for written.Load() < 5 {
		time.Sleep(time.Millisecond) // let the writer get going
	}
	path := filepath.Join(t.TempDir(), "snap.db")
	err := s.Snapshot(ctx, path)
	close(stop)
	if werr := <-done; werr != nil {
		t.Fatal(werr)
	}
	if err != nil {
		t.Fatal(err)
	}
	after, err := s.Users().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}

	snap, err := store.Open(ctx, store.Options{DatabaseURL: "sqlite:" + path, Sealer: storetest.Sealer(t), SkipMigrations: true})
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	n, err := snap.Users().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n < 20 || n >= after {
		t.Fatalf("snapshot holds %d users; want at least the 20 written before and fewer than the %d after", n, after)
	}
	got, err := snap.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	latest, err := store.LatestSchemaVersion(store.DialectSQLite)
	if err != nil {
		t.Fatal(err)
	}
	if got == "" || got != latest {
		t.Fatalf("snapshot schema version %q, want %q", got, latest)
	}
	if err := s.Snapshot(ctx, path); err == nil {
		t.Fatal("a snapshot over an existing file succeeded")
	}
}

func TestSnapshotRefusedOnPostgres(t *testing.T) {
	s := storetest.Open(t, store.DialectPostgres)
	err := s.Snapshot(context.Background(), filepath.Join(t.TempDir(), "x.db"))
	if !errors.Is(err, store.ErrNotSQLite) {
		t.Fatalf("err = %v, want ErrNotSQLite", err)
	}
}

// TestSQLiteFilesArePrivate: the database and the files SQLite keeps
// beside it are readable by their owner only, and so is a directory the
// store creates.
func TestSQLiteFilesArePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s := storetest.OpenWith(t, store.Options{DataDir: dir, Sealer: storetest.Sealer(t)})
	if _, err := s.Users().Create(context.Background(), domain.User{Username: "a", PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	checkMode(t, dir, 0o700)
	for _, name := range []string{store.SQLiteFile, store.SQLiteFile + "-wal", store.SQLiteFile + "-shm"} {
		checkMode(t, filepath.Join(dir, name), 0o600)
	}
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Fatalf("%s: mode %o, want %o", filepath.Base(path), got, want)
	}
}
