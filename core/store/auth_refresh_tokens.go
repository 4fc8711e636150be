package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// refreshTokenModel is a row of the refresh_tokens table. Only the SHA-256
// of a token is stored.
type refreshTokenModel struct {
	bun.BaseModel `bun:"table:refresh_tokens,alias:rt"`

	ID        int64      `bun:"id,pk,autoincrement"`
	UserID    int64      `bun:"user_id"`
	FamilyID  string     `bun:"family_id"`
	TokenHash string     `bun:"token_hash"`
	UserAgent string     `bun:"user_agent"`
	IP        string     `bun:"ip"`
	CreatedAt time.Time  `bun:"created_at"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
	RevokedAt *time.Time `bun:"revoked_at"`
}

// RefreshToken is a stored refresh token, without the token itself.
type RefreshToken struct {
	ID        int64
	UserID    int64
	FamilyID  string
	TokenHash string
	UserAgent string
	IP        string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// ErrRefreshTokenReused reports a refresh token presented after it was
// already used or revoked; the store has revoked its whole family.
var ErrRefreshTokenReused = errors.New("store: refresh token reused")

// RefreshTokens stores the hashes of refresh tokens, grouped in families:
// every rotation adds a token to the family of the one it replaces.
type RefreshTokens struct{ s *Store }

// RefreshTokens returns the refresh token repository.
func (s *Store) RefreshTokens() *RefreshTokens { return &RefreshTokens{s: s} }

// Create stores a new refresh token.
func (r *RefreshTokens) Create(ctx context.Context, t RefreshToken) error {
	m := refreshTokenModel{
		UserID: t.UserID, FamilyID: t.FamilyID, TokenHash: t.TokenHash,
		UserAgent: truncate(t.UserAgent, 255), IP: truncate(t.IP, 64),
		CreatedAt: r.s.now(), ExpiresAt: utc(t.ExpiresAt),
	}
	if _, err := r.s.db.NewInsert().Model(&m).Exec(ctx); err != nil {
		return wrap("create refresh token", err)
	}
	return nil
}

// Use consumes the token with hash tokenHash at now and returns it. It is
// one conditional statement, so of two concurrent uses only one succeeds.
// An unknown or expired token fails with domain.ErrNotFound. A token used
// or revoked before fails with ErrRefreshTokenReused (which also matches
// domain.ErrConflict), after its whole family has been revoked.
func (r *RefreshTokens) Use(ctx context.Context, tokenHash string, now time.Time) (RefreshToken, error) {
	now = utc(now)
	res, err := r.s.db.NewUpdate().Table("refresh_tokens").
		Set("used_at = ?", now).
		Where("token_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?", tokenHash, now).
		Exec(ctx)
	if err != nil {
		return RefreshToken{}, wrap("use refresh token", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return RefreshToken{}, wrap("use refresh token", err)
	}
	var m refreshTokenModel
	if err := r.s.db.NewSelect().Model(&m).Where("token_hash = ?", tokenHash).Scan(ctx); err != nil {
		return RefreshToken{}, wrap("get refresh token", err)
	}
	t := RefreshToken{ID: m.ID, UserID: m.UserID, FamilyID: m.FamilyID, TokenHash: m.TokenHash,
		UserAgent: m.UserAgent, IP: m.IP, CreatedAt: m.CreatedAt.UTC(), ExpiresAt: m.ExpiresAt.UTC()}
	switch {
	case n == 1:
		return t, nil
	case m.UsedAt != nil || m.RevokedAt != nil:
		if err := r.RevokeFamily(ctx, m.FamilyID, now); err != nil {
			return RefreshToken{}, err
		}
		return RefreshToken{}, fmt.Errorf("%w: family revoked: %w", ErrRefreshTokenReused, domain.ErrConflict)
	default:
		return RefreshToken{}, fmt.Errorf("store: refresh token expired: %w", domain.ErrNotFound)
	}
}

// RevokeFamily revokes every token of a family.
func (r *RefreshTokens) RevokeFamily(ctx context.Context, familyID string, now time.Time) error {
	_, err := r.s.db.NewUpdate().Table("refresh_tokens").
		Set("revoked_at = ?", utc(now)).
		Where("family_id = ? AND revoked_at IS NULL", familyID).Exec(ctx)
	return wrap("revoke refresh token family", err)
}

// RevokeUser revokes every refresh token of a user, as after a password
// change.
func (r *RefreshTokens) RevokeUser(ctx context.Context, userID int64, now time.Time) error {
	_, err := r.s.db.NewUpdate().Table("refresh_tokens").
		Set("revoked_at = ?", utc(now)).
		Where("user_id = ? AND revoked_at IS NULL", userID).Exec(ctx)
	return wrap("revoke user refresh tokens", err)
}

// DeleteExpired removes tokens that expired before t and returns how many.
func (r *RefreshTokens) DeleteExpired(ctx context.Context, t time.Time) (int64, error) {
	res, err := r.s.db.NewDelete().Table("refresh_tokens").Where("expires_at < ?", utc(t)).Exec(ctx)
	if err != nil {
		return 0, wrap("delete expired refresh tokens", err)
	}
	n, err := res.RowsAffected()
	return n, wrap("delete expired refresh tokens", err)
}

// truncate cuts s to at most n bytes.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
