package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// exclusionModel is a row of the exclusions table.
type exclusionModel struct {
	bun.BaseModel `bun:"table:exclusions,alias:ex"`

	ID         int64      `bun:"id,pk,autoincrement"`
	UserID     int64      `bun:"user_id"`
	InstanceID int64      `bun:"instance_id"`
	Kind       string     `bun:"kind"`
	TargetID   int64      `bun:"target_id"`
	Title      string     `bun:"title"`
	Reason     string     `bun:"reason"`
	ExpiresAt  *time.Time `bun:"expires_at"`
	CreatedAt  time.Time  `bun:"created_at"`
}

func (m *exclusionModel) entity() domain.Exclusion {
	return domain.Exclusion{
		ID: m.ID, OwnerID: m.UserID, InstanceID: m.InstanceID, Kind: domain.ExclusionKind(m.Kind),
		TargetID: m.TargetID, Title: m.Title, Reason: m.Reason,
		ExpiresAt: fromDB(m.ExpiresAt), CreatedAt: m.CreatedAt.UTC(),
	}
}

// Exclusions stores what users keep out of every search.
type Exclusions struct{ s *Store }

// Exclusions returns the exclusion repository.
func (s *Store) Exclusions() *Exclusions { return &Exclusions{s: s} }

// Create stores an exclusion; the same target excluded twice on one
// instance fails with domain.ErrConflict.
func (r *Exclusions) Create(ctx context.Context, e domain.Exclusion) (domain.Exclusion, error) {
	m := exclusionModel{
		UserID: e.OwnerID, InstanceID: e.InstanceID, Kind: string(e.Kind), TargetID: e.TargetID,
		Title: e.Title, Reason: e.Reason, ExpiresAt: utcPtr(e.ExpiresAt), CreatedAt: r.s.now(),
	}
	if _, err := r.s.db.NewInsert().Model(&m).Returning("id").Exec(ctx); err != nil {
		return domain.Exclusion{}, wrap("create exclusion", err)
	}
	return m.entity(), nil
}

// Get returns one exclusion.
func (r *Exclusions) Get(ctx context.Context, id int64) (domain.Exclusion, error) {
	var m exclusionModel
	if err := r.s.db.NewSelect().Model(&m).Where("id = ?", id).Scan(ctx); err != nil {
		return domain.Exclusion{}, wrap(fmt.Sprintf("get exclusion %d", id), err)
	}
	return m.entity(), nil
}

// ListByOwner returns a user's exclusions, newest first.
func (r *Exclusions) ListByOwner(ctx context.Context, ownerID int64) ([]domain.Exclusion, error) {
	return r.list(ctx, "list exclusions", func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("user_id = ?", ownerID).OrderExpr("id DESC")
	})
}

// Active returns the exclusions of an instance in force at now.
func (r *Exclusions) Active(ctx context.Context, instanceID int64, now time.Time) ([]domain.Exclusion, error) {
	return r.list(ctx, "list active exclusions", func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("instance_id = ?", instanceID).
			Where("(expires_at IS NULL OR expires_at > ?)", utc(now)).OrderExpr("id ASC")
	})
}

func (r *Exclusions) list(ctx context.Context, action string, shape func(*bun.SelectQuery) *bun.SelectQuery) ([]domain.Exclusion, error) {
	var ms []exclusionModel
	if err := shape(r.s.db.NewSelect().Model(&ms)).Scan(ctx); err != nil {
		return nil, wrap(action, err)
	}
	out := make([]domain.Exclusion, len(ms))
	for i := range ms {
		out[i] = ms[i].entity()
	}
	return out, nil
}

// Delete removes an exclusion.
func (r *Exclusions) Delete(ctx context.Context, id int64) error {
	res, err := r.s.db.NewDelete().Table("exclusions").Where("id = ?", id).Exec(ctx)
	return r.s.checkOne(res, err, "delete exclusion", "exclusion", id)
}
