package store

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// A database can answer pings and reads while it refuses every write: the
// SQLite file's disk is full, the PostgreSQL server ran out of space or was
// made read-only. storageHealth watches every statement the store runs and
// keeps the last such failure until a write succeeds again, so GET /health
// can say so.

// StorageProblem names a storage failure in words safe to show anyone:
// never the driver's message, which may hold paths or host names.
type StorageProblem string

// The storage failures told apart.
const (
	StorageFull     StorageProblem = "disk full"
	StorageIO       StorageProblem = "I/O error"
	StorageReadOnly StorageProblem = "read-only"
	StorageCorrupt  StorageProblem = "corrupt"
)

// storageHealth is a bun query hook recording storage failures.
type storageHealth struct {
	log *slog.Logger

	mu      sync.Mutex
	problem StorageProblem
	since   time.Time
}

var _ bun.QueryHook = (*storageHealth)(nil)

func (h *storageHealth) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (h *storageHealth) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if e.Err == nil {
		// The statement's own first word: bun calls every raw query a
		// SELECT.
		op, _, _ := strings.Cut(strings.TrimSpace(e.Query), " ")
		switch strings.ToUpper(op) {
		case "INSERT", "UPDATE", "DELETE":
			h.mu.Lock()
			was := h.problem
			h.problem, h.since = "", time.Time{}
			h.mu.Unlock()
			if was != "" {
				h.log.Info("storage writes succeed again", "was", string(was))
			}
		}
		return
	}
	p := storageProblem(e.Err)
	if p == "" {
		return
	}
	h.mu.Lock()
	first := h.problem == ""
	if first {
		h.since = time.Now().UTC()
	}
	h.problem = p
	h.mu.Unlock()
	if first {
		h.log.Error("storage failing", "problem", string(p), "error", e.Err)
	}
}

// storageProblem classifies a driver error that says the storage itself
// fails, or returns "" for any other error (a constraint, a missing row, a
// cancelled context, a lock held).
func storageProblem(err error) StorageProblem {
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return StorageFull
		case sqlite3.SQLITE_IOERR:
			return StorageIO
		case sqlite3.SQLITE_READONLY:
			return StorageReadOnly
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return StorageCorrupt
		}
		return ""
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "53100": // disk_full
			return StorageFull
		case pgErr.Code == "58030": // io_error
			return StorageIO
		case pgErr.Code == "25006": // read_only_sql_transaction
			return StorageReadOnly
		case pgErr.Code == "XX001", pgErr.Code == "XX002": // data_corrupted, index_corrupted
			return StorageCorrupt
		}
	}
	return ""
}

// StorageHealth returns the storage failure the last statements met and
// since when, or "" once a write succeeded after it.
func (s *Store) StorageHealth() (StorageProblem, time.Time) {
	s.health.mu.Lock()
	defer s.health.mu.Unlock()
	return s.health.problem, s.health.since
}
