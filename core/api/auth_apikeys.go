package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/domain"
)

type apiKeyBody struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix" doc:"The first characters of the key, to tell keys apart"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
}

func apiKeyOut(k APIKey) apiKeyBody {
	return apiKeyBody{ID: k.ID, Name: k.Name, Prefix: k.Prefix, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, ExpiresAt: k.ExpiresAt}
}

type apiKeyListOutput struct {
	Body []apiKeyBody
}

type apiKeyCreateInput struct {
	Body struct {
		Name          string `json:"name" minLength:"1" maxLength:"100"`
		ExpiresInDays int    `json:"expires_in_days,omitempty" minimum:"0" maximum:"3650" doc:"0 or absent: never expires"`
	}
}

type apiKeyCreatedOutput struct {
	Body struct {
		apiKeyBody
		Key string `json:"key" doc:"The key itself, shown only now: send it as X-Api-Key"`
	}
}

type idInput struct {
	ID int64 `path:"id" minimum:"1"`
}

func (s *Server) apiKeyRoutes() {
	handle(s, operation(http.MethodGet, "/api/auth/api-keys", "list-api-keys", "auth", "The user's personal API keys (without the keys)", 0), s.listAPIKeys)
	handle(s, operation(http.MethodPost, "/api/auth/api-keys", "create-api-key", "auth", "Create a personal API key; the key is shown once", http.StatusCreated), s.createAPIKey)
	handle(s, operation(http.MethodDelete, "/api/auth/api-keys/{id}", "delete-api-key", "auth", "Revoke a personal API key", http.StatusNoContent), s.deleteAPIKey)
}

func (s *Server) listAPIKeys(ctx context.Context, _ *struct{}) (*apiKeyListOutput, error) {
	keys, err := s.deps.APIKeys.ListByUser(ctx, principalFrom(ctx).user.ID)
	if err != nil {
		return nil, err
	}
	out := &apiKeyListOutput{Body: make([]apiKeyBody, len(keys))}
	for i, k := range keys {
		out.Body[i] = apiKeyOut(k)
	}
	return out, nil
}

func (s *Server) createAPIKey(ctx context.Context, in *apiKeyCreateInput) (*apiKeyCreatedOutput, error) {
	key, err := auth.NewOpaque(auth.APIKeyPrefix)
	if err != nil {
		return nil, err
	}
	k := APIKey{UserID: principalFrom(ctx).user.ID, Name: in.Body.Name, Prefix: auth.DisplayPrefix(key), KeyHash: auth.HashOpaque(key)}
	if d := in.Body.ExpiresInDays; d > 0 {
		exp := s.now().UTC().Add(time.Duration(d) * 24 * time.Hour)
		k.ExpiresAt = &exp
	}
	created, err := s.deps.APIKeys.Create(ctx, k)
	if err != nil {
		return nil, err
	}
	requestLogger(ctx, s.log).Info("api key created", "api_key_id", created.ID)
	out := &apiKeyCreatedOutput{}
	out.Body.apiKeyBody = apiKeyOut(created)
	out.Body.Key = key
	return out, nil
}

func (s *Server) deleteAPIKey(ctx context.Context, in *idInput) (*struct{}, error) {
	err := s.deps.APIKeys.Delete(ctx, principalFrom(ctx).user.ID, in.ID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, huma.Error404NotFound("api key not found")
	}
	return nil, err
}
