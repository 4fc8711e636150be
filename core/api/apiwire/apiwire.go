// Package apiwire adapts Searcharr's concrete store, bus, plugin host and
// arr client to the interfaces core/api declares, so cmd/searcharr wires
// the API in one call and core/api itself imports none of them.
package apiwire

import (
	"context"
	"log/slog"
	"time"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/bus"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/outbound"
	"github.com/vibequality/searcharr/core/pluginhost"
	"github.com/vibequality/searcharr/core/store"
)

// Deps returns the API's dependencies backed by st, b and host, with URL
// checks and an instance tester that connect through d. log may be nil.
func Deps(st *store.Store, b *bus.Bus, host *pluginhost.Host, d *outbound.Dialer, log *slog.Logger) api.Deps {
	deps := StoreDeps(st)
	deps.Publisher = b
	deps.Bus = b
	deps.Plugins = Plugins(host)
	deps.Tester = Tester(d, log)
	deps.URLs = d
	deps.Logger = log
	return deps
}

// StoreDeps fills the store-backed fields of api.Deps: repositories, the
// refresh tokens and API keys, and the database health check.
func StoreDeps(st *store.Store) api.Deps {
	return api.Deps{
		Instances:     st.Instances(),
		Queues:        queues{st.Queues()},
		Runs:          st.Runs(),
		RunItems:      st.RunItems(),
		Users:         st.Users(),
		RefreshTokens: refreshTokens{st.RefreshTokens()},
		APIKeys:       apiKeys{st.APIKeys()},
		Database:      st,
		Storage:       storage{st},
		Exclusions:    st.Exclusions(),
		Webhooks:      st.Instances(),
		Activity:      st.Activity(),
	}
}

// storage adapts the store's storage health to api.StorageStatus.
type storage struct{ st *store.Store }

func (s storage) StorageProblem() (string, time.Time) {
	p, since := s.st.StorageHealth()
	return string(p), since
}

// queues adds ListByOwner to the store's queue repository.
type queues struct{ *store.Queues }

func (q queues) ListByOwner(ctx context.Context, ownerID int64) ([]domain.Queue, error) {
	return q.List(ctx, store.QueueFilter{OwnerID: ownerID})
}

// refreshTokens converts between api.RefreshToken and store.RefreshToken.
type refreshTokens struct{ r *store.RefreshTokens }

func (t refreshTokens) Create(ctx context.Context, rt api.RefreshToken) error {
	return t.r.Create(ctx, store.RefreshToken{UserID: rt.UserID, FamilyID: rt.FamilyID, TokenHash: rt.TokenHash,
		UserAgent: rt.UserAgent, IP: rt.IP, ExpiresAt: rt.ExpiresAt})
}

func (t refreshTokens) Use(ctx context.Context, tokenHash string, now time.Time) (api.RefreshToken, error) {
	rt, err := t.r.Use(ctx, tokenHash, now)
	if err != nil {
		return api.RefreshToken{}, err
	}
	return api.RefreshToken{ID: rt.ID, UserID: rt.UserID, FamilyID: rt.FamilyID, TokenHash: rt.TokenHash,
		UserAgent: rt.UserAgent, IP: rt.IP, ExpiresAt: rt.ExpiresAt}, nil
}

func (t refreshTokens) RevokeFamily(ctx context.Context, familyID string, now time.Time) error {
	return t.r.RevokeFamily(ctx, familyID, now)
}

func (t refreshTokens) RevokeUser(ctx context.Context, userID int64, now time.Time) error {
	return t.r.RevokeUser(ctx, userID, now)
}

// apiKeys converts between api.APIKey and store.APIKey.
type apiKeys struct{ r *store.APIKeys }

func toAPIKey(k store.APIKey) api.APIKey {
	return api.APIKey{ID: k.ID, UserID: k.UserID, Name: k.Name, Prefix: k.Prefix, KeyHash: k.KeyHash,
		CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, ExpiresAt: k.ExpiresAt}
}

func (a apiKeys) Create(ctx context.Context, k api.APIKey) (api.APIKey, error) {
	created, err := a.r.Create(ctx, store.APIKey{UserID: k.UserID, Name: k.Name, Prefix: k.Prefix,
		KeyHash: k.KeyHash, ExpiresAt: k.ExpiresAt})
	return toAPIKey(created), err
}

func (a apiKeys) ListByUser(ctx context.Context, userID int64) ([]api.APIKey, error) {
	ks, err := a.r.ListByUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]api.APIKey, len(ks))
	for i, k := range ks {
		out[i] = toAPIKey(k)
	}
	return out, nil
}

func (a apiKeys) GetByHash(ctx context.Context, keyHash string) (api.APIKey, error) {
	k, err := a.r.GetByHash(ctx, keyHash)
	return toAPIKey(k), err
}

func (a apiKeys) Touch(ctx context.Context, id int64, at time.Time) error {
	return a.r.Touch(ctx, id, at)
}

func (a apiKeys) Delete(ctx context.Context, userID, id int64) error {
	return a.r.Delete(ctx, userID, id)
}
