package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

type historyInput struct {
	InstanceID int64  `query:"instance_id" minimum:"0"`
	QueueID    int64  `query:"queue_id" minimum:"0"`
	Strategy   string `query:"strategy" maxLength:"64"`
	Status     string `query:"status" enum:"pending,running,succeeded,failed,"`
	StartDate  string `query:"start_date" maxLength:"40" doc:"Runs created at or after: a date (2024-01-15) or an RFC 3339 time"`
	EndDate    string `query:"end_date" maxLength:"40" doc:"Runs created before: a date (the whole day is included) or an RFC 3339 time"`
	Limit      int    `query:"limit" minimum:"1" maximum:"500" default:"50"`
	Offset     int    `query:"offset" minimum:"0" maximum:"1000000"`
}

type runOut struct {
	ID              int64      `json:"id"`
	QueueID         *int64     `json:"queue_id" doc:"null once the queue was deleted"`
	QueueName       string     `json:"queue_name"`
	InstanceID      int64      `json:"instance_id"`
	Strategy        string     `json:"strategy"`
	Trigger         string     `json:"trigger" enum:"schedule,webhook,api"`
	DryRun          bool       `json:"dry_run"`
	Status          string     `json:"status" enum:"pending,running,succeeded,failed"`
	Error           string     `json:"error,omitempty"`
	ItemsConsidered int        `json:"items_considered"`
	ItemsSelected   int        `json:"items_selected"`
	CommandsSent    int        `json:"commands_sent"`
	IndexerSearches int        `json:"indexer_searches"`
	ItemsFound      int        `json:"items_found"`
	CreatedAt       time.Time  `json:"created_at"`
	StartedAt       *time.Time `json:"started_at"`
	EndedAt         *time.Time `json:"ended_at"`
	DurationSeconds float64    `json:"duration_seconds"`
}

func toRunOut(r domain.Run) runOut {
	out := runOut{
		ID: r.ID, QueueName: r.QueueName, InstanceID: r.InstanceID, Strategy: r.Strategy,
		Trigger: string(r.Trigger), DryRun: r.DryRun, Status: string(r.Status), Error: r.Error,
		ItemsConsidered: r.Counts.ItemsConsidered, ItemsSelected: r.Counts.ItemsSelected,
		CommandsSent: r.Counts.CommandsSent, IndexerSearches: r.Counts.IndexerSearches, ItemsFound: r.Counts.ItemsFound,
		CreatedAt: r.CreatedAt, StartedAt: r.StartedAt, EndedAt: r.EndedAt, DurationSeconds: r.Duration().Seconds(),
	}
	if r.QueueID != 0 {
		id := r.QueueID
		out.QueueID = &id
	}
	return out
}

type historyOutput struct {
	Body struct {
		Items  []runOut `json:"items"`
		Total  int      `json:"total"`
		Limit  int      `json:"limit"`
		Offset int      `json:"offset"`
	}
}

type runItemsInput struct {
	ID     int64 `path:"id" minimum:"1"`
	Limit  int   `query:"limit" minimum:"1" maximum:"5000" default:"500"`
	Offset int   `query:"offset" minimum:"0"`
}

type runItemOut struct {
	ItemKey    string  `json:"item_key" example:"episode:123"`
	Title      string  `json:"title"`
	Decision   string  `json:"decision" enum:"kept,dropped"`
	ReasonCode string  `json:"reason_code" example:"cooldown" doc:"searched, cooldown, excluded, queued, grabbed, unmonitored, not_available, future, filtered, over_budget, duplicate or has_file"`
	Reason     string  `json:"reason"`
	Score      float64 `json:"score"`
	Command    string  `json:"command,omitempty"`
	// The outcome of a searched item.
	Found        bool       `json:"found" doc:"A grab of this searched item matched a search of it by this run or a later one"`
	FoundAt      *time.Time `json:"found_at,omitempty" doc:"When that grab happened"`
	FoundByRunID *int64     `json:"found_by_run_id,omitempty" doc:"The run whose search the grab matched: this run, or a later run that searched the item again"`
}

func toRunItemOut(it domain.RunItem, o domain.ItemOutcome) runItemOut {
	out := runItemOut{ItemKey: it.Key.String(), Title: it.Title, Decision: string(it.Decision),
		ReasonCode: string(it.ReasonCode), Reason: it.Reason, Score: it.Score, Command: string(it.Command)}
	if o.Found && it.Decision == domain.DecisionKept {
		at, run := o.FoundAt, o.RunID
		out.Found, out.FoundAt, out.FoundByRunID = true, &at, &run
	}
	return out
}

type runItemsOutput struct {
	Body struct {
		Run   runOut       `json:"run"`
		Items []runItemOut `json:"items"`
	}
}

func (s *Server) historyRoutes() {
	handle(s, operation(http.MethodGet, "/api/search-history", "list-search-history", "search-history",
		"Runs of the user's queues, newest first, with filters", 0), s.listHistory)
	handle(s, operation(http.MethodGet, "/api/search-history/{id}/items", "search-history-items", "search-history",
		"The per-item decisions of one run, with their titles and reasons, and for each searched item whether it was found, when and by which run", 0), s.runItems)
	s.historyViewRoutes()
}

// parseDate reads a date (2006-01-02, midnight UTC) or an RFC 3339 time;
// endOfDay moves a bare date to the next midnight so the day is included.
func parseDate(field, v string, endOfDay bool) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return &t, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return nil, fieldError("query."+field, "want a date like 2024-01-15 or an RFC 3339 time", v)
	}
	if endOfDay {
		t = t.AddDate(0, 0, 1)
	}
	return &t, nil
}

// runFilter turns the history filters into a RunFilter of the request's
// user.
func runFilter(ctx context.Context, in *historyInput) (domain.RunFilter, error) {
	from, err := parseDate("start_date", in.StartDate, false)
	if err != nil {
		return domain.RunFilter{}, err
	}
	to, err := parseDate("end_date", in.EndDate, true)
	if err != nil {
		return domain.RunFilter{}, err
	}
	if from != nil && to != nil && !from.Before(*to) {
		return domain.RunFilter{}, fieldError("query.end_date", "end_date must be after start_date", in.EndDate)
	}
	f := domain.RunFilter{
		OwnerID: principalFrom(ctx).user.ID, InstanceID: in.InstanceID, QueueID: in.QueueID,
		Strategy: in.Strategy, Status: domain.RunStatus(in.Status), CreatedFrom: from, CreatedTo: to,
		Limit: in.Limit, Offset: in.Offset,
	}
	if alias, ok := strategyAliases[f.Strategy]; ok {
		f.Strategy = alias
	}
	return f, nil
}

func (s *Server) listHistory(ctx context.Context, in *historyInput) (*historyOutput, error) {
	f, err := runFilter(ctx, in)
	if err != nil {
		return nil, err
	}
	return s.runPage(ctx, f)
}

// runPage answers one page of the runs f selects, with their total.
func (s *Server) runPage(ctx context.Context, f domain.RunFilter) (*historyOutput, error) {
	runs, err := s.deps.Runs.List(ctx, f)
	if err != nil {
		return nil, err
	}
	total, err := s.deps.Runs.Count(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &historyOutput{}
	out.Body.Items = make([]runOut, len(runs))
	for i, r := range runs {
		out.Body.Items[i] = toRunOut(r)
	}
	out.Body.Total, out.Body.Limit, out.Body.Offset = total, f.Limit, f.Offset
	return out, nil
}

func (s *Server) runItems(ctx context.Context, in *runItemsInput) (*runItemsOutput, error) {
	run, err := s.deps.Runs.Get(ctx, in.ID)
	if err == nil && run.OwnerID != principalFrom(ctx).user.ID {
		err = domain.ErrNotFound
	}
	if err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("run %d", in.ID))
	}
	items, err := s.deps.RunItems.ListByRun(ctx, run.ID, in.Limit, in.Offset)
	if err != nil {
		return nil, err
	}
	var outcomes map[domain.ItemKey]domain.ItemOutcome
	if !run.DryRun {
		if outcomes, err = s.deps.RunItems.Outcomes(ctx, run); err != nil {
			return nil, err
		}
	}
	out := &runItemsOutput{}
	out.Body.Run = toRunOut(run)
	out.Body.Items = make([]runItemOut, len(items))
	for i, it := range items {
		out.Body.Items[i] = toRunItemOut(it, outcomes[it.Key])
	}
	return out, nil
}
