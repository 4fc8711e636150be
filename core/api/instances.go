package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vibequality/searcharr/core/domain"
)

// instanceBody is what POST and PUT /api/instances accept. api_key is
// write-only: required on create, kept when omitted on update, never
// returned.
type instanceBody struct {
	Name           string  `json:"name" minLength:"1" maxLength:"100"`
	Kind           string  `json:"kind" enum:"sonarr,radarr"`
	URL            string  `json:"url" minLength:"1" maxLength:"2048" doc:"Base URL including any URL base, e.g. http://sonarr:8989"`
	APIKey         string  `json:"api_key,omitempty" minLength:"1" maxLength:"256" writeOnly:"true" doc:"Settings → General → API Key; required on create, kept when omitted on update, never returned"`
	VerifyTLS      *bool   `json:"verify_tls,omitempty" doc:"Check the TLS certificate (default true)"`
	TimeoutSeconds int     `json:"timeout_seconds,omitempty" minimum:"1" maximum:"300" default:"30"`
	RatePerSecond  float64 `json:"rate_per_second,omitempty" exclusiveMinimum:"0" maximum:"100" default:"1" doc:"Commands per second (token bucket rate)"`
	Burst          int     `json:"burst,omitempty" minimum:"1" maximum:"1000" default:"1"`
	HourlyCap      int     `json:"hourly_cap,omitempty" minimum:"0" maximum:"1000000" doc:"Indexer searches per rolling hour; 0 means no cap"`
	DailyCap       int     `json:"daily_cap,omitempty" minimum:"0" maximum:"10000000" doc:"Indexer searches per rolling day; 0 means no cap"`
	BudgetGroup    string  `json:"budget_group,omitempty" maxLength:"64" doc:"Instances in one group share the hourly/daily caps"`
	MaxInFlight    int     `json:"max_in_flight,omitempty" minimum:"0" maximum:"1000"`
	MaxQueueSize   int     `json:"max_queue_size,omitempty" minimum:"0" maximum:"1000000" doc:"Pause dispatch while the download queue holds more; 0 disables"`
}

type instanceOut struct {
	ID                int64      `json:"id"`
	Name              string     `json:"name"`
	Kind              string     `json:"kind"`
	URL               string     `json:"url"`
	HasAPIKey         bool       `json:"has_api_key"`
	VerifyTLS         bool       `json:"verify_tls"`
	TimeoutSeconds    int        `json:"timeout_seconds"`
	RatePerSecond     float64    `json:"rate_per_second"`
	Burst             int        `json:"burst"`
	HourlyCap         int        `json:"hourly_cap"`
	DailyCap          int        `json:"daily_cap"`
	BudgetGroup       string     `json:"budget_group"`
	MaxInFlight       int        `json:"max_in_flight"`
	MaxQueueSize      int        `json:"max_queue_size"`
	WebhookUsername   string     `json:"webhook_username"`
	HasWebhookSecret  bool       `json:"has_webhook_secret"`
	WebhookLastTestAt *time.Time `json:"webhook_last_test_at"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

func toInstanceOut(in domain.Instance) instanceOut {
	return instanceOut{
		ID: in.ID, Name: in.Name, Kind: string(in.Kind), URL: in.URL, HasAPIKey: true,
		VerifyTLS: in.VerifyTLS, TimeoutSeconds: in.TimeoutSeconds, RatePerSecond: in.RatePerSecond,
		Burst: in.Burst, HourlyCap: in.HourlyCap, DailyCap: in.DailyCap, BudgetGroup: in.BudgetGroup,
		MaxInFlight: in.MaxInFlight, MaxQueueSize: in.MaxQueueSize,
		WebhookUsername: in.WebhookUsername, HasWebhookSecret: in.HasWebhookSecret, WebhookLastTestAt: in.WebhookLastTestAt,
		CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt,
	}
}

type instanceInput struct {
	Body instanceBody
}

type instanceUpdateInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body instanceBody
}

type instanceOutput struct {
	Body instanceOut
}

type instanceListOutput struct {
	Body []instanceOut
}

func (s *Server) instanceRoutes() {
	handle(s, operation(http.MethodGet, "/api/instances", "list-instances", "instances", "The user's Sonarr/Radarr instances", 0), s.listInstances)
	handle(s, operation(http.MethodPost, "/api/instances", "create-instance", "instances", "Connect a Sonarr/Radarr instance", http.StatusCreated), s.createInstance)
	handle(s, operation(http.MethodGet, "/api/instances/{id}", "get-instance", "instances", "One instance", 0), s.getInstance)
	handle(s, operation(http.MethodPut, "/api/instances/{id}", "update-instance", "instances", "Replace an instance's settings; an omitted api_key keeps the stored one", 0), s.updateInstance)
	handle(s, operation(http.MethodDelete, "/api/instances/{id}", "delete-instance", "instances", "Remove an instance with its queues and history", http.StatusNoContent), s.deleteInstance)
	s.instanceTestRoutes()
	s.instanceWebhookRoutes()
}

// ownedInstance loads an instance of the request's user; another user's
// instance is not found, exactly like a missing one.
func (s *Server) ownedInstance(ctx context.Context, id int64) (domain.Instance, error) {
	in, err := s.deps.Instances.Get(ctx, id)
	if err == nil && in.OwnerID != principalFrom(ctx).user.ID {
		err = domain.ErrNotFound
	}
	if err != nil {
		return domain.Instance{}, s.fail(ctx, err, fmt.Sprintf("instance %d", id))
	}
	return in, nil
}

// checkInstanceBody validates what huma's schema cannot: the URL policy
// and the API key's characters.
func (s *Server) checkInstanceBody(ctx context.Context, b *instanceBody) error {
	if err := s.deps.URLs.CheckURL(ctx, b.URL); err != nil {
		return fieldError("body.url", "url "+err.Error(), nil)
	}
	if b.APIKey != "" && strings.ContainsFunc(b.APIKey, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return fieldError("body.api_key", "api_key must not contain spaces or control characters", nil)
	}
	return nil
}

func (b *instanceBody) apply(in *domain.Instance) {
	in.Name = strings.TrimSpace(b.Name)
	in.Kind = domain.InstanceKind(b.Kind)
	in.URL = strings.TrimRight(strings.TrimSpace(b.URL), "/")
	in.VerifyTLS = b.VerifyTLS == nil || *b.VerifyTLS
	in.TimeoutSeconds = b.TimeoutSeconds
	in.RatePerSecond = b.RatePerSecond
	in.Burst = b.Burst
	in.HourlyCap = b.HourlyCap
	in.DailyCap = b.DailyCap
	in.BudgetGroup = strings.TrimSpace(b.BudgetGroup)
	in.MaxInFlight = b.MaxInFlight
	in.MaxQueueSize = b.MaxQueueSize
}

// nameConflict maps a duplicate name onto its field.
func nameConflict(err error, name string) error {
	if errors.Is(err, domain.ErrConflict) {
		return huma.Error409Conflict("name already used",
			&huma.ErrorDetail{Location: "body.name", Message: "another of your instances has this name", Value: name})
	}
	return err
}

func (s *Server) listInstances(ctx context.Context, _ *struct{}) (*instanceListOutput, error) {
	list, err := s.deps.Instances.ListByOwner(ctx, principalFrom(ctx).user.ID)
	if err != nil {
		return nil, err
	}
	out := &instanceListOutput{Body: make([]instanceOut, len(list))}
	for i, in := range list {
		out.Body[i] = toInstanceOut(in)
	}
	return out, nil
}

func (s *Server) createInstance(ctx context.Context, in *instanceInput) (*instanceOutput, error) {
	if in.Body.APIKey == "" {
		return nil, fieldError("body.api_key", "api_key is required", nil)
	}
	if err := s.checkInstanceBody(ctx, &in.Body); err != nil {
		return nil, err
	}
	inst := domain.Instance{OwnerID: principalFrom(ctx).user.ID}
	in.Body.apply(&inst)
	created, err := s.deps.Instances.Create(ctx, inst, domain.Secret(in.Body.APIKey))
	if err != nil {
		return nil, nameConflict(err, inst.Name)
	}
	requestLogger(ctx, s.log).Info("instance created", "instance_id", created.ID, "kind", created.Kind)
	return &instanceOutput{Body: toInstanceOut(created)}, nil
}

func (s *Server) getInstance(ctx context.Context, in *idInput) (*instanceOutput, error) {
	inst, err := s.ownedInstance(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &instanceOutput{Body: toInstanceOut(inst)}, nil
}

func (s *Server) updateInstance(ctx context.Context, in *instanceUpdateInput) (*instanceOutput, error) {
	inst, err := s.ownedInstance(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if err := s.checkInstanceBody(ctx, &in.Body); err != nil {
		return nil, err
	}
	// The stored key goes only to the URL and application it was given
	// for: a new URL or kind needs the key again, or anyone able to edit
	// the instance could send the key to a server of their own.
	if in.Body.APIKey == "" && (!sameURL(in.Body.URL, inst.URL) || domain.InstanceKind(in.Body.Kind) != inst.Kind) {
		return nil, fieldError("body.api_key", "enter the API key again when the URL or the kind changes", nil)
	}
	in.Body.apply(&inst)
	updated, err := s.deps.Instances.Update(ctx, inst)
	if err != nil {
		return nil, nameConflict(err, inst.Name)
	}
	if in.Body.APIKey != "" {
		if err := s.deps.Instances.SetAPIKey(ctx, inst.ID, domain.Secret(in.Body.APIKey)); err != nil {
			return nil, err
		}
	}
	return &instanceOutput{Body: toInstanceOut(updated)}, nil
}

// sameURL compares instance URLs as entered, ignoring surrounding spaces,
// a trailing slash and the case of the scheme and host.
func sameURL(a, b string) bool {
	norm := func(u string) string {
		u = strings.TrimRight(strings.TrimSpace(u), "/")
		if scheme, rest, ok := strings.Cut(u, "://"); ok {
			host, path, _ := strings.Cut(rest, "/")
			u = strings.ToLower(scheme) + "://" + strings.ToLower(host)
			if path != "" {
				u += "/" + path
			}
		}
		return u
	}
	return norm(a) == norm(b)
}

func (s *Server) deleteInstance(ctx context.Context, in *idInput) (*struct{}, error) {
	if _, err := s.ownedInstance(ctx, in.ID); err != nil {
		return nil, err
	}
	if err := s.deps.Instances.Delete(ctx, in.ID); err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("instance %d", in.ID))
	}
	requestLogger(ctx, s.log).Info("instance deleted", "instance_id", in.ID)
	return nil, nil
}
