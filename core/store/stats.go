package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// statsRow is one group of runs as the stats queries count them.
type statsRow struct {
	Key             string  `bun:"grp"`
	Status          string  `bun:"status"`
	Runs            int     `bun:"runs"`
	ItemsSearched   int     `bun:"items_searched"`
	IndexerSearches int     `bun:"indexer_searches"`
	ItemsFound      int     `bun:"items_found"`
	Timed           int     `bun:"timed"`
	Seconds         float64 `bun:"seconds"`
}

// durationExpr is the run's duration in seconds, NULL while it has not
// ended.
func (s *Store) durationExpr() string {
	if s.dialect == DialectPostgres {
		return "EXTRACT(EPOCH FROM (r.ended_at - r.started_at))"
	}
	return "(julianday(r.ended_at) - julianday(r.started_at)) * 86400.0"
}

// dayExpr is the UTC day (2006-01-02) a run was created.
func (s *Store) dayExpr() string {
	if s.dialect == DialectPostgres {
		return "to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	return "strftime('%Y-%m-%d', r.created_at)"
}

// Stats summarises the runs f selects, ignoring its Status, Limit and
// Offset, and leaving dry runs out. The counting happens in the database:
// one grouped query per strategy and status, one per day and status, one
// per instance and status.
func (r *Runs) Stats(ctx context.Context, f domain.RunFilter) (domain.HistoryStats, error) {
	f.Status, f.Limit, f.Offset = "", 0, 0
	byStrategy, err := r.statsBy(ctx, f, "r.strategy")
	if err != nil {
		return domain.HistoryStats{}, err
	}
	byDay, err := r.statsBy(ctx, f, r.s.dayExpr())
	if err != nil {
		return domain.HistoryStats{}, err
	}
	byInstance, err := r.statsBy(ctx, f, "r.instance_id")
	if err != nil {
		return domain.HistoryStats{}, err
	}

	var (
		out      domain.HistoryStats
		timed    int
		seconds  float64
		strategy = map[string]*domain.StrategyStats{}
		day      = map[string]*domain.DailyStats{}
		instance = map[int64]*domain.InstanceStats{}
	)
	for _, row := range byStrategy {
		out.Total += row.Runs
		out.ItemsSearched += row.ItemsSearched
		out.IndexerSearches += row.IndexerSearches
		out.ItemsFound += row.ItemsFound
		switch domain.RunStatus(row.Status) {
		case domain.RunSucceeded:
			out.Succeeded += row.Runs
		case domain.RunFailed:
			out.Failed += row.Runs
		default:
			out.Unfinished += row.Runs
		}
		timed += row.Timed
		seconds += row.Seconds
		s := strategy[row.Key]
		if s == nil {
			s = &domain.StrategyStats{Strategy: row.Key}
			strategy[row.Key] = s
		}
		tally(&s.RunTally, row)
	}
	for _, row := range byDay {
		d := day[row.Key]
		if d == nil {
			d = &domain.DailyStats{Date: row.Key}
			day[row.Key] = d
		}
		tally(&d.RunTally, row)
	}
	for _, row := range byInstance {
		id, err := strconv.ParseInt(row.Key, 10, 64)
		if err != nil {
			return domain.HistoryStats{}, fmt.Errorf("store: run stats of instance %q: %w", row.Key, err)
		}
		in := instance[id]
		if in == nil {
			in = &domain.InstanceStats{InstanceID: id}
			instance[id] = in
		}
		tally(&in.RunTally, row)
	}
	if timed > 0 {
		out.AverageDuration = time.Duration(seconds / float64(timed) * float64(time.Second)).Round(time.Millisecond)
	}
	for _, s := range strategy {
		out.ByStrategy = append(out.ByStrategy, *s)
	}
	sort.Slice(out.ByStrategy, func(i, j int) bool { return out.ByStrategy[i].Strategy < out.ByStrategy[j].Strategy })
	for _, in := range instance {
		out.ByInstance = append(out.ByInstance, *in)
	}
	sort.Slice(out.ByInstance, func(i, j int) bool { return out.ByInstance[i].InstanceID < out.ByInstance[j].InstanceID })
	for _, d := range day {
		out.Daily = append(out.Daily, *d)
	}
	sort.Slice(out.Daily, func(i, j int) bool { return out.Daily[i].Date < out.Daily[j].Date })
	return out, nil
}

func tally(t *domain.RunTally, row statsRow) {
	t.Total += row.Runs
	t.ItemsSearched += row.ItemsSearched
	t.IndexerSearches += row.IndexerSearches
	t.ItemsFound += row.ItemsFound
	switch domain.RunStatus(row.Status) {
	case domain.RunSucceeded:
		t.Succeeded += row.Runs
	case domain.RunFailed:
		t.Failed += row.Runs
	}
}

func (r *Runs) statsBy(ctx context.Context, f domain.RunFilter, group string) ([]statsRow, error) {
	finished := bun.List([]domain.RunStatus{domain.RunSucceeded, domain.RunFailed})
	dur := r.s.durationExpr()
	var rows []statsRow
	q := r.s.db.NewSelect().TableExpr("runs AS r").
		Join("JOIN instances AS i ON i.id = r.instance_id").
		ColumnExpr(group+" AS grp").ColumnExpr("r.status AS status").
		ColumnExpr("COUNT(*) AS runs").
		ColumnExpr("COALESCE(SUM(r.items_selected), 0) AS items_searched").
		ColumnExpr("COALESCE(SUM(r.indexer_searches), 0) AS indexer_searches").
		ColumnExpr("COALESCE(SUM(r.items_found), 0) AS items_found").
		ColumnExpr("COUNT(CASE WHEN r.status IN (?) AND r.started_at IS NOT NULL AND r.ended_at IS NOT NULL THEN 1 END) AS timed", finished).
		ColumnExpr("COALESCE(SUM(CASE WHEN r.status IN (?) AND r.started_at IS NOT NULL AND r.ended_at IS NOT NULL THEN "+dur+" END), 0.0) AS seconds", finished).
		Where("r.dry_run = ?", false).
		GroupExpr(group).GroupExpr("r.status")
	if err := filterRuns(q, f).Scan(ctx, &rows); err != nil {
		return nil, wrap("count run stats", err)
	}
	return rows, nil
}
