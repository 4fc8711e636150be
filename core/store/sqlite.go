package store

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// sqliteFile is the database file name inside the data directory.
const sqliteFile = "searcharr.db"

// openSQLite opens a SQLite file with the pure-Go driver: WAL journal, a busy
// timeout, foreign keys on, and transactions that take the write lock when
// they begin. SQLite allows one writer at a time; BEGIN IMMEDIATE makes
// writers queue on the busy timeout instead of failing when a read
// transaction tries to upgrade, while readers keep running alongside.
func openSQLite(dsn, dataDir string) (*bun.DB, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	if path == "" {
		if dataDir == "" {
			dataDir = "data"
		}
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("store: unable to create data directory: %w", err)
		}
		path = filepath.Join(dataDir, sqliteFile)
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
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
