package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// instanceModel is a row of the instances table.
type instanceModel struct {
	bun.BaseModel `bun:"table:instances,alias:i"`

	ID                int64      `bun:"id,pk,autoincrement"`
	UserID            int64      `bun:"user_id"`
	Name              string     `bun:"name"`
	Kind              string     `bun:"kind"`
	URL               string     `bun:"url"`
	APIKey            []byte     `bun:"api_key"`
	VerifyTLS         bool       `bun:"verify_tls"`
	TimeoutSeconds    int        `bun:"timeout_seconds"`
	RatePerSecond     float64    `bun:"rate_per_second"`
	Burst             int        `bun:"burst"`
	HourlyCap         int        `bun:"hourly_cap"`
	DailyCap          int        `bun:"daily_cap"`
	BudgetGroup       string     `bun:"budget_group"`
	MaxInFlight       int        `bun:"max_in_flight"`
	MaxQueueSize      int        `bun:"max_queue_size"`
	WebhookUsername   string     `bun:"webhook_username"`
	WebhookSecret     []byte     `bun:"webhook_secret"`
	WebhookLastTestAt *time.Time `bun:"webhook_last_test_at"`
	CreatedAt         time.Time  `bun:"created_at"`
	UpdatedAt         time.Time  `bun:"updated_at"`
}

// instanceSettings are the columns Update writes: everything but the
// owner, the secrets and the creation time.
var instanceSettings = []string{
	"name", "kind", "url", "verify_tls", "timeout_seconds", "rate_per_second", "burst",
	"hourly_cap", "daily_cap", "budget_group", "max_in_flight", "max_queue_size",
	"webhook_username", "updated_at",
}

func (m *instanceModel) entity() domain.Instance {
	return domain.Instance{
		ID:                m.ID,
		OwnerID:           m.UserID,
		Name:              m.Name,
		Kind:              domain.InstanceKind(m.Kind),
		URL:               m.URL,
		VerifyTLS:         m.VerifyTLS,
		TimeoutSeconds:    m.TimeoutSeconds,
		RatePerSecond:     m.RatePerSecond,
		Burst:             m.Burst,
		HourlyCap:         m.HourlyCap,
		DailyCap:          m.DailyCap,
		BudgetGroup:       m.BudgetGroup,
		MaxInFlight:       m.MaxInFlight,
		MaxQueueSize:      m.MaxQueueSize,
		WebhookUsername:   m.WebhookUsername,
		HasWebhookSecret:  len(m.WebhookSecret) > 0,
		WebhookLastTestAt: fromDB(m.WebhookLastTestAt),
		CreatedAt:         m.CreatedAt.UTC(),
		UpdatedAt:         m.UpdatedAt.UTC(),
	}
}

func instanceModelFrom(in domain.Instance) instanceModel {
	return instanceModel{
		ID:             in.ID,
		UserID:         in.OwnerID,
		Name:           in.Name,
		Kind:           string(in.Kind),
		URL:            in.URL,
		VerifyTLS:      in.VerifyTLS,
		TimeoutSeconds: in.TimeoutSeconds,
		RatePerSecond:  in.RatePerSecond,
		Burst:          in.Burst,
		HourlyCap:      in.HourlyCap,
		DailyCap:       in.DailyCap,
		BudgetGroup:    in.BudgetGroup,
		MaxInFlight:    in.MaxInFlight,
		MaxQueueSize:   in.MaxQueueSize,

		WebhookUsername: in.WebhookUsername,
	}
}

// Instances stores Sonarr/Radarr instances. Their API keys and webhook
// passwords are sealed at rest and come back only through Credentials.
type Instances struct{ s *Store }

// Instances returns the instance repository.
func (s *Store) Instances() *Instances { return &Instances{s: s} }

// Create stores a new instance with its API key and returns it with its id.
func (r *Instances) Create(ctx context.Context, in domain.Instance, apiKey domain.Secret) (domain.Instance, error) {
	sealed, err := r.s.seal(apiKey)
	if err != nil {
		return domain.Instance{}, err
	}
	m := instanceModelFrom(in)
	m.ID = 0
	m.APIKey = sealed
	m.CreatedAt = r.s.now()
	m.UpdatedAt = m.CreatedAt
	if _, err := r.s.db.NewInsert().Model(&m).Returning("id").Exec(ctx); err != nil {
		return domain.Instance{}, wrap("create instance", err)
	}
	return m.entity(), nil
}

// Get returns one instance.
func (r *Instances) Get(ctx context.Context, id int64) (domain.Instance, error) {
	var m instanceModel
	if err := r.s.db.NewSelect().Model(&m).Where("id = ?", id).Scan(ctx); err != nil {
		return domain.Instance{}, wrap(fmt.Sprintf("get instance %d", id), err)
	}
	return m.entity(), nil
}

// ListByOwner returns a user's instances ordered by name.
func (r *Instances) ListByOwner(ctx context.Context, ownerID int64) ([]domain.Instance, error) {
	return r.list(ctx, func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("user_id = ?", ownerID) })
}

// List returns every instance of every user, ordered by id.
func (r *Instances) List(ctx context.Context) ([]domain.Instance, error) {
	return r.list(ctx, func(q *bun.SelectQuery) *bun.SelectQuery { return q })
}

func (r *Instances) list(ctx context.Context, filter func(*bun.SelectQuery) *bun.SelectQuery) ([]domain.Instance, error) {
	var ms []instanceModel
	if err := filter(r.s.db.NewSelect().Model(&ms)).OrderExpr("name ASC, id ASC").Scan(ctx); err != nil {
		return nil, wrap("list instances", err)
	}
	out := make([]domain.Instance, len(ms))
	for i := range ms {
		out[i] = ms[i].entity()
	}
	return out, nil
}

// BudgetGroupMembers returns the ids of the instances that share a budget
// with instance id: itself, plus the instances of the same owner in the same
// non-empty budget group.
func (r *Instances) BudgetGroupMembers(ctx context.Context, id int64) ([]int64, error) {
	in, err := r.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if in.BudgetGroup == "" {
		return []int64{id}, nil
	}
	var ids []int64
	err = r.s.db.NewSelect().Table("instances").Column("id").
		Where("user_id = ? AND budget_group = ?", in.OwnerID, in.BudgetGroup).
		OrderExpr("id").Scan(ctx, &ids)
	if err != nil {
		return nil, wrap("list budget group members", err)
	}
	return ids, nil
}

// Update writes an instance's settings (not its owner nor its secrets) and
// returns the stored instance.
func (r *Instances) Update(ctx context.Context, in domain.Instance) (domain.Instance, error) {
	m := instanceModelFrom(in)
	m.UpdatedAt = r.s.now()
	res, err := r.s.db.NewUpdate().Model(&m).Column(instanceSettings...).WherePK().Exec(ctx)
	if err := r.s.checkOne(res, err, "update instance", "instance", in.ID); err != nil {
		return domain.Instance{}, err
	}
	return r.Get(ctx, in.ID)
}

// SetAPIKey replaces an instance's API key.
func (r *Instances) SetAPIKey(ctx context.Context, id int64, apiKey domain.Secret) error {
	sealed, err := r.s.seal(apiKey)
	if err != nil {
		return err
	}
	res, err := r.s.db.NewUpdate().Table("instances").
		Set("api_key = ?", sealed).Set("updated_at = ?", r.s.now()).
		Where("id = ?", id).Exec(ctx)
	return r.s.checkOne(res, err, "set instance api key", "instance", id)
}

// SetWebhookCredentials replaces the basic-auth credentials Sonarr/Radarr
// must send with webhooks to this instance's endpoint.
func (r *Instances) SetWebhookCredentials(ctx context.Context, id int64, username string, password domain.Secret) error {
	sealed, err := r.s.seal(password)
	if err != nil {
		return err
	}
	res, err := r.s.db.NewUpdate().Table("instances").
		Set("webhook_username = ?", username).Set("webhook_secret = ?", sealed).
		Set("updated_at = ?", r.s.now()).
		Where("id = ?", id).Exec(ctx)
	return r.s.checkOne(res, err, "set instance webhook credentials", "instance", id)
}

// MarkWebhookTest records that the arr's Test webhook arrived at at.
func (r *Instances) MarkWebhookTest(ctx context.Context, id int64, at time.Time) error {
	res, err := r.s.db.NewUpdate().Table("instances").
		Set("webhook_last_test_at = ?", utc(at)).
		Where("id = ?", id).Exec(ctx)
	return r.s.checkOne(res, err, "mark instance webhook test", "instance", id)
}

// Delete removes an instance with its queues, history, commands and item
// state.
func (r *Instances) Delete(ctx context.Context, id int64) error {
	res, err := r.s.db.NewDelete().Table("instances").Where("id = ?", id).Exec(ctx)
	return r.s.checkOne(res, err, "delete instance", "instance", id)
}

// Credentials returns what it takes to talk to an instance, with its API
// key and webhook password decrypted. It is the only way to read them.
func (r *Instances) Credentials(ctx context.Context, id int64) (domain.InstanceCredentials, error) {
	var m instanceModel
	if err := r.s.db.NewSelect().Model(&m).Where("id = ?", id).Scan(ctx); err != nil {
		return domain.InstanceCredentials{}, wrap(fmt.Sprintf("get instance %d credentials", id), err)
	}
	key, err := r.s.open(m.APIKey)
	if err != nil {
		return domain.InstanceCredentials{}, fmt.Errorf("store: unable to decrypt the api key of instance %d: %w", id, err)
	}
	var password domain.Secret
	if len(m.WebhookSecret) > 0 {
		if password, err = r.s.open(m.WebhookSecret); err != nil {
			return domain.InstanceCredentials{}, fmt.Errorf("store: unable to decrypt the webhook password of instance %d: %w", id, err)
		}
	}
	return domain.InstanceCredentials{
		InstanceID:      m.ID,
		Kind:            domain.InstanceKind(m.Kind),
		URL:             m.URL,
		APIKey:          key,
		VerifyTLS:       m.VerifyTLS,
		TimeoutSeconds:  m.TimeoutSeconds,
		WebhookUsername: m.WebhookUsername,
		WebhookPassword: password,
	}, nil
}

// errNoSealer reports a secret operation on a store opened without a Sealer.
var errNoSealer = errors.New("store: no secret sealer configured")

// seal encrypts a secret for storage.
func (s *Store) seal(secret domain.Secret) ([]byte, error) {
	if s.sealer == nil {
		return nil, errNoSealer
	}
	out, err := s.sealer.Seal([]byte(secret.Reveal()))
	if err != nil {
		return nil, fmt.Errorf("store: unable to encrypt a secret: %w", err)
	}
	return out, nil
}

// open decrypts a stored secret.
func (s *Store) open(sealed []byte) (domain.Secret, error) {
	if s.sealer == nil {
		return "", errNoSealer
	}
	out, err := s.sealer.Open(sealed)
	if err != nil {
		return "", err
	}
	return domain.Secret(out), nil
}
