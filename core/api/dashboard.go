package api

import (
	"context"
	"net/http"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// Activity reads what a user's instances did lately. *store.Activity
// implements it.
type Activity interface {
	// Daily counts, per UTC day since from, the commands sent, their
	// indexer searches and the searched items found; days without any
	// are absent.
	Daily(ctx context.Context, ownerID int64, from time.Time) ([]domain.ActivityDay, error)
	// LastWebhookEvents is when each of the owner's instances last
	// received a webhook delivery.
	LastWebhookEvents(ctx context.Context, ownerID int64) (map[int64]time.Time, error)
}

// dashboardDays is the length of the dashboard's daily chart.
const dashboardDays = 30

// dashboardRecentRuns is how many finished runs the dashboard lists.
const dashboardRecentRuns = 10

type dashboardBudgetOut struct {
	HourUsed      int        `json:"hour_used"`
	HourCap       int        `json:"hour_cap" doc:"0: no hourly cap"`
	HourRemaining int        `json:"hour_remaining" doc:"-1 when there is no hourly cap"`
	DayUsed       int        `json:"day_used"`
	DayCap        int        `json:"day_cap" doc:"0: no daily cap"`
	DayRemaining  int        `json:"day_remaining" doc:"-1 when there is no daily cap"`
	Pending       int        `json:"pending" doc:"Commands waiting to be sent"`
	InFlight      int        `json:"in_flight"`
	NextSendAt    *time.Time `json:"next_send_at,omitempty"`
}

type dashboardInstanceOut struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind" enum:"sonarr,radarr"`
	// Budget is absent when the server runs no dispatcher.
	Budget       *dashboardBudgetOut `json:"budget,omitempty" doc:"Indexer searches of the rolling hour and day, as GET /api/instances/{id}/budget reports them; absent when this server runs no dispatcher"`
	Paused       bool                `json:"paused" doc:"Something holds dispatch back"`
	PauseReasons []string            `json:"pause_reasons" doc:"paused, breaker_open, queue_full or cap_reached"`
	PauseMessage string              `json:"pause_message,omitempty" doc:"The manual or health pause's own words"`
	LastError    string              `json:"last_error,omitempty" doc:"The error the last send met, until one succeeds"`
	BreakerState string              `json:"breaker_state,omitempty" enum:"closed,open,half-open," doc:"The instance's circuit breaker; empty when unknown"`
	LastWebhook  *time.Time          `json:"last_webhook_at" doc:"When a webhook (or the Test event) last arrived from the instance"`
}

type dashboardQueueOut struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	InstanceID    int64      `json:"instance_id"`
	Strategy      string     `json:"strategy"`
	IsActive      bool       `json:"is_active"`
	Status        string     `json:"status" enum:"pending,running,completed,failed,paused,deactivated"`
	StatusReason  string     `json:"status_reason,omitempty"`
	NextRun       *time.Time `json:"next_run"`
	LastRun       *time.Time `json:"last_run"`
	LastRunStatus string     `json:"last_run_status" enum:"succeeded,failed," doc:"How the last finished run ended; empty before the first"`
	LastError     string     `json:"last_error,omitempty"`
	RunningRunID  *int64     `json:"running_run_id" doc:"The run holding the queue now, if any"`
}

type activityDayOut struct {
	Date            string `json:"date" example:"2026-12-02"`
	Commands        int    `json:"commands" doc:"Commands that reached the arr"`
	IndexerSearches int    `json:"indexer_searches" doc:"Their summed cost"`
	ItemsFound      int    `json:"items_found" doc:"Searched items grabbed that day"`
}

type dashboardOutput struct {
	Body struct {
		GeneratedAt time.Time              `json:"generated_at"`
		Instances   []dashboardInstanceOut `json:"instances"`
		Queues      []dashboardQueueOut    `json:"queues"`
		Active      []runOut               `json:"active_runs" doc:"Runs pending or running, with their counters so far"`
		Recent      []runOut               `json:"recent_runs" doc:"The last 10 finished runs, previews left out"`
		Daily       []activityDayOut       `json:"daily" doc:"The last 30 UTC days, oldest first, days without activity included"`
	}
}

func (s *Server) dashboardRoutes() {
	handle(s, operation(http.MethodGet, "/api/dashboard", "get-dashboard", "dashboard",
		"Everything the dashboard shows in one request: each instance's indexer budget and pause state, the queues with their next run, runs in progress, the last finished runs, and searches sent and items found per day", 0),
		s.getDashboard)
}

func (s *Server) getDashboard(ctx context.Context, _ *struct{}) (*dashboardOutput, error) {
	user := principalFrom(ctx).user.ID
	now := s.now().UTC()
	out := &dashboardOutput{}
	b := &out.Body
	b.GeneratedAt = now

	instances, err := s.deps.Instances.ListByOwner(ctx, user)
	if err != nil {
		return nil, err
	}
	hooks, err := s.deps.Activity.LastWebhookEvents(ctx, user)
	if err != nil {
		return nil, err
	}
	b.Instances = make([]dashboardInstanceOut, 0, len(instances))
	for _, in := range instances {
		o, err := s.dashboardInstance(ctx, in, hooks[in.ID])
		if err != nil {
			return nil, err
		}
		b.Instances = append(b.Instances, o)
	}

	queues, err := s.deps.Queues.ListByOwner(ctx, user)
	if err != nil {
		return nil, err
	}
	b.Queues = make([]dashboardQueueOut, len(queues))
	for i, q := range queues {
		b.Queues[i] = toDashboardQueue(q, now)
	}

	if b.Active, err = s.dashboardRuns(ctx, domain.RunFilter{OwnerID: user, Status: domain.RunRunning, Limit: 50}, 0); err != nil {
		return nil, err
	}
	pending, err := s.dashboardRuns(ctx, domain.RunFilter{OwnerID: user, Status: domain.RunPending, Limit: 50}, 0)
	if err != nil {
		return nil, err
	}
	b.Active = append(b.Active, pending...)
	// Previews are left out; a page a little larger than needed leaves
	// room for them.
	if b.Recent, err = s.dashboardRuns(ctx, domain.RunFilter{OwnerID: user, Limit: 4 * dashboardRecentRuns}, dashboardRecentRuns); err != nil {
		return nil, err
	}

	first := now.Truncate(24*time.Hour).AddDate(0, 0, -(dashboardDays - 1))
	days, err := s.deps.Activity.Daily(ctx, user, first)
	if err != nil {
		return nil, err
	}
	byDate := make(map[string]domain.ActivityDay, len(days))
	for _, d := range days {
		byDate[d.Date] = d
	}
	b.Daily = make([]activityDayOut, 0, dashboardDays)
	for d := first; !d.After(now); d = d.AddDate(0, 0, 1) {
		date := d.Format(time.DateOnly)
		a := byDate[date]
		b.Daily = append(b.Daily, activityDayOut{Date: date, Commands: a.Commands, IndexerSearches: a.IndexerSearches, ItemsFound: a.ItemsFound})
	}
	return out, nil
}

// dashboardInstance describes one instance with its budget, through the
// same code as GET /api/instances/{id}/budget.
func (s *Server) dashboardInstance(ctx context.Context, in domain.Instance, lastHook time.Time) (dashboardInstanceOut, error) {
	o := dashboardInstanceOut{ID: in.ID, Name: in.Name, Kind: string(in.Kind), PauseReasons: []string{}}
	if in.WebhookLastTestAt != nil && in.WebhookLastTestAt.After(lastHook) {
		lastHook = *in.WebhookLastTestAt
	}
	if !lastHook.IsZero() {
		t := lastHook.UTC()
		o.LastWebhook = &t
	}
	if s.deps.Budgets == nil {
		return o, nil
	}
	st, err := s.deps.Budgets.Budget(ctx, in.ID)
	if err != nil {
		return o, err
	}
	o.Budget = &dashboardBudgetOut{
		HourUsed: st.Hour.Used, HourCap: st.Hour.Cap, HourRemaining: st.Hour.Remaining,
		DayUsed: st.Day.Used, DayCap: st.Day.Cap, DayRemaining: st.Day.Remaining,
		Pending: st.Pending, InFlight: st.InFlight, NextSendAt: st.NextSendAt,
	}
	o.Paused, o.PauseMessage, o.LastError, o.BreakerState = st.Paused, st.PauseMessage, st.LastError, st.BreakerState
	for _, r := range st.Reasons {
		o.PauseReasons = append(o.PauseReasons, string(r))
	}
	return o, nil
}

func toDashboardQueue(q domain.Queue, now time.Time) dashboardQueueOut {
	o := dashboardQueueOut{
		ID: q.ID, Name: q.Name, InstanceID: q.InstanceID, Strategy: q.Strategy, IsActive: q.IsActive,
		Status: string(q.Status), StatusReason: q.StatusReason, NextRun: q.NextRun, LastRun: q.LastRun, LastError: q.LastError,
	}
	if q.LastRun != nil {
		o.LastRunStatus = string(domain.RunSucceeded)
		if q.LastError != "" {
			o.LastRunStatus = string(domain.RunFailed)
		}
	}
	if q.RunningRunID != nil && q.LeaseUntil != nil && q.LeaseUntil.After(now) {
		id := *q.RunningRunID
		o.RunningRunID = &id
	}
	return o
}

// dashboardRuns lists the runs f selects without previews; with keep, only
// the first keep finished ones.
func (s *Server) dashboardRuns(ctx context.Context, f domain.RunFilter, keep int) ([]runOut, error) {
	runs, err := s.deps.Runs.List(ctx, f)
	if err != nil {
		return nil, err
	}
	out := []runOut{}
	for _, r := range runs {
		if r.DryRun || (keep > 0 && !r.Status.Finished()) {
			continue
		}
		if keep > 0 && len(out) == keep {
			break
		}
		out = append(out, toRunOut(r))
	}
	return out, nil
}
