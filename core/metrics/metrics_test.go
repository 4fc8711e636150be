package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/metrics"
)

func TestNilMetricsDoNothing(t *testing.T) {
	var m *metrics.Metrics
	m.CommandSent(1, "missing", "EpisodeSearch", 2)
	m.RateLimitWaited(1, time.Second)
	m.RunEnded("missing", "succeeded", time.Second)
	m.PluginCalled("missing", "Plan", time.Second, errors.New("x"))
	m.PluginRestarted("missing")
	m.WebhookReceived("Grab", "accepted")
	m.WebhookParked("Download")
	m.ArrRequest("sonarr", "GET", "/api/v3/command/{id}", time.Second, "")
	m.NotificationAttempted("webhook", nil)
	m.WatchBudgets(nil, nil)
}

type instances []domain.Instance

func (l instances) List(context.Context) ([]domain.Instance, error) { return l, nil }

type budgets map[int64]domain.BudgetStatus

func (b budgets) Budget(_ context.Context, id int64) (domain.BudgetStatus, error) {
	st, ok := b[id]
	if !ok {
		return st, domain.ErrNotFound
	}
	return st, nil
}

func TestExposition(t *testing.T) {
	m := metrics.New()
	m.CommandSent(7, "missing", "EpisodeSearch", 3)
	m.CommandSent(7, "missing", "EpisodeSearch", 2)
	m.PluginCalled("missing", "Plan", time.Millisecond, errors.New("crashed"))
	m.ArrRequest("sonarr", "POST", "/api/v3/command", time.Millisecond, "server error")
	m.NotificationAttempted("webhook", errors.New("503"))
	m.WebhookReceived("Grab", "accepted")
	m.WebhookParked("Download")
	m.WatchBudgets(instances{{ID: 7}, {ID: 8}, {ID: 9}}, budgets{
		7: {Hour: domain.BudgetWindow{Cap: 10, Used: 5, Remaining: 5}, Day: domain.BudgetWindow{Used: 5, Remaining: -1}, Pending: 2},
		8: {Hour: domain.BudgetWindow{Remaining: -1}, Day: domain.BudgetWindow{Cap: 100, Used: 0, Remaining: 100}},
	})
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	text := string(body)
	for _, want := range []string{
		`searcharr_commands_sent_total{command="EpisodeSearch",instance="7",strategy="missing"} 2`,
		`searcharr_indexer_searches_total{instance="7"} 5`,
		`searcharr_plugin_call_errors_total{method="Plan",plugin="missing"} 1`,
		`searcharr_arr_request_errors_total{app="sonarr",endpoint="/api/v3/command",kind="server error",method="POST"} 1`,
		`searcharr_notification_deliveries_total{result="failed",sink="webhook"} 1`,
		`searcharr_webhook_deliveries_total{event="Grab",result="accepted"} 1`,
		`searcharr_webhook_deliveries_parked_total{event="Download"} 1`,
		`searcharr_budget_remaining{instance="7",window="hour"} 5`,
		`searcharr_budget_remaining{instance="8",window="day"} 100`,
		`searcharr_budget_used{instance="7",window="day"} 5`,
		`searcharr_commands_pending{instance="7"} 2`,
		`go_goroutines `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("exposition lacks %q", want)
		}
	}
	for _, absent := range []string{
		`searcharr_budget_remaining{instance="7",window="day"}`, // no daily cap
		`searcharr_budget_remaining{instance="8",window="hour"}`,
		`instance="9"`, // its budget could not be read
	} {
		if strings.Contains(text, absent) {
			t.Errorf("exposition has %q", absent)
		}
	}
}
