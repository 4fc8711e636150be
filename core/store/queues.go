package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// queueModel is a row of the search_queues table.
type queueModel struct {
	bun.BaseModel `bun:"table:search_queues,alias:q"`

	ID                  int64      `bun:"id,pk,autoincrement"`
	InstanceID          int64      `bun:"instance_id"`
	Name                string     `bun:"name"`
	Strategy            string     `bun:"strategy"`
	Config              string     `bun:"config"`
	Recurring           bool       `bun:"recurring"`
	IntervalMinutes     int        `bun:"interval_minutes"`
	MaxItemsPerRun      int        `bun:"max_items_per_run"`
	CooldownHours       int        `bun:"cooldown_hours"`
	MaxSearchesPerRun   int        `bun:"max_searches_per_run"`
	CooldownMode        string     `bun:"cooldown_mode"`
	OwnCooldown         bool       `bun:"own_cooldown"`
	IncludeUnmonitored  bool       `bun:"include_unmonitored"`
	IsActive            bool       `bun:"is_active"`
	Status              string     `bun:"status"`
	StatusReason        string     `bun:"status_reason"`
	NextRun             *time.Time `bun:"next_run"`
	LastRun             *time.Time `bun:"last_run"`
	LastError           string     `bun:"last_error"`
	ConsecutiveFailures int        `bun:"consecutive_failures"`
	RunningRunID        *int64     `bun:"running_run_id"`
	LeaseUntil          *time.Time `bun:"lease_until"`
	LeaseHolder         string     `bun:"lease_holder"`
	LeaseBoot           string     `bun:"lease_boot"`
	CreatedAt           time.Time  `bun:"created_at"`
	UpdatedAt           time.Time  `bun:"updated_at"`

	OwnerID int64 `bun:"owner_id,scanonly"`
}

// queueSettings are the columns Update writes.
var queueSettings = []string{
	"name", "strategy", "config", "recurring", "interval_minutes", "max_items_per_run",
	"cooldown_hours", "is_active", "status", "status_reason", "next_run", "updated_at",
	"max_searches_per_run", "cooldown_mode", "own_cooldown", "include_unmonitored",
}

func (m *queueModel) entity() domain.Queue {
	return domain.Queue{
		ID:                  m.ID,
		InstanceID:          m.InstanceID,
		OwnerID:             m.OwnerID,
		Name:                m.Name,
		Strategy:            m.Strategy,
		Config:              json.RawMessage(m.Config),
		Recurring:           m.Recurring,
		IntervalMinutes:     m.IntervalMinutes,
		MaxItemsPerRun:      m.MaxItemsPerRun,
		CooldownHours:       m.CooldownHours,
		MaxSearchesPerRun:   m.MaxSearchesPerRun,
		CooldownMode:        domain.CooldownMode(m.CooldownMode),
		OwnCooldown:         m.OwnCooldown,
		IncludeUnmonitored:  m.IncludeUnmonitored,
		IsActive:            m.IsActive,
		Status:              domain.QueueStatus(m.Status),
		StatusReason:        m.StatusReason,
		NextRun:             fromDB(m.NextRun),
		LastRun:             fromDB(m.LastRun),
		LastError:           m.LastError,
		ConsecutiveFailures: m.ConsecutiveFailures,
		RunningRunID:        m.RunningRunID,
		LeaseUntil:          fromDB(m.LeaseUntil),
		CreatedAt:           m.CreatedAt.UTC(),
		UpdatedAt:           m.UpdatedAt.UTC(),
	}
}

func queueModelFrom(q domain.Queue) queueModel {
	cfg := string(q.Config)
	if len(q.Config) == 0 {
		cfg = "{}"
	}
	status := string(q.Status)
	if status == "" {
		status = string(domain.QueuePending)
	}
	mode := string(q.CooldownMode)
	if mode == "" {
		mode = string(domain.CooldownFlat)
	}
	return queueModel{
		MaxSearchesPerRun:  q.MaxSearchesPerRun,
		CooldownMode:       mode,
		OwnCooldown:        q.OwnCooldown,
		IncludeUnmonitored: q.IncludeUnmonitored,
		ID:                 q.ID,
		InstanceID:         q.InstanceID,
		Name:               q.Name,
		Strategy:           q.Strategy,
		Config:             cfg,
		Recurring:          q.Recurring,
		IntervalMinutes:    q.IntervalMinutes,
		MaxItemsPerRun:     q.MaxItemsPerRun,
		CooldownHours:      q.CooldownHours,
		IsActive:           q.IsActive,
		Status:             status,
		StatusReason:       q.StatusReason,
		NextRun:            utcPtr(q.NextRun),
	}
}

// QueueFilter selects queues; zero fields do not filter.
type QueueFilter struct {
	OwnerID    int64
	InstanceID int64
	ActiveOnly bool
}

// Queues stores search queues and their run lease.
type Queues struct{ s *Store }

// Queues returns the search queue repository.
func (s *Store) Queues() *Queues { return &Queues{s: s} }

// selectQueues starts a query that reads queues with their owner.
func (r *Queues) selectQueues(dest any) *bun.SelectQuery {
	return r.s.db.NewSelect().Model(dest).
		ColumnExpr("q.*").ColumnExpr("i.user_id AS owner_id").
		Join("JOIN instances AS i ON i.id = q.instance_id")
}

// Create stores a new queue and returns it with its id. The lease,
// results and failure count start empty.
func (r *Queues) Create(ctx context.Context, q domain.Queue) (domain.Queue, error) {
	m := queueModelFrom(q)
	m.ID = 0
	m.CreatedAt = r.s.now()
	m.UpdatedAt = m.CreatedAt
	if _, err := r.s.db.NewInsert().Model(&m).Returning("id").Exec(ctx); err != nil {
		return domain.Queue{}, wrap("create search queue", err)
	}
	return r.Get(ctx, m.ID)
}

// Get returns one queue.
func (r *Queues) Get(ctx context.Context, id int64) (domain.Queue, error) {
	var m queueModel
	if err := r.selectQueues(&m).Where("q.id = ?", id).Scan(ctx); err != nil {
		return domain.Queue{}, wrap(fmt.Sprintf("get search queue %d", id), err)
	}
	return m.entity(), nil
}

// List returns the queues f selects, ordered by id.
func (r *Queues) List(ctx context.Context, f QueueFilter) ([]domain.Queue, error) {
	var ms []queueModel
	q := r.selectQueues(&ms)
	if f.OwnerID != 0 {
		q = q.Where("i.user_id = ?", f.OwnerID)
	}
	if f.InstanceID != 0 {
		q = q.Where("q.instance_id = ?", f.InstanceID)
	}
	if f.ActiveOnly {
		q = q.Where("q.is_active = ?", true)
	}
	if err := q.OrderExpr("q.id ASC").Scan(ctx); err != nil {
		return nil, wrap("list search queues", err)
	}
	return queueEntities(ms), nil
}

// DueQueues returns the active queues whose next run is at or before now
// and that no live lease holds, oldest due first.
func (r *Queues) DueQueues(ctx context.Context, now time.Time) ([]domain.Queue, error) {
	now = utc(now)
	var ms []queueModel
	err := r.selectQueues(&ms).
		Where("q.is_active = ?", true).
		Where("q.next_run IS NOT NULL AND q.next_run <= ?", now).
		Where("(q.running_run_id IS NULL OR q.lease_until IS NULL OR q.lease_until <= ?)", now).
		OrderExpr("q.next_run ASC, q.id ASC").
		Scan(ctx)
	if err != nil {
		return nil, wrap("list due search queues", err)
	}
	return queueEntities(ms), nil
}

func queueEntities(ms []queueModel) []domain.Queue {
	out := make([]domain.Queue, len(ms))
	for i := range ms {
		out[i] = ms[i].entity()
	}
	return out
}

// Update writes a queue's settings, activity, status and next run (not its
// instance, lease, results or failure count) and returns the stored queue.
func (r *Queues) Update(ctx context.Context, q domain.Queue) (domain.Queue, error) {
	m := queueModelFrom(q)
	m.UpdatedAt = r.s.now()
	res, err := r.s.db.NewUpdate().Model(&m).Column(queueSettings...).WherePK().Exec(ctx)
	if err := r.s.checkOne(res, err, "update search queue", "search queue", q.ID); err != nil {
		return domain.Queue{}, err
	}
	return r.Get(ctx, q.ID)
}

// SetNextRun sets when the queue is due next; nil leaves it unscheduled.
func (r *Queues) SetNextRun(ctx context.Context, id int64, next *time.Time) error {
	res, err := r.s.db.NewUpdate().Table("search_queues").
		Set("next_run = ?", utcPtr(next)).Set("updated_at = ?", r.s.now()).
		Where("id = ?", id).Exec(ctx)
	return r.s.checkOne(res, err, "set search queue next run", "search queue", id)
}

// Pause deactivates a queue at its owner's request.
func (r *Queues) Pause(ctx context.Context, id int64) (domain.Queue, error) {
	res, err := r.s.db.NewUpdate().Table("search_queues").
		Set("is_active = ?", false).Set("status = ?", domain.QueuePaused).
		Set("updated_at = ?", r.s.now()).
		Where("id = ?", id).Exec(ctx)
	if err := r.s.checkOne(res, err, "pause search queue", "search queue", id); err != nil {
		return domain.Queue{}, err
	}
	return r.Get(ctx, id)
}

// Resume reactivates a paused or deactivated queue: it clears the failure
// count and the reason, and schedules the next run at next (nil keeps the
// stored next run).
func (r *Queues) Resume(ctx context.Context, id int64, next *time.Time) (domain.Queue, error) {
	q := r.s.db.NewUpdate().Table("search_queues").
		Set("is_active = ?", true).Set("status = ?", domain.QueuePending).
		Set("status_reason = ''").Set("consecutive_failures = 0").
		Set("updated_at = ?", r.s.now()).
		Where("id = ?", id)
	if next != nil {
		q = q.Set("next_run = ?", utc(*next))
	}
	res, err := q.Exec(ctx)
	if err := r.s.checkOne(res, err, "resume search queue", "search queue", id); err != nil {
		return domain.Queue{}, err
	}
	return r.Get(ctx, id)
}

// Delete removes a queue; its runs stay in the history without it.
func (r *Queues) Delete(ctx context.Context, id int64) error {
	res, err := r.s.db.NewDelete().Table("search_queues").Where("id = ?", id).Exec(ctx)
	return r.s.checkOne(res, err, "delete search queue", "search queue", id)
}
