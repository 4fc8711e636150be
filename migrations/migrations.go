// Package migrations holds Searcharr's database schema as embedded Bun SQL
// migrations, one folder per dialect: sqlite/ and postgres/. Both folders
// hold the same migrations under the same names, with the same meaning; only
// the column types differ (TIMESTAMPTZ, BYTEA, JSONB and identity columns on
// PostgreSQL; TIMESTAMP, BLOB, TEXT and AUTOINCREMENT on SQLite). Files end
// in .tx.up.sql so each migration runs in one transaction on both.
//
// To change the schema, add a new pair of files with the next number to both
// folders; never edit a migration that has shipped.
package migrations

import (
	"embed"
	"fmt"
	"io/fs"

	"github.com/uptrace/bun/migrate"
)

// The dialect names For accepts.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// FS returns the migration files of one dialect.
func FS(dialect string) (fs.FS, error) {
	switch dialect {
	case DialectSQLite, DialectPostgres:
		return fs.Sub(files, dialect)
	}
	return nil, fmt.Errorf("migrations: unknown dialect %q", dialect)
}

// For returns the migrations of one dialect, ready for a bun migrator.
func For(dialect string) (*migrate.Migrations, error) {
	fsys, err := FS(dialect)
	if err != nil {
		return nil, err
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(fsys); err != nil {
		return nil, fmt.Errorf("migrations: unable to discover %s migrations: %w", dialect, err)
	}
	return ms, nil
}
