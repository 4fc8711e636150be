package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/sdk"
)

// strategyAliases maps the seed's strategy names onto plugin names.
var strategyAliases = map[string]string{"cutoff_unmet": "cutoff"}

// queueBody is what POST and PUT /api/search-queues accept.
type queueBody struct {
	InstanceID      int64          `json:"instance_id" minimum:"1"`
	Name            string         `json:"name" minLength:"1" maxLength:"100"`
	Strategy        string         `json:"strategy" minLength:"1" maxLength:"64" doc:"A loaded plugin's name: missing, cutoff (or cutoff_unmet), recent, custom, or a third-party one"`
	Recurring       bool           `json:"recurring,omitempty"`
	IntervalHours   int            `json:"interval_hours,omitempty" minimum:"1" maximum:"8760" doc:"Run interval of a recurring queue, in hours"`
	IntervalMinutes int            `json:"interval_minutes,omitempty" minimum:"5" maximum:"525600" doc:"Run interval in minutes, instead of interval_hours"`
	Filters         map[string]any `json:"filters,omitempty" doc:"The strategy's configuration (see GET /api/plugins config_schema)"`
	MaxItemsPerRun  int            `json:"max_items_per_run,omitempty" minimum:"1" maximum:"10000" default:"50"`
	CooldownHours   int            `json:"cooldown_hours,omitempty" minimum:"1" maximum:"8760" default:"24"`
	// The rest of the budget and policy every strategy shares.
	MaxSearchesPerRun  int    `json:"max_searches_per_run,omitempty" minimum:"1" maximum:"100000" doc:"Indexer searches a run may spend (a SeasonSearch costs 1, an EpisodeSearch 1 per episode); default: max_items_per_run"`
	CooldownMode       string `json:"cooldown_mode,omitempty" enum:"flat,adaptive" default:"flat" doc:"flat: cooldown_hours after every search; adaptive: a base by the item's age, doubled for each search since its last grab, capped at 30 days"`
	SharedCooldown     *bool  `json:"shared_cooldown,omitempty" default:"true" doc:"Whether searches by the instance's other queues count towards this queue's cooldown"`
	IncludeUnmonitored bool   `json:"include_unmonitored,omitempty" doc:"Let the host policy search unmonitored items the strategy asks for"`
}

type queueOut struct {
	ID                  int64           `json:"id"`
	InstanceID          int64           `json:"instance_id"`
	Name                string          `json:"name"`
	Strategy            string          `json:"strategy"`
	Recurring           bool            `json:"recurring"`
	IntervalHours       int             `json:"interval_hours"`
	IntervalMinutes     int             `json:"interval_minutes"`
	Filters             json.RawMessage `json:"filters"`
	MaxItemsPerRun      int             `json:"max_items_per_run"`
	CooldownHours       int             `json:"cooldown_hours"`
	MaxSearchesPerRun   int             `json:"max_searches_per_run"`
	CooldownMode        string          `json:"cooldown_mode"`
	SharedCooldown      bool            `json:"shared_cooldown"`
	IncludeUnmonitored  bool            `json:"include_unmonitored"`
	IsActive            bool            `json:"is_active"`
	Status              string          `json:"status" enum:"pending,running,completed,failed,paused,deactivated"`
	StatusReason        string          `json:"status_reason,omitempty"`
	NextRun             *time.Time      `json:"next_run"`
	LastRun             *time.Time      `json:"last_run"`
	LastError           string          `json:"last_error,omitempty"`
	ConsecutiveFailures int             `json:"consecutive_failures"`
	CreatedAt           time.Time       `json:"created_at"`
	UpdatedAt           time.Time       `json:"updated_at"`
}

func toQueueOut(q domain.Queue) queueOut {
	filters := q.Config
	if len(filters) == 0 {
		filters = json.RawMessage("{}")
	}
	return queueOut{
		ID: q.ID, InstanceID: q.InstanceID, Name: q.Name, Strategy: q.Strategy, Recurring: q.Recurring,
		IntervalHours: q.IntervalMinutes / 60, IntervalMinutes: q.IntervalMinutes, Filters: filters,
		MaxItemsPerRun: q.MaxItemsPerRun, CooldownHours: q.CooldownHours, IsActive: q.IsActive,
		MaxSearchesPerRun: q.MaxSearchesPerRun, CooldownMode: cooldownMode(q.CooldownMode),
		SharedCooldown: !q.OwnCooldown, IncludeUnmonitored: q.IncludeUnmonitored,
		Status: string(q.Status), StatusReason: q.StatusReason, NextRun: q.NextRun, LastRun: q.LastRun,
		LastError: q.LastError, ConsecutiveFailures: q.ConsecutiveFailures, CreatedAt: q.CreatedAt, UpdatedAt: q.UpdatedAt,
	}
}

type queueInput struct {
	Body queueBody
}

type queueUpdateInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body queueBody
}

type queueOutput struct {
	Body queueOut
}

type queueListOutput struct {
	Body []queueOut
}

func (s *Server) queueRoutes() {
	handle(s, operation(http.MethodGet, "/api/search-queues", "list-search-queues", "search-queues", "The user's search queues", 0), s.listQueues)
	handle(s, operation(http.MethodPost, "/api/search-queues", "create-search-queue", "search-queues", "Create a search queue; filters are validated by the strategy", http.StatusCreated), s.createQueue)
	handle(s, operation(http.MethodGet, "/api/search-queues/{id}", "get-search-queue", "search-queues", "One search queue", 0), s.getQueue)
	handle(s, operation(http.MethodPut, "/api/search-queues/{id}", "update-search-queue", "search-queues", "Replace a search queue's settings", 0), s.updateQueue)
	handle(s, operation(http.MethodDelete, "/api/search-queues/{id}", "delete-search-queue", "search-queues", "Delete a search queue; its history stays", http.StatusNoContent), s.deleteQueue)
	s.queueControlRoutes()
}

// ownedQueue loads a queue of the request's user; another user's queue is
// not found, exactly like a missing one.
func (s *Server) ownedQueue(ctx context.Context, id int64) (domain.Queue, error) {
	q, err := s.deps.Queues.Get(ctx, id)
	if err == nil && q.OwnerID != principalFrom(ctx).user.ID {
		err = domain.ErrNotFound
	}
	if err != nil {
		return domain.Queue{}, s.fail(ctx, err, fmt.Sprintf("search queue %d", id))
	}
	return q, nil
}

// resolveQueue checks a queue body against the user's instances and the
// loaded plugins, lets the plugin validate the filters, and applies it to
// q.
func (s *Server) resolveQueue(ctx context.Context, b *queueBody, q *domain.Queue) error {
	inst, err := s.deps.Instances.Get(ctx, b.InstanceID)
	if err != nil || inst.OwnerID != principalFrom(ctx).user.ID {
		if err != nil && !isNotFound(err) {
			return err
		}
		return fieldError("body.instance_id", "no such instance", b.InstanceID)
	}
	name := strings.TrimSpace(b.Strategy)
	if alias, ok := strategyAliases[name]; ok {
		name = alias
	}
	plugin, ok := s.findPlugin(name)
	if !ok {
		return fieldError("body.strategy", "unknown strategy; loaded: "+strings.Join(s.pluginNames(), ", "), b.Strategy)
	}
	if len(plugin.InstanceKinds) > 0 && !slices.Contains(plugin.InstanceKinds, string(inst.Kind)) {
		return fieldError("body.strategy", fmt.Sprintf("strategy %s does not support %s instances", name, inst.Kind), b.Strategy)
	}
	minutes := b.IntervalMinutes
	switch {
	case b.IntervalHours > 0 && b.IntervalMinutes > 0:
		return fieldError("body.interval_minutes", "give interval_hours or interval_minutes, not both", b.IntervalMinutes)
	case b.IntervalHours > 0:
		minutes = b.IntervalHours * 60
	case b.Recurring && minutes == 0:
		return fieldError("body.interval_hours", "a recurring queue needs interval_hours or interval_minutes", nil)
	}
	filters := json.RawMessage("{}")
	if b.Filters != nil {
		if filters, err = json.Marshal(b.Filters); err != nil {
			return fieldError("body.filters", "filters must be a JSON object", nil)
		}
	}
	if err := s.deps.Plugins.Validate(ctx, name, filters); err != nil {
		if _, ok := asConfigErrors(err); ok {
			return err
		}
		requestLogger(ctx, s.log).Warn("strategy could not validate filters", "strategy", name, "error", err)
		return huma.Error503ServiceUnavailable("the " + name + " strategy could not check the filters; try again")
	}
	q.InstanceID = inst.ID
	q.OwnerID = inst.OwnerID
	q.Name = strings.TrimSpace(b.Name)
	q.Strategy = name
	q.Config = filters
	q.Recurring = b.Recurring
	q.IntervalMinutes = minutes
	q.MaxItemsPerRun = b.MaxItemsPerRun
	q.CooldownHours = b.CooldownHours
	q.MaxSearchesPerRun = b.MaxSearchesPerRun
	if q.MaxSearchesPerRun == 0 {
		q.MaxSearchesPerRun = q.MaxItemsPerRun
	}
	q.CooldownMode = domain.CooldownMode(cooldownMode(domain.CooldownMode(b.CooldownMode)))
	q.OwnCooldown = b.SharedCooldown != nil && !*b.SharedCooldown
	q.IncludeUnmonitored = b.IncludeUnmonitored
	return nil
}

// cooldownMode names the mode, flat when unset.
func cooldownMode(m domain.CooldownMode) string {
	if m == "" {
		return "flat"
	}
	return string(m)
}

func asConfigErrors(err error) (sdk.ConfigErrors, bool) {
	var cerrs sdk.ConfigErrors
	ok := errors.As(err, &cerrs)
	return cerrs, ok
}

func (s *Server) findPlugin(name string) (PluginInfo, bool) {
	for _, p := range s.deps.Plugins.Plugins() {
		if p.Name == name {
			return p, true
		}
	}
	return PluginInfo{}, false
}

func (s *Server) pluginNames() []string {
	var names []string
	for _, p := range s.deps.Plugins.Plugins() {
		names = append(names, p.Name)
	}
	return names
}

func (s *Server) listQueues(ctx context.Context, _ *struct{}) (*queueListOutput, error) {
	list, err := s.deps.Queues.ListByOwner(ctx, principalFrom(ctx).user.ID)
	if err != nil {
		return nil, err
	}
	out := &queueListOutput{Body: make([]queueOut, len(list))}
	for i, q := range list {
		out.Body[i] = toQueueOut(q)
	}
	return out, nil
}

func (s *Server) createQueue(ctx context.Context, in *queueInput) (*queueOutput, error) {
	var q domain.Queue
	if err := s.resolveQueue(ctx, &in.Body, &q); err != nil {
		return nil, err
	}
	// As in the seed, a recurring queue first runs one interval after it is
	// created (POST .../start runs it now); a one-time queue runs as soon as
	// the scheduler sees it.
	next := s.now().UTC()
	if q.Recurring && q.IntervalMinutes > 0 {
		next = next.Add(time.Duration(q.IntervalMinutes) * time.Minute)
	}
	q.IsActive, q.Status, q.NextRun = true, domain.QueuePending, &next
	created, err := s.deps.Queues.Create(ctx, q)
	if err != nil {
		return nil, err
	}
	requestLogger(ctx, s.log).Info("search queue created", "queue_id", created.ID, "strategy", created.Strategy)
	return &queueOutput{Body: toQueueOut(created)}, nil
}

func (s *Server) getQueue(ctx context.Context, in *idInput) (*queueOutput, error) {
	q, err := s.ownedQueue(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &queueOutput{Body: toQueueOut(q)}, nil
}

func (s *Server) updateQueue(ctx context.Context, in *queueUpdateInput) (*queueOutput, error) {
	q, err := s.ownedQueue(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if in.Body.InstanceID != q.InstanceID {
		return nil, fieldError("body.instance_id", "a queue cannot move to another instance; create a new one", in.Body.InstanceID)
	}
	if err := s.resolveQueue(ctx, &in.Body, &q); err != nil {
		return nil, err
	}
	if q.Recurring && q.NextRun == nil && q.IsActive {
		now := s.now().UTC()
		q.NextRun = &now
	}
	updated, err := s.deps.Queues.Update(ctx, q)
	if err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("search queue %d", q.ID))
	}
	return &queueOutput{Body: toQueueOut(updated)}, nil
}

func (s *Server) deleteQueue(ctx context.Context, in *idInput) (*struct{}, error) {
	if _, err := s.ownedQueue(ctx, in.ID); err != nil {
		return nil, err
	}
	if err := s.deps.Queues.Delete(ctx, in.ID); err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("search queue %d", in.ID))
	}
	requestLogger(ctx, s.log).Info("search queue deleted", "queue_id", in.ID)
	return nil, nil
}
