package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vibequality/searcharr/migrations"
)

// ErrNotSQLite is returned by Snapshot on a PostgreSQL store: its backups
// are made with pg_dump.
var ErrNotSQLite = errors.New("store: snapshots are taken of SQLite databases only; back PostgreSQL up with pg_dump")

// Snapshot writes a consistent copy of the SQLite database to path, which
// must not exist yet. It runs VACUUM INTO in one read transaction, so it
// sees the database as of one moment while the server goes on writing
// (WAL lets readers and the writer work side by side), and it works from a
// separate process too. The copy is compact and has no -wal file of its
// own.
func (s *Store) Snapshot(ctx context.Context, path string) error {
	if s.dialect != DialectSQLite {
		return ErrNotSQLite
	}
	if _, err := s.db.DB.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("store: unable to snapshot the database: %w", err)
	}
	return nil
}

// SchemaVersion returns the name of the newest migration applied to the
// database ("" when none is).
func (s *Store) SchemaVersion(ctx context.Context) (string, error) {
	var name sql.NullString
	err := s.db.DB.QueryRowContext(ctx, "SELECT MAX(name) FROM bun_migrations").Scan(&name)
	if err != nil {
		return "", fmt.Errorf("store: unable to read the schema version: %w", err)
	}
	return name.String, nil
}

// LatestSchemaVersion returns the name of the newest migration this build
// knows for a dialect: a database whose SchemaVersion is newer was written
// by a newer build.
func LatestSchemaVersion(dialect string) (string, error) {
	ms, err := migrations.For(dialect)
	if err != nil {
		return "", fmt.Errorf("store: %w", err)
	}
	sorted := ms.Sorted()
	if len(sorted) == 0 {
		return "", nil
	}
	return sorted[len(sorted)-1].Name, nil
}
