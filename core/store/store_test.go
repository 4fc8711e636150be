package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func TestOpenReportsDialect(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := s.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
		if s.DB() == nil {
			t.Fatal("DB() is nil")
		}
		if want := t.Name()[len(t.Name())-len(s.Dialect()):]; want != s.Dialect() {
			t.Fatalf("dialect %q in subtest %q", s.Dialect(), t.Name())
		}
	})
}

func TestMigrationsAreIdempotent(t *testing.T) {
	for _, dialect := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			opts := storetest.Options(t, dialect)
			first := storetest.OpenWith(t, opts)
			sd := newSeed(t, first, "alice")
			if err := first.Close(); err != nil {
				t.Fatal(err)
			}
			second := storetest.OpenWith(t, opts)
			if err := second.Migrate(ctx); err != nil {
				t.Fatalf("migrate an up-to-date database: %v", err)
			}
			got, err := second.Instances().Get(ctx, sd.instance.ID)
			if err != nil {
				t.Fatalf("data lost across reopen: %v", err)
			}
			if got.Name != sd.instance.Name {
				t.Fatalf("instance name %q, want %q", got.Name, sd.instance.Name)
			}
		})
	}
}

func TestConcurrentMigrations(t *testing.T) {
	opts := storetest.Options(t, store.DialectPostgres)
	opts.SkipMigrations = true
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := store.Open(context.Background(), opts)
			if err == nil {
				err = s.Migrate(context.Background())
				_ = s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent migrate: %v", err)
		}
	}
}

func TestSQLiteFileInDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	s := storetest.OpenWith(t, store.Options{DataDir: dir})
	if _, err := os.Stat(filepath.Join(dir, "searcharr.db")); err != nil {
		t.Fatalf("database file: %v", err)
	}
	var mode string
	if err := s.DB().QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Fatalf("journal_mode %q, want wal", mode)
	}
	var fk int
	if err := s.DB().QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if fk != 1 {
		t.Fatal("foreign keys are off")
	}
}

func TestOpenRefusesUnknownURL(t *testing.T) {
	if _, err := store.Open(context.Background(), store.Options{DatabaseURL: "mysql://x"}); err == nil {
		t.Fatal("want an error")
	}
}
