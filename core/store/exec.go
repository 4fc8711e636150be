package store

import (
	"context"
	"database/sql"

	"github.com/uptrace/bun"
)

// checkOne turns the result of a statement meant to touch exactly one row
// into an error: the driver error wrapped, or ErrNotFound when no row
// matched.
func (s *Store) checkOne(res sql.Result, err error, action, what string, id any) error {
	if err != nil {
		return wrap(action, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(action, err)
	}
	if n == 0 {
		return notFound(what, id)
	}
	return nil
}

// inTx runs fn in one transaction, committed when fn returns nil and rolled
// back otherwise. fn's own error is returned as it is; fn wraps it.
func (s *Store) inTx(ctx context.Context, action string, fn func(ctx context.Context, tx bun.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return wrap(action+": begin", err)
	}
	if err := fn(ctx, tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return wrap(action+": commit", err)
	}
	return nil
}

// exists reports whether a row with the given id exists in table.
func exists(ctx context.Context, db bun.IDB, table string, id int64) (bool, error) {
	return db.NewSelect().Table(table).Where("id = ?", id).Exists(ctx)
}
