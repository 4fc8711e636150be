package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

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
	storetest.LimitSQLiteSize(t, s, pages)
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
	storetest.LimitSQLiteSize(t, s, 1<<30)
	if _, err := s.Users().Create(ctx, domain.User{Username: "after", PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.StorageHealth(); p != "" {
		t.Fatalf("storage health after a successful write = %q", p)
	}
}
