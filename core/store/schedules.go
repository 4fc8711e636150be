package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// scheduleModel is a row of the queue_schedules table.
type scheduleModel struct {
	bun.BaseModel `bun:"table:queue_schedules,alias:qs"`

	QueueID               int64      `bun:"queue_id,pk"`
	Kind                  string     `bun:"kind"`
	Cron                  string     `bun:"cron"`
	AtTime                string     `bun:"at_time"`
	Weekdays              string     `bun:"weekdays"`
	TimeZone              string     `bun:"time_zone"`
	Windows               string     `bun:"windows"`
	JitterSeconds         int        `bun:"jitter_seconds"`
	MisfireGraceSeconds   int        `bun:"misfire_grace_seconds"`
	NextRun               *time.Time `bun:"next_run"`
	NextSlot              *time.Time `bun:"next_slot"`
	SpecKey               string     `bun:"spec_key"`
	SeenNextRun           *time.Time `bun:"seen_next_run"`
	SeenLastRun           *time.Time `bun:"seen_last_run"`
	LastFiredAt           *time.Time `bun:"last_fired_at"`
	LastCorrelationID     string     `bun:"last_correlation_id"`
	DeactivationAnnounced bool       `bun:"deactivation_announced"`
	Version               int64      `bun:"version"`
	UpdatedAt             time.Time  `bun:"updated_at"`
}

// scheduleColumns are the columns Save writes (all but the key).
var scheduleColumns = []string{
	"kind", "cron", "at_time", "weekdays", "time_zone", "windows", "jitter_seconds",
	"misfire_grace_seconds", "next_run", "next_slot", "spec_key", "seen_next_run",
	"seen_last_run", "last_fired_at", "last_correlation_id", "deactivation_announced",
	"version", "updated_at",
}

func (m *scheduleModel) entity() (domain.Schedule, error) {
	s := domain.Schedule{
		QueueID:               m.QueueID,
		Kind:                  domain.ScheduleKind(m.Kind),
		Cron:                  m.Cron,
		At:                    m.AtTime,
		TimeZone:              m.TimeZone,
		JitterSeconds:         m.JitterSeconds,
		MisfireGraceSeconds:   m.MisfireGraceSeconds,
		NextRun:               fromDB(m.NextRun),
		NextSlot:              fromDB(m.NextSlot),
		SpecKey:               m.SpecKey,
		SeenNextRun:           fromDB(m.SeenNextRun),
		SeenLastRun:           fromDB(m.SeenLastRun),
		LastFiredAt:           fromDB(m.LastFiredAt),
		LastCorrelationID:     m.LastCorrelationID,
		DeactivationAnnounced: m.DeactivationAnnounced,
		Version:               m.Version,
		UpdatedAt:             m.UpdatedAt.UTC(),
	}
	if err := json.Unmarshal([]byte(m.Weekdays), &s.Weekdays); err != nil {
		return s, fmt.Errorf("store: schedule of search queue %d: weekdays: %w", m.QueueID, err)
	}
	if err := json.Unmarshal([]byte(m.Windows), &s.Windows); err != nil {
		return s, fmt.Errorf("store: schedule of search queue %d: windows: %w", m.QueueID, err)
	}
	return s, nil
}

func scheduleModelFrom(s domain.Schedule) (scheduleModel, error) {
	days := s.Weekdays
	if days == nil {
		days = []time.Weekday{}
	}
	wins := s.Windows
	if wins == nil {
		wins = []domain.TimeWindow{}
	}
	wd, err := json.Marshal(days)
	if err != nil {
		return scheduleModel{}, fmt.Errorf("store: encode weekdays: %w", err)
	}
	ws, err := json.Marshal(wins)
	if err != nil {
		return scheduleModel{}, fmt.Errorf("store: encode windows: %w", err)
	}
	return scheduleModel{
		QueueID:               s.QueueID,
		Kind:                  string(s.Kind),
		Cron:                  s.Cron,
		AtTime:                s.At,
		Weekdays:              string(wd),
		TimeZone:              s.TimeZone,
		Windows:               string(ws),
		JitterSeconds:         s.JitterSeconds,
		MisfireGraceSeconds:   s.MisfireGraceSeconds,
		NextRun:               utcPtr(s.NextRun),
		NextSlot:              utcPtr(s.NextSlot),
		SpecKey:               s.SpecKey,
		SeenNextRun:           utcPtr(s.SeenNextRun),
		SeenLastRun:           utcPtr(s.SeenLastRun),
		LastFiredAt:           utcPtr(s.LastFiredAt),
		LastCorrelationID:     s.LastCorrelationID,
		DeactivationAnnounced: s.DeactivationAnnounced,
		Version:               s.Version,
	}, nil
}

// Schedules stores when search queues run and the scheduler's global
// settings.
type Schedules struct{ s *Store }

// Schedules returns the schedule repository.
func (s *Store) Schedules() *Schedules { return &Schedules{s: s} }

// Adopt gives every queue without a schedule one that follows the queue's
// own columns (recurring, interval, next run), and returns how many it
// added. A queue already deactivated counts as announced. Several schedulers may adopt at once; each queue gets one row.
func (r *Schedules) Adopt(ctx context.Context) (int64, error) {
	res, err := r.s.db.NewRaw(`INSERT INTO queue_schedules
		(queue_id, next_run, next_slot, seen_next_run, seen_last_run, deactivation_announced, updated_at)
		SELECT q.id, q.next_run, q.next_run, q.next_run, q.last_run, q.status = ?, ?
		FROM search_queues AS q
		WHERE NOT EXISTS (SELECT 1 FROM queue_schedules AS s WHERE s.queue_id = q.id)
		ON CONFLICT (queue_id) DO NOTHING`, domain.QueueDeactivated, r.s.now()).Exec(ctx)
	if err != nil {
		return 0, wrap("adopt search queue schedules", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrap("adopt search queue schedules", err)
	}
	return n, nil
}

// Get returns the schedule of one queue, ErrNotFound when it has none.
func (r *Schedules) Get(ctx context.Context, queueID int64) (domain.Schedule, error) {
	var m scheduleModel
	if err := r.s.db.NewSelect().Model(&m).Where("queue_id = ?", queueID).Scan(ctx); err != nil {
		return domain.Schedule{}, wrap(fmt.Sprintf("get schedule of search queue %d", queueID), err)
	}
	return m.entity()
}

// List returns every schedule, by queue id.
func (r *Schedules) List(ctx context.Context) ([]domain.Schedule, error) {
	var ms []scheduleModel
	if err := r.s.db.NewSelect().Model(&ms).OrderExpr("queue_id ASC").Scan(ctx); err != nil {
		return nil, wrap("list schedules", err)
	}
	out := make([]domain.Schedule, 0, len(ms))
	for i := range ms {
		s, err := ms[i].entity()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Save writes a schedule when its stored version is still s.Version (or,
// for a queue without a schedule, creates it) and returns it with its new
// version. It fails with domain.ErrConflict when another writer got there
// first, and with domain.ErrInvalid when the queue does not exist.
func (r *Schedules) Save(ctx context.Context, s domain.Schedule) (domain.Schedule, error) {
	m, err := scheduleModelFrom(s)
	if err != nil {
		return domain.Schedule{}, err
	}
	m.UpdatedAt = r.s.now()
	m.Version = s.Version + 1
	action := fmt.Sprintf("save schedule of search queue %d", s.QueueID)
	if s.Version == 0 {
		res, err := r.s.db.NewInsert().Model(&m).On("CONFLICT (queue_id) DO NOTHING").Exec(ctx)
		if err != nil {
			return domain.Schedule{}, wrap(action, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return domain.Schedule{}, wrap(action, err)
		} else if n == 1 {
			return m.entity()
		}
	}
	res, err := r.s.db.NewUpdate().Model(&m).Column(scheduleColumns...).
		Where("queue_id = ? AND version = ?", s.QueueID, s.Version).Exec(ctx)
	if err != nil {
		return domain.Schedule{}, wrap(action, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return domain.Schedule{}, wrap(action, err)
	}
	if n == 0 {
		return domain.Schedule{}, fmt.Errorf("store: schedule of search queue %d changed meanwhile: %w", s.QueueID, domain.ErrConflict)
	}
	return m.entity()
}

// RunState says whether a queue has a run still open (pending or running)
// and whether a run carries the correlation id given.
func (r *Schedules) RunState(ctx context.Context, queueID int64, correlationID string) (open, found bool, err error) {
	open, err = r.s.db.NewSelect().Table("runs").
		Where("queue_id = ?", queueID).
		Where("status IN (?)", bun.List([]domain.RunStatus{domain.RunPending, domain.RunRunning})).
		Exists(ctx)
	if err != nil {
		return false, false, wrap(fmt.Sprintf("check open runs of search queue %d", queueID), err)
	}
	if correlationID == "" {
		return open, false, nil
	}
	found, err = r.s.db.NewSelect().Table("runs").
		Where("queue_id = ? AND correlation_id = ?", queueID, correlationID).
		Exists(ctx)
	if err != nil {
		return false, false, wrap(fmt.Sprintf("find the run of trigger %s", correlationID), err)
	}
	return open, found, nil
}
