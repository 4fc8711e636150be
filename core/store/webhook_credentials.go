package store

import (
	"context"
	"fmt"

	"github.com/vibequality/searcharr/core/domain"
)

// webhookRow is the part of an instance row that makes its webhook
// endpoint.
type webhookRow struct {
	ID       int64  `bun:"id"`
	Token    []byte `bun:"webhook_token"`
	Username string `bun:"webhook_username"`
	Secret   []byte `bun:"webhook_secret"`
}

// WebhookEndpoint returns the webhook endpoint of an instance with its path
// token and password decrypted. An instance whose endpoint was never
// generated answers a zero endpoint (Configured is false).
func (r *Instances) WebhookEndpoint(ctx context.Context, id int64) (domain.WebhookEndpoint, error) {
	var row webhookRow
	err := r.s.db.NewSelect().Table("instances").
		Column("id", "webhook_token", "webhook_username", "webhook_secret").
		Where("id = ?", id).Scan(ctx, &row)
	if err != nil {
		return domain.WebhookEndpoint{}, wrap(fmt.Sprintf("get instance %d webhook endpoint", id), err)
	}
	ep := domain.WebhookEndpoint{InstanceID: row.ID, Username: row.Username}
	if len(row.Token) == 0 || len(row.Secret) == 0 {
		return domain.WebhookEndpoint{InstanceID: row.ID}, nil
	}
	if ep.Token, err = r.s.open(row.Token); err != nil {
		return domain.WebhookEndpoint{}, fmt.Errorf("store: unable to decrypt the webhook token of instance %d: %w", id, err)
	}
	if ep.Password, err = r.s.open(row.Secret); err != nil {
		return domain.WebhookEndpoint{}, fmt.Errorf("store: unable to decrypt the webhook password of instance %d: %w", id, err)
	}
	return ep, nil
}

// SetWebhookEndpoint replaces an instance's webhook token and credentials
// in one statement: the old ones stop working at once.
func (r *Instances) SetWebhookEndpoint(ctx context.Context, ep domain.WebhookEndpoint) error {
	return r.setWebhookEndpoint(ctx, ep, false)
}

// InitWebhookEndpoint stores ep unless the instance already has an
// endpoint, and returns the endpoint in force: of several concurrent first
// calls, exactly one endpoint wins and every caller gets it.
func (r *Instances) InitWebhookEndpoint(ctx context.Context, ep domain.WebhookEndpoint) (domain.WebhookEndpoint, error) {
	if err := r.setWebhookEndpoint(ctx, ep, true); err != nil {
		return domain.WebhookEndpoint{}, err
	}
	return r.WebhookEndpoint(ctx, ep.InstanceID)
}

func (r *Instances) setWebhookEndpoint(ctx context.Context, ep domain.WebhookEndpoint, onlyUnset bool) error {
	if !ep.Configured() {
		return fmt.Errorf("store: webhook endpoint of instance %d lacks a token, username or password: %w", ep.InstanceID, domain.ErrInvalid)
	}
	token, err := r.s.seal(ep.Token)
	if err != nil {
		return err
	}
	password, err := r.s.seal(ep.Password)
	if err != nil {
		return err
	}
	q := r.s.db.NewUpdate().Table("instances").
		Set("webhook_token = ?", token).Set("webhook_username = ?", ep.Username).
		Set("webhook_secret = ?", password).Set("updated_at = ?", r.s.now()).
		Where("id = ?", ep.InstanceID)
	if !onlyUnset {
		res, err := q.Exec(ctx)
		return r.s.checkOne(res, err, "set instance webhook endpoint", "instance", ep.InstanceID)
	}
	res, err := q.Where("webhook_token IS NULL").Exec(ctx)
	if err != nil {
		return wrap("init instance webhook endpoint", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrap("init instance webhook endpoint", err)
	} else if n == 0 {
		ok, err := exists(ctx, r.s.db, "instances", ep.InstanceID)
		if err != nil {
			return wrap("init instance webhook endpoint", err)
		}
		if !ok {
			return notFound("instance", ep.InstanceID)
		}
	}
	return nil
}
