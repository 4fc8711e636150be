package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// userModel is a row of the users table.
type userModel struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID           int64     `bun:"id,pk,autoincrement"`
	Username     string    `bun:"username"`
	PasswordHash string    `bun:"password_hash"`
	IsAdmin      bool      `bun:"is_admin"`
	CreatedAt    time.Time `bun:"created_at"`
	UpdatedAt    time.Time `bun:"updated_at"`
}

func (m *userModel) entity() domain.User {
	return domain.User{
		ID:           m.ID,
		Username:     m.Username,
		PasswordHash: m.PasswordHash,
		IsAdmin:      m.IsAdmin,
		CreatedAt:    m.CreatedAt.UTC(),
		UpdatedAt:    m.UpdatedAt.UTC(),
	}
}

// Users stores accounts. Usernames are unique regardless of case.
type Users struct{ s *Store }

// Users returns the user repository.
func (s *Store) Users() *Users { return &Users{s: s} }

// Create stores a new user and returns it with its id. A taken username
// fails with domain.ErrConflict.
func (r *Users) Create(ctx context.Context, u domain.User) (domain.User, error) {
	m := r.model(u)
	if _, err := r.s.db.NewInsert().Model(&m).Returning("id").Exec(ctx); err != nil {
		return domain.User{}, wrap("create user", err)
	}
	return m.entity(), nil
}

// CreateFirst stores u as an administrator only if no user exists yet, and
// fails with domain.ErrConflict otherwise. Concurrent calls cannot both
// succeed.
func (r *Users) CreateFirst(ctx context.Context, u domain.User) (domain.User, error) {
	u.IsAdmin = true
	m := r.model(u)
	err := r.s.inTx(ctx, "create first user", func(ctx context.Context, tx bun.Tx) error {
		if r.s.dialect == DialectPostgres {
			// SQLite transactions already begin with the write lock.
			if _, err := tx.ExecContext(ctx, "LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"); err != nil {
				return wrap("lock users", err)
			}
		}
		n, err := tx.NewSelect().Model((*userModel)(nil)).Count(ctx)
		if err != nil {
			return wrap("count users", err)
		}
		if n > 0 {
			return fmt.Errorf("store: unable to create first user: users exist: %w", domain.ErrConflict)
		}
		if _, err := tx.NewInsert().Model(&m).Returning("id").Exec(ctx); err != nil {
			return wrap("create first user", err)
		}
		return nil
	})
	if err != nil {
		return domain.User{}, err
	}
	return m.entity(), nil
}

func (r *Users) model(u domain.User) userModel {
	now := r.s.now()
	return userModel{
		Username:     u.Username,
		PasswordHash: u.PasswordHash,
		IsAdmin:      u.IsAdmin,
		CreatedAt:    now,
		UpdatedAt:    now,
	}
}

// Get returns one user.
func (r *Users) Get(ctx context.Context, id int64) (domain.User, error) {
	var m userModel
	if err := r.s.db.NewSelect().Model(&m).Where("id = ?", id).Scan(ctx); err != nil {
		return domain.User{}, wrap(fmt.Sprintf("get user %d", id), err)
	}
	return m.entity(), nil
}

// GetByUsername returns the user with a username, compared without regard
// to case.
func (r *Users) GetByUsername(ctx context.Context, username string) (domain.User, error) {
	var m userModel
	if err := r.s.db.NewSelect().Model(&m).Where("lower(username) = lower(?)", username).Scan(ctx); err != nil {
		return domain.User{}, wrap("get user by username", err)
	}
	return m.entity(), nil
}

// Count returns how many users exist.
func (r *Users) Count(ctx context.Context) (int, error) {
	n, err := r.s.db.NewSelect().Model((*userModel)(nil)).Count(ctx)
	if err != nil {
		return 0, wrap("count users", err)
	}
	return int(n), nil
}

// SetPasswordHash replaces a user's password hash.
func (r *Users) SetPasswordHash(ctx context.Context, id int64, hash string) error {
	res, err := r.s.db.NewUpdate().Table("users").
		Set("password_hash = ?", hash).Set("updated_at = ?", r.s.now()).
		Where("id = ?", id).Exec(ctx)
	return r.s.checkOne(res, err, "set user password", "user", id)
}

// List returns every user, oldest first.
func (r *Users) List(ctx context.Context) ([]domain.User, error) {
	var ms []userModel
	if err := r.s.db.NewSelect().Model(&ms).Order("id").Scan(ctx); err != nil {
		return nil, wrap("list users", err)
	}
	out := make([]domain.User, len(ms))
	for i := range ms {
		out[i] = ms[i].entity()
	}
	return out, nil
}
