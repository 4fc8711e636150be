package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// Prune deletes what is older than its retention at now: finished runs
// (their decisions and found items go with them), ended dispatched
// commands (with their items), the grabs and imports the arrs reported,
// processed webhook deliveries, and expired refresh tokens. Pending and
// running work is never deleted. Every statement is idempotent, so
// replicas sharing a PostgreSQL database may all run it.
func (s *Store) Prune(ctx context.Context, r domain.Retention, now time.Time) (domain.Pruned, error) {
	out := domain.Pruned{}
	del := func(table string, q *bun.DeleteQuery) error {
		res, err := q.Exec(ctx)
		if err != nil {
			return wrap("prune "+table, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return wrap("prune "+table, err)
		}
		out[table] += n
		return nil
	}
	if r.History > 0 {
		cut := utc(now.Add(-r.History))
		n, err := s.Runs().DeleteBefore(ctx, cut)
		if err != nil {
			return out, err
		}
		out["runs"] = n
		if err := del("dispatched_commands", s.db.NewDelete().Table("dispatched_commands").
			Where("status IN (?)", bun.List([]domain.CommandStatus{domain.CommandCompleted, domain.CommandFailed, domain.CommandExpired})).
			Where("ended_at < ?", cut)); err != nil {
			return out, err
		}
		if err := del("outcome_grabs", s.db.NewDelete().Table("outcome_grabs").Where("created_at < ?", cut)); err != nil {
			return out, err
		}
	}
	if r.Webhooks > 0 {
		if err := del("webhook_deliveries", s.db.NewDelete().Table("webhook_deliveries").
			Where("processed_at IS NOT NULL AND processed_at < ?", utc(now.Add(-r.Webhooks)))); err != nil {
			return out, err
		}
	}
	n, err := s.RefreshTokens().DeleteExpired(ctx, now)
	if err != nil {
		return out, err
	}
	out["refresh_tokens"] = n
	return out, nil
}
