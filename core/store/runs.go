package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// runModel is a row of the runs table.
type runModel struct {
	bun.BaseModel `bun:"table:runs,alias:r"`

	ID              int64      `bun:"id,pk,autoincrement"`
	QueueID         *int64     `bun:"queue_id"`
	QueueName       string     `bun:"queue_name"`
	InstanceID      int64      `bun:"instance_id"`
	Strategy        string     `bun:"strategy"`
	TriggerKind     string     `bun:"trigger_kind"`
	CorrelationID   string     `bun:"correlation_id"`
	DryRun          bool       `bun:"dry_run"`
	Status          string     `bun:"status"`
	Error           string     `bun:"error"`
	ItemsConsidered int        `bun:"items_considered"`
	ItemsSelected   int        `bun:"items_selected"`
	ItemsSearched   int        `bun:"items_searched"`
	Skipped         string     `bun:"skipped"`
	CommandsSent    int        `bun:"commands_sent"`
	IndexerSearches int        `bun:"indexer_searches"`
	ItemsFound      int        `bun:"items_found"`
	CreatedAt       time.Time  `bun:"created_at"`
	StartedAt       *time.Time `bun:"started_at"`
	PlannedAt       *time.Time `bun:"planned_at"`
	Origin          string     `bun:"origin"`
	EndedAt         *time.Time `bun:"ended_at"`

	OwnerID int64 `bun:"owner_id,scanonly"`
}

func (m *runModel) entity() domain.Run {
	var queueID int64
	if m.QueueID != nil {
		queueID = *m.QueueID
	}
	return domain.Run{
		ID:            m.ID,
		QueueID:       queueID,
		QueueName:     m.QueueName,
		InstanceID:    m.InstanceID,
		OwnerID:       m.OwnerID,
		Strategy:      m.Strategy,
		Trigger:       domain.TriggerKind(m.TriggerKind),
		CorrelationID: m.CorrelationID,
		DryRun:        m.DryRun,
		Status:        domain.RunStatus(m.Status),
		Error:         m.Error,
		Counts: domain.RunCounts{
			ItemsConsidered: m.ItemsConsidered,
			ItemsSelected:   m.ItemsSelected,
			CommandsSent:    m.CommandsSent,
			IndexerSearches: m.IndexerSearches,
			ItemsFound:      m.ItemsFound,
			ItemsSearched:   m.ItemsSearched,
			Skipped:         decodeSkipped(m.Skipped),
		},
		Origin:    decodeOrigin(m.Origin),
		CreatedAt: m.CreatedAt.UTC(),
		StartedAt: fromDB(m.StartedAt),
		PlannedAt: fromDB(m.PlannedAt),
		EndedAt:   fromDB(m.EndedAt),
	}
}

// Runs stores the search history: one row per run of a queue.
type Runs struct{ s *Store }

// Runs returns the run repository.
func (s *Store) Runs() *Runs { return &Runs{s: s} }

func (r *Runs) selectRuns(dest any) *bun.SelectQuery {
	return r.s.db.NewSelect().Model(dest).
		ColumnExpr("r.*").ColumnExpr("i.user_id AS owner_id").
		Join("JOIN instances AS i ON i.id = r.instance_id")
}

// Create opens a run and returns it with its id. A zero Status means
// pending; a running run gets its start time now.
func (r *Runs) Create(ctx context.Context, run domain.Run) (domain.Run, error) {
	m := newRunModel(run, r.s.now())
	if _, err := r.s.db.NewInsert().Model(&m).Returning("id").Exec(ctx); err != nil {
		return domain.Run{}, wrap("create run", err)
	}
	return r.Get(ctx, m.ID)
}

// newRunModel is the row of a new run created at now.
func newRunModel(run domain.Run, now time.Time) runModel {
	m := runModel{
		QueueName:       run.QueueName,
		InstanceID:      run.InstanceID,
		Strategy:        run.Strategy,
		TriggerKind:     string(run.Trigger),
		CorrelationID:   run.CorrelationID,
		DryRun:          run.DryRun,
		Status:          string(run.Status),
		Error:           run.Error,
		ItemsConsidered: run.Counts.ItemsConsidered,
		ItemsSelected:   run.Counts.ItemsSelected,
		CommandsSent:    run.Counts.CommandsSent,
		IndexerSearches: run.Counts.IndexerSearches,
		ItemsFound:      run.Counts.ItemsFound,
		ItemsSearched:   run.Counts.ItemsSearched,
		Skipped:         encodeSkipped(run.Counts.Skipped),
		CreatedAt:       now,
		StartedAt:       utcPtr(run.StartedAt),
	}
	if run.QueueID != 0 {
		m.QueueID = &run.QueueID
	}
	if run.Origin != nil {
		if b, err := json.Marshal(run.Origin); err == nil {
			m.Origin = string(b)
		}
	}
	if m.Status == "" {
		m.Status = string(domain.RunPending)
	}
	if m.Status == string(domain.RunRunning) && m.StartedAt == nil {
		m.StartedAt = &now
	}
	return m
}

// Get returns one run.
func (r *Runs) Get(ctx context.Context, id int64) (domain.Run, error) {
	var m runModel
	if err := r.selectRuns(&m).Where("r.id = ?", id).Scan(ctx); err != nil {
		return domain.Run{}, wrap(fmt.Sprintf("get run %d", id), err)
	}
	return m.entity(), nil
}

// Start moves a pending run to running.
func (r *Runs) Start(ctx context.Context, id int64) error {
	res, err := r.s.db.NewUpdate().Table("runs").
		Set("status = ?", domain.RunRunning).Set("started_at = ?", r.s.now()).
		Where("id = ? AND status = ?", id, domain.RunPending).Exec(ctx)
	return r.checkTransition(ctx, res, err, id, "start")
}

// AddCounts adds delta to a run's counters atomically, so several
// components can count into one run. The skipped counts are written once,
// by the policy: a delta that carries some replaces them.
func (r *Runs) AddCounts(ctx context.Context, id int64, delta domain.RunCounts) error {
	q := r.s.db.NewUpdate().Table("runs")
	if !delta.Skipped.IsZero() {
		q = q.Set("skipped = ?", encodeSkipped(delta.Skipped))
	}
	res, err := q.
		Set("items_searched = items_searched + ?", delta.ItemsSearched).
		Set("items_considered = items_considered + ?", delta.ItemsConsidered).
		Set("items_selected = items_selected + ?", delta.ItemsSelected).
		Set("commands_sent = commands_sent + ?", delta.CommandsSent).
		Set("indexer_searches = indexer_searches + ?", delta.IndexerSearches).
		Set("items_found = items_found + ?", delta.ItemsFound).
		Where("id = ?", id).Exec(ctx)
	return r.s.checkOne(res, err, "add run counts", "run", id)
}

// Finish ends a run with status (succeeded or failed) and an error message.
// It fails with domain.ErrConflict when the run has already ended.
func (r *Runs) Finish(ctx context.Context, id int64, status domain.RunStatus, errMsg string) error {
	if !status.Finished() {
		return fmt.Errorf("store: run %d cannot finish as %q: %w", id, status, domain.ErrInvalid)
	}
	now := r.s.now()
	res, err := r.s.db.NewUpdate().Table("runs").
		Set("status = ?", status).Set("error = ?", errMsg).
		Set("started_at = COALESCE(started_at, ?)", now).Set("ended_at = ?", now).
		Where("id = ?", id).
		Where("status IN (?)", bun.List([]domain.RunStatus{domain.RunPending, domain.RunRunning})).
		Exec(ctx)
	return r.checkTransition(ctx, res, err, id, "finish")
}

func (r *Runs) checkTransition(ctx context.Context, res interface{ RowsAffected() (int64, error) }, err error, id int64, verb string) error {
	if err != nil {
		return wrap(verb+" run", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(verb+" run", err)
	}
	if n > 0 {
		return nil
	}
	ok, err := exists(ctx, r.s.db, "runs", id)
	if err != nil {
		return wrap(verb+" run", err)
	}
	if !ok {
		return notFound("run", id)
	}
	return fmt.Errorf("store: unable to %s run %d: its status does not allow it: %w", verb, id, domain.ErrConflict)
}

// List returns the runs f selects, newest first, at most f.Limit of them
// (100 when zero) from f.Offset.
func (r *Runs) List(ctx context.Context, f domain.RunFilter) ([]domain.Run, error) {
	var ms []runModel
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q := filterRuns(r.selectRuns(&ms), f).
		OrderExpr("r.created_at DESC, r.id DESC").Limit(int64(limit)).Offset(int64(max(f.Offset, 0)))
	if err := q.Scan(ctx); err != nil {
		return nil, wrap("list runs", err)
	}
	out := make([]domain.Run, len(ms))
	for i := range ms {
		out[i] = ms[i].entity()
	}
	return out, nil
}

// Count returns how many runs f selects, ignoring its limit and offset.
func (r *Runs) Count(ctx context.Context, f domain.RunFilter) (int, error) {
	n, err := filterRuns(r.selectRuns((*runModel)(nil)), f).Count(ctx)
	if err != nil {
		return 0, wrap("count runs", err)
	}
	return int(n), nil
}

func filterRuns(q *bun.SelectQuery, f domain.RunFilter) *bun.SelectQuery {
	if f.OwnerID != 0 {
		q = q.Where("i.user_id = ?", f.OwnerID)
	}
	if f.InstanceID != 0 {
		q = q.Where("r.instance_id = ?", f.InstanceID)
	}
	if f.QueueID != 0 {
		q = q.Where("r.queue_id = ?", f.QueueID)
	}
	if f.Strategy != "" {
		q = q.Where("r.strategy = ?", f.Strategy)
	}
	if f.Status != "" {
		q = q.Where("r.status = ?", f.Status)
	}
	if f.CreatedFrom != nil {
		q = q.Where("r.created_at >= ?", utc(*f.CreatedFrom))
	}
	if f.CreatedTo != nil {
		q = q.Where("r.created_at < ?", utc(*f.CreatedTo))
	}
	return q
}

// FailOrphaned closes runs left pending or running by a process that died:
// runs created before createdBefore whose queue lease is no longer theirs
// (or has expired) become failed with errMsg. It returns how many it closed.
func (r *Runs) FailOrphaned(ctx context.Context, createdBefore time.Time, errMsg string) (int64, error) {
	now := r.s.now()
	res, err := r.s.db.NewUpdate().Table("runs").
		Set("status = ?", domain.RunFailed).Set("error = ?", errMsg).
		Set("started_at = COALESCE(started_at, ?)", now).Set("ended_at = ?", now).
		Where("status IN (?)", bun.List([]domain.RunStatus{domain.RunPending, domain.RunRunning})).
		Where("created_at < ?", utc(createdBefore)).
		Where(`NOT EXISTS (SELECT 1 FROM search_queues AS q
			WHERE q.running_run_id = runs.id AND q.lease_until > ?)`, now).
		Exec(ctx)
	if err != nil {
		return 0, wrap("fail orphaned runs", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrap("fail orphaned runs", err)
	}
	return n, nil
}

// DeleteBefore removes finished runs created before t, with their items,
// and returns how many it removed.
func (r *Runs) DeleteBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := r.s.db.NewDelete().Table("runs").
		Where("created_at < ?", utc(t)).
		Where("status IN (?)", bun.List([]domain.RunStatus{domain.RunSucceeded, domain.RunFailed})).
		Exec(ctx)
	if err != nil {
		return 0, wrap("delete old runs", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrap("delete old runs", err)
	}
	return n, nil
}

// decodeOrigin reads a run's stored trigger; nil when none was kept.
func decodeOrigin(s string) *domain.TriggerEvent {
	if s == "" {
		return nil
	}
	var ev domain.TriggerEvent
	if err := json.Unmarshal([]byte(s), &ev); err != nil {
		return nil
	}
	return &ev
}
