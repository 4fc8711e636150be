package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun/migrate"

	"github.com/vibequality/searcharr/migrations"
)

// Migrate applies every pending migration. It is safe to call on an
// up-to-date database and, on PostgreSQL, from several replicas at once:
// a session advisory lock lets one of them migrate while the others wait.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := migrations.For(s.dialect)
	if err != nil {
		return fmt.Errorf("store: unable to load migrations: %w", err)
	}
	m := migrate.NewMigrator(s.db, ms, migrate.WithMarkAppliedOnSuccess(true))

	if s.dialect == DialectPostgres {
		unlock, err := s.advisoryLock(ctx)
		if err != nil {
			return err
		}
		defer unlock()
	}

	if err := m.Init(ctx); err != nil {
		return fmt.Errorf("store: unable to create the migrations table: %w", err)
	}
	group, err := m.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("store: unable to migrate: %w", err)
	}
	if !group.IsZero() {
		s.log.Info("database migrated", "group", group.ID, "migrations", group.Migrations.String())
	}
	return nil
}

// advisoryLock takes a PostgreSQL session lock, scoped to the current
// schema, on a connection of its own; the returned function releases it.
func (s *Store) advisoryLock(ctx context.Context) (func(), error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: unable to get a connection for the migration lock: %w", err)
	}
	const key = "hashtext(current_schema() || '.searcharr.migrate')"
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock("+key+")"); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("store: unable to take the migration lock: %w", err)
	}
	return func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock("+key+")")
		_ = conn.Close()
	}, nil
}
