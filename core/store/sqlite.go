package store

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// SQLiteFile is the database file name inside the data directory. SQLite
// keeps its write-ahead log and shared-memory index beside it, under the
// same name with "-wal" and "-shm" added.
const SQLiteFile = "searcharr.db"

// SQLitePath returns the SQLite file a database URL selects: the one in
// dataDir when the URL is empty, the path of a sqlite:PATH URL otherwise.
// It reports false for a PostgreSQL URL.
func SQLitePath(databaseURL, dataDir string) (string, bool) {
	switch {
	case databaseURL == "":
	case strings.HasPrefix(databaseURL, "sqlite:"), strings.HasPrefix(databaseURL, "file:"):
		path := strings.TrimPrefix(strings.TrimPrefix(databaseURL, "sqlite:"), "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if path != "" {
			return path, true
		}
	default:
		return "", false
	}
	if dataDir == "" {
		dataDir = "data"
	}
	return filepath.Join(dataDir, SQLiteFile), true
}

// openSQLite opens a SQLite file with the pure-Go driver: WAL journal, a busy
// timeout, foreign keys on, and transactions that take the write lock when
// they begin. SQLite allows one writer at a time; BEGIN IMMEDIATE makes
// writers queue on the busy timeout instead of failing when a read
// transaction tries to upgrade, while readers keep running alongside.
//
// A new database file is created readable by its owner only (0600), and
// SQLite gives its -wal and -shm files the mode of the database file, so
// the stored hashes and sealed secrets are never readable by other local
// users whatever the umask.
func openSQLite(dsn, dataDir string) (*bun.DB, error) {
	path, _ := SQLitePath(dsn, dataDir)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: unable to create data directory: %w", err)
	}
	if err := createPrivate(path); err != nil {
		return nil, err
	}

	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	sqldb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: unable to open sqlite database: %w", err)
	}
	conns := max(4, runtime.GOMAXPROCS(0))
	sqldb.SetMaxOpenConns(conns)
	sqldb.SetMaxIdleConns(conns)
	sqldb.SetConnMaxLifetime(0)
	return bun.NewDB(sqldb, sqlitedialect.New()), nil
}

// createPrivate creates an empty file with mode 0600 unless one exists
// (SQLite takes an empty file for a new database).
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: unable to create the sqlite database: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: unable to create the sqlite database: %w", err)
	}
	return nil
}
