package store

import (
	"context"
	"fmt"
	"time"
)

// This file keeps the dispatch pauses of instances (set by hand or by a
// Health webhook), so a pause outlives a restart until it is lifted.

// SetDispatchPause records that dispatch to an instance is paused, with
// why; pausing a paused instance replaces the reason.
func (s *Store) SetDispatchPause(ctx context.Context, instanceID int64, reason string, at time.Time) error {
	_, err := s.db.NewRaw(
		`INSERT INTO dispatch_pauses (instance_id, reason, paused_at) VALUES (?, ?, ?)
		ON CONFLICT (instance_id) DO UPDATE SET reason = excluded.reason, paused_at = excluded.paused_at`,
		instanceID, reason, utc(at)).Exec(ctx)
	if err != nil {
		return wrap(fmt.Sprintf("pause dispatch to instance %d", instanceID), err)
	}
	return nil
}

// ClearDispatchPause lifts an instance's dispatch pause; lifting none is
// not an error.
func (s *Store) ClearDispatchPause(ctx context.Context, instanceID int64) error {
	_, err := s.db.NewDelete().Table("dispatch_pauses").Where("instance_id = ?", instanceID).Exec(ctx)
	if err != nil {
		return wrap(fmt.Sprintf("resume dispatch to instance %d", instanceID), err)
	}
	return nil
}

// DispatchPauses returns the reason of every paused instance, by id
// (only instanceID's when it is not zero).
func (s *Store) DispatchPauses(ctx context.Context, instanceID int64) (map[int64]string, error) {
	var rows []struct {
		InstanceID int64  `bun:"instance_id"`
		Reason     string `bun:"reason"`
	}
	q := s.db.NewSelect().Table("dispatch_pauses").Column("instance_id", "reason")
	if instanceID != 0 {
		q = q.Where("instance_id = ?", instanceID)
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, wrap("list dispatch pauses", err)
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.InstanceID] = r.Reason
	}
	return out, nil
}
