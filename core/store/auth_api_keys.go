package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// apiKeyModel is a row of the api_keys table. Only the SHA-256 of a key is
// stored, with a short prefix for display.
type apiKeyModel struct {
	bun.BaseModel `bun:"table:api_keys,alias:ak"`

	ID         int64      `bun:"id,pk,autoincrement"`
	UserID     int64      `bun:"user_id"`
	Name       string     `bun:"name"`
	Prefix     string     `bun:"prefix"`
	KeyHash    string     `bun:"key_hash"`
	CreatedAt  time.Time  `bun:"created_at"`
	LastUsedAt *time.Time `bun:"last_used_at"`
	ExpiresAt  *time.Time `bun:"expires_at"`
}

// APIKey is a user's personal API key, without the key itself.
type APIKey struct {
	ID         int64
	UserID     int64
	Name       string
	Prefix     string
	KeyHash    string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	ExpiresAt  *time.Time
}

func (m *apiKeyModel) entity() APIKey {
	return APIKey{ID: m.ID, UserID: m.UserID, Name: m.Name, Prefix: m.Prefix, KeyHash: m.KeyHash,
		CreatedAt: m.CreatedAt.UTC(), LastUsedAt: fromDB(m.LastUsedAt), ExpiresAt: fromDB(m.ExpiresAt)}
}

// APIKeys stores personal API keys.
type APIKeys struct{ s *Store }

// APIKeys returns the API key repository.
func (s *Store) APIKeys() *APIKeys { return &APIKeys{s: s} }

// Create stores a new key and returns it with its id.
func (r *APIKeys) Create(ctx context.Context, k APIKey) (APIKey, error) {
	m := apiKeyModel{UserID: k.UserID, Name: k.Name, Prefix: k.Prefix, KeyHash: k.KeyHash,
		CreatedAt: r.s.now(), ExpiresAt: utcPtr(k.ExpiresAt)}
	if _, err := r.s.db.NewInsert().Model(&m).Returning("id").Exec(ctx); err != nil {
		return APIKey{}, wrap("create api key", err)
	}
	return m.entity(), nil
}

// ListByUser returns a user's keys, oldest first.
func (r *APIKeys) ListByUser(ctx context.Context, userID int64) ([]APIKey, error) {
	var ms []apiKeyModel
	if err := r.s.db.NewSelect().Model(&ms).Where("user_id = ?", userID).OrderExpr("id ASC").Scan(ctx); err != nil {
		return nil, wrap("list api keys", err)
	}
	out := make([]APIKey, len(ms))
	for i := range ms {
		out[i] = ms[i].entity()
	}
	return out, nil
}

// GetByHash returns the key whose hash is keyHash.
func (r *APIKeys) GetByHash(ctx context.Context, keyHash string) (APIKey, error) {
	var m apiKeyModel
	if err := r.s.db.NewSelect().Model(&m).Where("key_hash = ?", keyHash).Scan(ctx); err != nil {
		return APIKey{}, wrap("get api key", err)
	}
	return m.entity(), nil
}

// Touch records that a key was used at at.
func (r *APIKeys) Touch(ctx context.Context, id int64, at time.Time) error {
	_, err := r.s.db.NewUpdate().Table("api_keys").Set("last_used_at = ?", utc(at)).Where("id = ?", id).Exec(ctx)
	return wrap("touch api key", err)
}

// Delete removes key id of user userID; a key of another user is
// domain.ErrNotFound.
func (r *APIKeys) Delete(ctx context.Context, userID, id int64) error {
	res, err := r.s.db.NewDelete().Table("api_keys").Where("id = ? AND user_id = ?", id, userID).Exec(ctx)
	return r.s.checkOne(res, err, "delete api key", "api key", fmt.Sprint(id))
}
