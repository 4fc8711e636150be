package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
)

// limitSQLiteSize caps the database at pages pages on every connection of
// the pool: SQLite then refuses to grow it with SQLITE_FULL, "database or
// disk is full", exactly as when the disk has no room left.
func limitSQLiteSize(t *testing.T, s *store.Store, pages int) {
	t.Helper()
	ctx := context.Background()
	db := s.DB()
	n := db.Stats().MaxOpenConnections
	var wg sync.WaitGroup
	errs := make(chan error, n)
	hold := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := db.Conn(ctx)
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
				errs <- err
			}
			// Every connection is held until all are set, so none is set
			// twice and none is left out.
			<-hold
		}()
	}
	for db.Stats().InUse < n && len(errs) == 0 {
		time.Sleep(time.Millisecond)
	}
	close(hold)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestStorageHealthReportsADiskFullUntilAWriteSucceeds(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{DataDir: filepath.Join(t.TempDir(), "data")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if p, _ := s.StorageHealth(); p != "" {
		t.Fatalf("a fresh store reports %q", p)
	}
	var pages int
	if err := s.DB().QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	limitSQLiteSize(t, s, pages)
	var writeErr error
	for i := 0; i < 500 && writeErr == nil; i++ {
		_, writeErr = s.Users().Create(ctx, domain.User{Username: fmt.Sprintf("user-%d-%s", i, strings.Repeat("x", 200)), PasswordHash: strings.Repeat("h", 500)})
	}
	if writeErr == nil || !strings.Contains(writeErr.Error(), "full") {
		t.Fatalf("writes to a full database gave %v, want a disk full error", writeErr)
	}
	p, since := s.StorageHealth()
	if p != store.StorageFull || since.IsZero() {
		t.Fatalf("storage health after a disk full = %q since %v, want %q", p, since, store.StorageFull)
	}
	// Reads still work, and do not clear it.
	if _, err := s.Users().Count(ctx); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.StorageHealth(); p != store.StorageFull {
		t.Fatalf("a read cleared the storage failure: %q", p)
	}
	// Room again: the next write succeeds and clears it.
	limitSQLiteSize(t, s, 1<<30)
	if _, err := s.Users().Create(ctx, domain.User{Username: "after", PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.StorageHealth(); p != "" {
		t.Fatalf("storage health after a successful write = %q", p)
	}
}
