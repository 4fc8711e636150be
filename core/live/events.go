package live

import (
	"context"
	"encoding/json"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// Counts are a run's counters, named as GET /api/search-history shows
// them.
type Counts struct {
	ItemsConsidered int `json:"items_considered"`
	ItemsSelected   int `json:"items_selected"`
	ItemsSearched   int `json:"items_searched"`
	CommandsSent    int `json:"commands_sent"`
	IndexerSearches int `json:"indexer_searches"`
	ItemsFound      int `json:"items_found"`
}

func countsOf(c domain.RunCounts) Counts {
	return Counts{ItemsConsidered: c.ItemsConsidered, ItemsSelected: c.ItemsSelected, ItemsSearched: c.ItemsSearched,
		CommandsSent: c.CommandsSent, IndexerSearches: c.IndexerSearches, ItemsFound: c.ItemsFound}
}

// RunStarted is the data of run_started.
type RunStarted struct {
	RunID      int64     `json:"run_id"`
	QueueID    int64     `json:"queue_id"`
	QueueName  string    `json:"queue_name"`
	InstanceID int64     `json:"instance_id"`
	Strategy   string    `json:"strategy"`
	Trigger    string    `json:"trigger"`
	At         time.Time `json:"at"`
}

// RunProgress is the data of run_progress, sent after each command.
type RunProgress struct {
	RunID      int64  `json:"run_id"`
	QueueID    int64  `json:"queue_id"`
	InstanceID int64  `json:"instance_id"`
	Counts     Counts `json:"counts"`
}

// RunEnded is the data of run_ended.
type RunEnded struct {
	RunID      int64     `json:"run_id"`
	QueueID    int64     `json:"queue_id"`
	InstanceID int64     `json:"instance_id"`
	Status     string    `json:"status"`
	Error      string    `json:"error"`
	Counts     Counts    `json:"counts"`
	At         time.Time `json:"at"`
}

// Item is one item a search covered.
type Item struct {
	Type  string `json:"type"`
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

// SearchSent is the data of search_sent.
type SearchSent struct {
	RunID      int64     `json:"run_id"`
	QueueID    int64     `json:"queue_id"`
	InstanceID int64     `json:"instance_id"`
	Command    string    `json:"command"`
	Items      []Item    `json:"items"`
	Cost       int       `json:"cost"`
	At         time.Time `json:"at"`
}

// GrabFound is the data of grab_found.
type GrabFound struct {
	InstanceID int64     `json:"instance_id"`
	RunID      int64     `json:"run_id"`
	Title      string    `json:"title"`
	At         time.Time `json:"at"`
}

// InstanceState is the data of instance_paused and instance_resumed.
type InstanceState struct {
	InstanceID int64     `json:"instance_id"`
	Reason     string    `json:"reason"`
	At         time.Time `json:"at"`
}

// WebhookTest is the data of webhook_test.
type WebhookTest struct {
	InstanceID int64     `json:"instance_id"`
	At         time.Time `json:"at"`
}

// BudgetExhausted is the data of budget_exhausted.
type BudgetExhausted struct {
	InstanceID  int64      `json:"instance_id"`
	BudgetGroup string     `json:"budget_group,omitempty"`
	Window      string     `json:"window"`
	Limit       int        `json:"limit"`
	Used        int        `json:"used"`
	ResetsAt    *time.Time `json:"resets_at,omitempty"`
	At          time.Time  `json:"at"`
}

// maxTitledItems bounds the run items read to title one search.
const maxTitledItems = 5000

func (h *Hub) dispatched(ctx context.Context, payload []byte) error {
	var ev domain.DispatchedEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return err
	}
	owner, err := h.ownerOf(ctx, ev.InstanceID)
	if err != nil || !h.wanted(owner) {
		return err
	}
	sent := SearchSent{RunID: ev.RunID, InstanceID: ev.InstanceID, Command: string(ev.Command), Cost: ev.Cost,
		At: ev.At.UTC(), Items: make([]Item, 0, len(ev.Items))}
	titles := map[domain.ItemKey]string{}
	if ev.RunID != 0 {
		run, err := h.deps.Store.GetRun(ctx, ev.RunID)
		if err != nil {
			return err
		}
		sent.QueueID = run.QueueID
		items, err := h.deps.RunItems.ListByRun(ctx, ev.RunID, maxTitledItems, 0)
		if err != nil {
			return err
		}
		for _, it := range items {
			titles[it.Key] = it.Title
		}
		defer h.Publish(owner, KindRunProgress, RunProgress{RunID: run.ID, QueueID: run.QueueID,
			InstanceID: run.InstanceID, Counts: countsOf(run.Counts)})
	}
	for _, k := range ev.Items {
		sent.Items = append(sent.Items, Item{Type: string(k.Type), ID: k.ID, Title: titles[k]})
	}
	h.Publish(owner, KindSearchSent, sent)
	return nil
}

func (h *Hub) runStarted(ctx context.Context, payload []byte) error {
	var ev domain.RunStartedEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return err
	}
	owner, err := h.resolveOwner(ctx, ev.OwnerID, ev.InstanceID)
	if err != nil {
		return err
	}
	h.Publish(owner, KindRunStarted, RunStarted{RunID: ev.RunID, QueueID: ev.QueueID, QueueName: ev.QueueName,
		InstanceID: ev.InstanceID, Strategy: ev.Strategy, Trigger: string(ev.Trigger), At: ev.At.UTC()})
	return nil
}

func (h *Hub) runEnded(ctx context.Context, payload []byte) error {
	var n domain.RunNotification
	if err := json.Unmarshal(payload, &n); err != nil {
		return err
	}
	owner, err := h.resolveOwner(ctx, n.OwnerID, n.InstanceID)
	if err != nil || !h.wanted(owner) {
		return err
	}
	out := RunEnded{RunID: n.RunID, QueueID: n.QueueID, InstanceID: n.InstanceID, Status: string(n.Status),
		Error: n.Error, At: n.At.UTC(), Counts: Counts{ItemsConsidered: n.Considered, ItemsSelected: n.Selected,
			ItemsSearched: n.Searched, CommandsSent: n.Commands, IndexerSearches: n.Indexer, ItemsFound: n.Found}}
	// The stored counts are the reference (found items keep moving).
	if run, err := h.deps.Store.GetRun(ctx, n.RunID); err == nil {
		out.Counts = countsOf(run.Counts)
	}
	h.Publish(owner, KindRunEnded, out)
	return nil
}

func (h *Hub) instanceEvent(ctx context.Context, kind string, payload []byte) error {
	var n domain.WebhookNotification
	if err := json.Unmarshal(payload, &n); err != nil {
		return err
	}
	owner, err := h.ownerOf(ctx, n.InstanceID)
	if err != nil {
		return err
	}
	at := n.At.UTC()
	switch kind {
	case KindGrabFound:
		var runID int64
		if len(n.RunIDs) > 0 {
			runID = n.RunIDs[len(n.RunIDs)-1]
		}
		h.Publish(owner, kind, GrabFound{InstanceID: n.InstanceID, RunID: runID, Title: n.Title, At: at})
	case KindWebhookTest:
		h.Publish(owner, kind, WebhookTest{InstanceID: n.InstanceID, At: at})
	default:
		reason := n.Message
		if reason == "" {
			reason = n.Title
		}
		h.Publish(owner, kind, InstanceState{InstanceID: n.InstanceID, Reason: reason, At: at})
	}
	return nil
}

func (h *Hub) budgetExhausted(ctx context.Context, payload []byte) error {
	var ev domain.BudgetExhaustedEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return err
	}
	owner, err := h.resolveOwner(ctx, ev.OwnerID, ev.InstanceID)
	if err != nil {
		return err
	}
	h.Publish(owner, KindBudgetExhausted, BudgetExhausted{InstanceID: ev.InstanceID, BudgetGroup: ev.BudgetGroup,
		Window: ev.Window, Limit: ev.Limit, Used: ev.Used, ResetsAt: ev.ResetsAt, At: ev.At.UTC()})
	return nil
}

// resolveOwner trusts an event's owner when it names one and looks the
// instance's up otherwise.
func (h *Hub) resolveOwner(ctx context.Context, owner, instanceID int64) (int64, error) {
	if owner != 0 {
		return owner, nil
	}
	return h.ownerOf(ctx, instanceID)
}
