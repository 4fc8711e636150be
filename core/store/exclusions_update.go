package store

import (
	"context"

	"github.com/vibequality/searcharr/core/domain"
)

// Update replaces an exclusion's title, reason and expiry; what it
// excludes stays.
func (r *Exclusions) Update(ctx context.Context, e domain.Exclusion) (domain.Exclusion, error) {
	res, err := r.s.db.NewUpdate().Table("exclusions").
		Set("title = ?", e.Title).Set("reason = ?", e.Reason).Set("expires_at = ?", utcPtr(e.ExpiresAt)).
		Where("id = ?", e.ID).Exec(ctx)
	if err := r.s.checkOne(res, err, "update exclusion", "exclusion", e.ID); err != nil {
		return domain.Exclusion{}, err
	}
	return r.Get(ctx, e.ID)
}
