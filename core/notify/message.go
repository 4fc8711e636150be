package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// Message is one notification as a sink delivers it: a title and a line of
// text for chat services, and the event's own payload for webhooks.
type Message struct {
	// ID identifies the message; a webhook sends it in
	// X-Searcharr-Delivery, the same on every retry.
	ID         string
	Kind       domain.EventKind
	OwnerID    int64
	InstanceID int64
	Title      string
	Text       string
	At         time.Time
	// Data is the event's payload as published.
	Data json.RawMessage
}

// errUnknownKind reports a message on TopicNotifications of a kind no sink
// can subscribe to.
var errUnknownKind = errors.New("notify: not a notification event")

// buildMessage turns a published event into a Message.
func buildMessage(kind domain.EventKind, payload []byte) (Message, error) {
	m := Message{Kind: kind, Data: json.RawMessage(payload)}
	var err error
	switch kind {
	case domain.EventRunCompleted, domain.EventRunFailed:
		var ev domain.RunNotification
		if err = json.Unmarshal(payload, &ev); err == nil {
			m.OwnerID, m.InstanceID, m.At = ev.OwnerID, ev.InstanceID, ev.At
			m.Title, m.Text = runText(kind, ev)
		}
	case domain.EventQueueDeactivated:
		var ev domain.QueueDeactivatedEvent
		if err = json.Unmarshal(payload, &ev); err == nil {
			m.OwnerID, m.InstanceID, m.At = ev.OwnerID, ev.InstanceID, ev.At
			m.Title = "Search queue deactivated: " + ev.QueueName
			m.Text = fmt.Sprintf("Switched off after %d consecutive failed runs. %s", ev.ConsecutiveFailures, ev.Reason)
		}
	case domain.EventBudgetExhausted:
		var ev domain.BudgetExhaustedEvent
		if err = json.Unmarshal(payload, &ev); err == nil {
			m.OwnerID, m.InstanceID, m.At = ev.OwnerID, ev.InstanceID, ev.At
			m.Title = "Indexer search budget exhausted"
			m.Text = fmt.Sprintf("%d of %d %s indexer searches used", ev.Used, ev.Limit, ev.Window)
			if ev.BudgetGroup != "" {
				m.Text += " in budget group " + ev.BudgetGroup
			}
			if ev.ResetsAt != nil {
				m.Text += "; searching resumes at " + ev.ResetsAt.UTC().Format(time.RFC3339)
			}
			m.Text += "."
		}
	case domain.EventGrabFound, domain.EventInstanceUnhealthy, domain.EventInstanceRecovered,
		domain.EventManualInteraction, domain.EventWebhookTest:
		var ev domain.WebhookNotification
		if err = json.Unmarshal(payload, &ev); err == nil {
			m.InstanceID, m.At = ev.InstanceID, ev.At
			m.Title, m.Text = webhookText(kind, ev)
		}
	default:
		return Message{}, fmt.Errorf("%w: %q", errUnknownKind, kind)
	}
	if err != nil {
		return Message{}, fmt.Errorf("notify: unable to decode a %s event: %w", kind, err)
	}
	return m, nil
}

func runText(kind domain.EventKind, ev domain.RunNotification) (title, text string) {
	if kind == domain.EventRunFailed {
		return "Search run failed: " + ev.QueueName, ev.Error
	}
	text = fmt.Sprintf("Searched %d items with %d commands (%d indexer searches), %d found.",
		ev.Searched, ev.Commands, ev.Indexer, ev.Found)
	if skipped := skippedText(ev.Skipped); skipped != "" {
		text += " Skipped: " + skipped + "."
	}
	return "Search run completed: " + ev.QueueName, text
}

// skippedText lists the non-zero skip counts, "12 cooling down, 3 excluded".
func skippedText(s domain.SkipCounts) string {
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{
		{s.Cooldown, "cooling down"}, {s.Excluded, "excluded"}, {s.Queued, "already downloading"},
		{s.Grabbed, "already grabbed"}, {s.Unmonitored, "unmonitored"}, {s.NotAvailable, "not available yet"},
		{s.Future, "not aired yet"}, {s.Filtered, "filtered out"}, {s.OverBudget, "over budget"},
		{s.Duplicate, "duplicate"}, {s.HasFile, "already have a file"},
	} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	return strings.Join(parts, ", ")
}

func webhookText(kind domain.EventKind, ev domain.WebhookNotification) (title, text string) {
	prefix := map[domain.EventKind]string{
		domain.EventGrabFound:         "Found",
		domain.EventInstanceUnhealthy: "Instance unhealthy",
		domain.EventInstanceRecovered: "Instance recovered",
		domain.EventManualInteraction: "Manual interaction required",
		domain.EventWebhookTest:       "Webhook test received",
	}[kind]
	title = prefix
	if ev.Title != "" {
		title += ": " + ev.Title
	}
	text = ev.Message
	if text == "" && kind == domain.EventGrabFound {
		text = fmt.Sprintf("%d searched items grabbed.", len(ev.Items))
	}
	return title, text
}

// testMessage is what the test action sends.
func testMessage(sink domain.NotificationSink, at time.Time) Message {
	data, _ := json.Marshal(map[string]any{"sink": sink.Name})
	return Message{
		Kind: domain.EventNotificationTest, OwnerID: sink.OwnerID, At: at,
		Title: "Searcharr test notification", Text: "Notifications to " + sink.Name + " work.", Data: data,
	}
}

// summaryMessage folds the messages a rate limit held back, plus dropped
// ones counted by kind, into one.
func summaryMessage(held []Message, dropped map[domain.EventKind]int, perMinute int, at time.Time) Message {
	counts := map[domain.EventKind]int{}
	var titles []string
	for _, m := range held {
		counts[m.Kind]++
		if len(titles) < 10 {
			titles = append(titles, m.Title)
		}
	}
	total := len(held)
	for k, n := range dropped {
		counts[k] += n
		total += n
	}
	var parts []string
	for _, k := range append(domain.NotificationEvents, domain.EventNotificationTest) {
		if n := counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ReplaceAll(string(k), "_", " ")))
		}
	}
	text := fmt.Sprintf("Held back to stay within %d messages a minute: %s.", perMinute, strings.Join(parts, ", "))
	if len(titles) > 0 {
		text += " " + strings.Join(titles, "; ")
		if total > len(titles) {
			text += fmt.Sprintf("; and %d more", total-len(titles))
		}
	}
	byKind := map[string]int{}
	for k, n := range counts {
		byKind[string(k)] = n
	}
	data, _ := json.Marshal(map[string]any{"count": total, "kinds": byKind, "titles": titles})
	m := Message{Kind: domain.EventNotificationSummary, At: at, Data: data,
		Title: fmt.Sprintf("%d more notifications", total), Text: text}
	if len(held) > 0 {
		m.OwnerID, m.InstanceID = held[0].OwnerID, held[0].InstanceID
	}
	return m
}
