package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Dialect names as Dialect reports them.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// Sealer encrypts and decrypts secrets at rest (arr API keys, webhook
// passwords, notification URLs). auth.SecretBox implements it.
type Sealer interface {
	Seal(plaintext []byte) ([]byte, error)
	Open(ciphertext []byte) ([]byte, error)
}

// Options configure Open.
type Options struct {
	// DatabaseURL selects the database: empty for a SQLite file in
	// DataDir, postgres:// or postgresql:// for PostgreSQL, or sqlite:PATH
	// for a SQLite file elsewhere.
	DatabaseURL string
	// DataDir holds the SQLite file when DatabaseURL is empty.
	DataDir string
	// Logger receives the store's few log lines; nil discards them.
	Logger *slog.Logger
	// Sealer encrypts secrets; without one, writing or reading a secret
	// fails.
	Sealer Sealer
	// SkipMigrations leaves the schema alone at Open; call Migrate.
	SkipMigrations bool
	// Now is the clock for bookkeeping timestamps; nil means time.Now.
	Now func() time.Time
}

// Store is Searcharr's database. It is safe for concurrent use.
type Store struct {
	db      *bun.DB
	dialect string
	sealer  Sealer
	log     *slog.Logger
	clock   func() time.Time
	health  *storageHealth
}

// Open connects to the database Options select, checks it answers, and
// applies pending migrations unless SkipMigrations is set.
func Open(ctx context.Context, opts Options) (*Store, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "store")

	var (
		db      *bun.DB
		dialect string
		err     error
	)
	switch url := opts.DatabaseURL; {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		dialect = DialectPostgres
		db, err = openPostgres(url)
	case url == "", strings.HasPrefix(url, "sqlite:"), strings.HasPrefix(url, "file:"):
		dialect = DialectSQLite
		db, err = openSQLite(url, opts.DataDir)
	default:
		return nil, errors.New("store: unable to open database: database URL must start with postgres:// (or be empty for SQLite)")
	}
	if err != nil {
		return nil, err
	}

	clock := opts.Now
	if clock == nil {
		clock = time.Now
	}
	s := &Store{db: db, dialect: dialect, sealer: opts.Sealer, log: log, clock: clock, health: &storageHealth{log: log}}
	db.AddQueryHook(s.health)
	if err := s.Ping(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	if !opts.SkipMigrations {
		if err := s.Migrate(ctx); err != nil {
			_ = db.Close()
			return nil, err
		}
	}
	log.Debug("database opened", "dialect", dialect)
	return s, nil
}

// DB returns the underlying connection pool, for components such as the
// PostgreSQL event bus that need database/sql directly.
func (s *Store) DB() *sql.DB { return s.db.DB }

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: unable to reach the %s database: %w", s.dialect, err)
	}
	return nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: unable to close the database: %w", err)
	}
	return nil
}

// now returns the store clock's time in UTC at the precision both
// dialects keep.
func (s *Store) now() time.Time { return utc(s.clock()) }

// utc normalises a time for storage: UTC, microsecond precision.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// utcPtr is utc for optional times.
func utcPtr(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := utc(*t)
	return &u
}

// fromDB normalises a time read from the database.
func fromDB(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
