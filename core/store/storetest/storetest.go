// Package storetest runs tests against real databases: a SQLite file in a
// temporary directory always, and PostgreSQL when SEARCHARR_TEST_DATABASE_URL
// is set, each test in a schema of its own, so tests run in parallel and
// repeatedly against one server.
//
//	func TestSomething(t *testing.T) {
//		storetest.Each(t, func(t *testing.T, s *store.Store) {
//			// use s
//		})
//	}
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/store"
)

// EnvDatabaseURL names the variable holding the PostgreSQL server for tests.
const EnvDatabaseURL = "SEARCHARR_TEST_DATABASE_URL"

// SkipMessage is why PostgreSQL subtests skip without EnvDatabaseURL.
const SkipMessage = "PostgreSQL tests skipped: " + EnvDatabaseURL + " is not set"

// Each runs fn once per dialect, as subtests "sqlite" and "postgres", each
// with a freshly migrated, empty store closed when the subtest ends.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	EachWith(t, nil, fn)
}

// EachWith is Each with a chance to adjust the options, for example to set
// a clock.
func EachWith(t *testing.T, configure func(*store.Options), fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, dialect := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(dialect, func(t *testing.T) {
			opts := Options(t, dialect)
			if configure != nil {
				configure(&opts)
			}
			fn(t, OpenWith(t, opts))
		})
	}
}

// Open returns a freshly migrated store of one dialect, closed when the
// test ends. For PostgreSQL it skips the test without EnvDatabaseURL.
func Open(t testing.TB, dialect string) *store.Store {
	t.Helper()
	return OpenWith(t, Options(t, dialect))
}

// OpenWith opens a store with opts and closes it when the test ends.
func OpenWith(t testing.TB, opts store.Options) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatalf("storetest: open %s store: %v", opts.DatabaseURL, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Options returns the options of a fresh database of one dialect: a SQLite
// file in a temporary directory, or a new PostgreSQL schema (skipping the
// test without EnvDatabaseURL). The Sealer is a SecretBox with a random
// key.
func Options(t testing.TB, dialect string) store.Options {
	t.Helper()
	opts := store.Options{Sealer: Sealer(t)}
	switch dialect {
	case store.DialectSQLite:
		opts.DataDir = t.TempDir()
	case store.DialectPostgres:
		opts.DatabaseURL = PostgresURL(t)
	default:
		t.Fatalf("storetest: unknown dialect %q", dialect)
	}
	return opts
}

// Sealer returns a SecretBox with a random key.
func Sealer(t testing.TB) *auth.SecretBox {
	t.Helper()
	key := make([]byte, auth.KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	box, err := auth.NewSecretBox(key)
	if err != nil {
		t.Fatal(err)
	}
	return box
}

// PostgresURL creates an empty schema on the EnvDatabaseURL server and
// returns a URL whose connections use it (search_path), dropping the schema
// when the test ends. Without EnvDatabaseURL it skips the test.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvDatabaseURL)
	if base == "" {
		t.Skip(SkipMessage)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvDatabaseURL, err)
	}
	suffix := make([]byte, 8)
	if _, err := rand.Read(suffix); err != nil {
		t.Fatal(err)
	}
	schema := "searcharr_test_" + hex.EncodeToString(suffix)

	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: connect to %s: %v", EnvDatabaseURL, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, fmt.Sprintf("CREATE SCHEMA %q", schema)); err != nil {
		_ = admin.Close()
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, fmt.Sprintf("DROP SCHEMA %q CASCADE", schema)); err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
		}
		_ = admin.Close()
	})

	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// The pgx driver registers itself as "pgx" through this import.
var _ = stdlib.GetDefaultDriver
