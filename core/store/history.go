package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// DeleteOwnedBefore removes the finished runs created before t of the
// instances ownerID owns, with their items, and returns how many it
// removed. Other users' runs and unfinished runs stay.
func (r *Runs) DeleteOwnedBefore(ctx context.Context, ownerID int64, t time.Time) (int64, error) {
	res, err := r.s.db.NewDelete().Table("runs").
		Where("created_at < ?", utc(t)).
		Where("status IN (?)", bun.List([]domain.RunStatus{domain.RunSucceeded, domain.RunFailed})).
		Where("instance_id IN (SELECT id FROM instances WHERE user_id = ?)", ownerID).
		Exec(ctx)
	if err != nil {
		return 0, wrap("delete old runs of a user", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrap("delete old runs of a user", err)
	}
	return n, nil
}
