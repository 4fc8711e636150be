package api

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vibequality/searcharr/core/domain"
)

// statsInput takes the history filters, without status and paging, and
// the length of the daily trend.
type statsInput struct {
	InstanceID int64  `query:"instance_id" minimum:"0"`
	QueueID    int64  `query:"queue_id" minimum:"0"`
	Strategy   string `query:"strategy" maxLength:"64"`
	StartDate  string `query:"start_date" maxLength:"40" doc:"Runs created at or after: a date (2024-01-15) or an RFC 3339 time"`
	EndDate    string `query:"end_date" maxLength:"40" doc:"Runs created before: a date (the whole day is included) or an RFC 3339 time"`
	Days       int    `query:"days" minimum:"1" maximum:"366" default:"30" doc:"Days in the daily trend when start_date is not given"`
}

type tallyOut struct {
	Total           int `json:"total"`
	Successful      int `json:"successful"`
	Failed          int `json:"failed"`
	ItemsSearched   int `json:"items_searched"`
	IndexerSearches int `json:"indexer_searches"`
	ItemsFound      int `json:"items_found"`
}

func toTallyOut(t domain.RunTally) tallyOut {
	return tallyOut{Total: t.Total, Successful: t.Succeeded, Failed: t.Failed, ItemsSearched: t.ItemsSearched,
		IndexerSearches: t.IndexerSearches, ItemsFound: t.ItemsFound}
}

type instanceStatsOut struct {
	InstanceID int64 `json:"instance_id"`
	tallyOut
}

type strategyStatsOut struct {
	Strategy string `json:"strategy"`
	tallyOut
}

type dailyStatsOut struct {
	Date string `json:"date" example:"2024-01-15"`
	tallyOut
}

type statsOutput struct {
	Body struct {
		TotalRuns              int                `json:"total_runs"`
		SuccessfulRuns         int                `json:"successful_runs"`
		FailedRuns             int                `json:"failed_runs"`
		UnfinishedRuns         int                `json:"unfinished_runs" doc:"Runs still pending or running"`
		SuccessRate            float64            `json:"success_rate" doc:"Percentage of finished runs that succeeded"`
		ItemsSearched          int                `json:"items_searched"`
		IndexerSearches        int                `json:"indexer_searches"`
		ItemsFound             int                `json:"items_found" doc:"Searched items grabbed afterwards"`
		AverageDurationSeconds float64            `json:"average_duration_seconds"`
		ByStrategy             []strategyStatsOut `json:"by_strategy"`
		ByInstance             []instanceStatsOut `json:"by_instance"`
		DailyTrend             []dailyStatsOut    `json:"daily_trend" doc:"One entry per UTC day, oldest first, days without runs included"`
	}
}

type queueHistoryInput struct {
	ID     int64 `path:"id" minimum:"1"`
	Limit  int   `query:"limit" minimum:"1" maximum:"500" default:"50"`
	Offset int   `query:"offset" minimum:"0" maximum:"1000000"`
}

type pruneInput struct {
	OlderThanDays int  `query:"older_than_days" required:"true" minimum:"1" maximum:"36500" doc:"Delete finished runs created more than this many days ago"`
	AllUsers      bool `query:"all_users" doc:"Administrators only: prune every user's history, not only their own"`
}

type pruneOutput struct {
	Body struct {
		Deleted       int64     `json:"deleted"`
		OlderThanDays int       `json:"older_than_days"`
		Before        time.Time `json:"before"`
	}
}

func (s *Server) historyViewRoutes() {
	handle(s, operation(http.MethodGet, "/api/search-history/stats", "search-history-stats", "search-history",
		"Totals, success rate, items searched and found, indexer searches, average duration, per strategy, per instance and per day; dry runs left out", 0), s.historyStats)
	handle(s, operation(http.MethodGet, "/api/search-history/failures", "search-history-failures", "search-history",
		"Failed runs, newest first, with the history filters", 0), s.historyFailures)
	handle(s, operation(http.MethodGet, "/api/search-history/queue/{id}", "search-history-of-queue", "search-history",
		"Runs of one queue, newest first", 0), s.queueHistory)
	op := operation(http.MethodDelete, "/api/search-history", "prune-search-history", "search-history",
		"Delete the caller's finished runs older than a number of days (an administrator may prune every user's)", 0)
	op.Errors = []int{http.StatusForbidden}
	handle(s, op, s.pruneHistory)
}

func (s *Server) historyStats(ctx context.Context, in *statsInput) (*statsOutput, error) {
	f, err := runFilter(ctx, &historyInput{InstanceID: in.InstanceID, QueueID: in.QueueID, Strategy: in.Strategy,
		StartDate: in.StartDate, EndDate: in.EndDate})
	if err != nil {
		return nil, err
	}
	st, err := s.deps.Runs.Stats(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &statsOutput{}
	b := &out.Body
	b.TotalRuns, b.SuccessfulRuns, b.FailedRuns, b.UnfinishedRuns = st.Total, st.Succeeded, st.Failed, st.Unfinished
	b.SuccessRate = math.Round(st.SuccessRate()*1000) / 10
	b.ItemsSearched, b.IndexerSearches, b.ItemsFound = st.ItemsSearched, st.IndexerSearches, st.ItemsFound
	b.AverageDurationSeconds = st.AverageDuration.Seconds()
	b.ByStrategy = make([]strategyStatsOut, len(st.ByStrategy))
	for i, x := range st.ByStrategy {
		b.ByStrategy[i] = strategyStatsOut{Strategy: x.Strategy, tallyOut: toTallyOut(x.RunTally)}
	}
	b.ByInstance = make([]instanceStatsOut, len(st.ByInstance))
	for i, x := range st.ByInstance {
		b.ByInstance[i] = instanceStatsOut{InstanceID: x.InstanceID, tallyOut: toTallyOut(x.RunTally)}
	}
	b.DailyTrend = dailyTrend(st.Daily, f, in.Days, s.now().UTC())
	return out, nil
}

// dailyTrend lays the days with runs onto a continuous range of days: from
// the filter's start (or days ago) to its end (or today).
func dailyTrend(daily []domain.DailyStats, f domain.RunFilter, days int, now time.Time) []dailyStatsOut {
	last := now.Truncate(24 * time.Hour)
	if f.CreatedTo != nil {
		last = f.CreatedTo.UTC().Add(-time.Nanosecond).Truncate(24 * time.Hour)
	}
	first := last.AddDate(0, 0, -(days - 1))
	if f.CreatedFrom != nil {
		first = f.CreatedFrom.UTC().Truncate(24 * time.Hour)
	}
	if first.Before(last.AddDate(0, 0, -365)) {
		first = last.AddDate(0, 0, -365)
	}
	byDate := make(map[string]domain.RunTally, len(daily))
	for _, d := range daily {
		byDate[d.Date] = d.RunTally
	}
	out := []dailyStatsOut{}
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		date := d.Format(time.DateOnly)
		out = append(out, dailyStatsOut{Date: date, tallyOut: toTallyOut(byDate[date])})
	}
	return out
}

func (s *Server) historyFailures(ctx context.Context, in *historyInput) (*historyOutput, error) {
	if in.Status != "" && in.Status != string(domain.RunFailed) {
		return nil, fieldError("query.status", "the failures list holds failed runs only", in.Status)
	}
	f, err := runFilter(ctx, in)
	if err != nil {
		return nil, err
	}
	f.Status = domain.RunFailed
	return s.runPage(ctx, f)
}

func (s *Server) queueHistory(ctx context.Context, in *queueHistoryInput) (*historyOutput, error) {
	q, err := s.ownedQueue(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return s.runPage(ctx, domain.RunFilter{OwnerID: q.OwnerID, QueueID: q.ID, Limit: in.Limit, Offset: in.Offset})
}

func (s *Server) pruneHistory(ctx context.Context, in *pruneInput) (*pruneOutput, error) {
	p := principalFrom(ctx)
	if in.AllUsers && !p.user.IsAdmin {
		return nil, huma.Error403Forbidden("only an administrator may prune every user's history")
	}
	before := s.now().UTC().AddDate(0, 0, -in.OlderThanDays)
	var (
		n   int64
		err error
	)
	if in.AllUsers {
		n, err = s.deps.Runs.DeleteBefore(ctx, before)
	} else {
		n, err = s.deps.Runs.DeleteOwnedBefore(ctx, p.user.ID, before)
	}
	if err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("history older than %d days", in.OlderThanDays))
	}
	requestLogger(ctx, s.log).Info("search history pruned", "deleted", n, "older_than_days", in.OlderThanDays, "all_users", in.AllUsers)
	out := &pruneOutput{}
	out.Body.Deleted, out.Body.OlderThanDays, out.Body.Before = n, in.OlderThanDays, before
	return out, nil
}
