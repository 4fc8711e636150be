package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/vibequality/searcharr/core/domain"
)

// wrap turns a driver error into a store error that names the action and,
// where it applies, matches a domain sentinel error.
func wrap(action string, err error) error {
	if err == nil {
		return nil
	}
	if sentinel := classify(err); sentinel != nil {
		return fmt.Errorf("store: unable to %s: %w (%v)", action, sentinel, err)
	}
	return fmt.Errorf("store: unable to %s: %w", action, err)
}

// classify returns the domain error a driver error stands for, or nil.
func classify(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return domain.ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505": // unique_violation
			return domain.ErrConflict
		case "23503": // foreign_key_violation
			return domain.ErrInvalid
		case "55P03", "40001", "40P01": // lock_not_available, serialization_failure, deadlock_detected
			return domain.ErrBusy
		}
		return nil
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return domain.ErrConflict
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return domain.ErrInvalid
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return domain.ErrBusy
		}
	}
	return nil
}

// notFound is the error for a row that does not exist.
func notFound(what string, id any) error {
	return fmt.Errorf("store: %s %v: %w", what, id, domain.ErrNotFound)
}
