package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// notificationSinkModel is a row of the notification_sinks table. URL and
// Secret are sealed.
type notificationSinkModel struct {
	bun.BaseModel `bun:"table:notification_sinks,alias:ns"`

	ID            int64      `bun:"id,pk,autoincrement"`
	UserID        int64      `bun:"user_id"`
	Name          string     `bun:"name"`
	Kind          string     `bun:"kind"`
	URL           []byte     `bun:"url"`
	Secret        []byte     `bun:"secret"`
	Config        string     `bun:"config"`
	Events        string     `bun:"events"`
	Enabled       bool       `bun:"enabled"`
	LastStatus    string     `bun:"last_status"`
	LastAttemptAt *time.Time `bun:"last_attempt_at"`
	LastSentAt    *time.Time `bun:"last_sent_at"`
	LastError     string     `bun:"last_error"`
	CreatedAt     time.Time  `bun:"created_at"`
	UpdatedAt     time.Time  `bun:"updated_at"`
}

// sinkConfig is the config column: the settings without a column of their
// own.
type sinkConfig struct {
	Service       string `json:"service"`
	Template      string `json:"template,omitempty"`
	ContentType   string `json:"content_type,omitempty"`
	RatePerMinute int    `json:"rate_per_minute,omitempty"`
}

// sinkSettings are the columns Update writes.
var sinkSettings = []string{"name", "kind", "config", "events", "enabled", "updated_at"}

func (m *notificationSinkModel) entity() domain.NotificationSink {
	var cfg sinkConfig
	_ = json.Unmarshal([]byte(m.Config), &cfg)
	var events []domain.EventKind
	_ = json.Unmarshal([]byte(m.Events), &events)
	if events == nil {
		events = []domain.EventKind{}
	}
	return domain.NotificationSink{
		ID: m.ID, OwnerID: m.UserID, Name: m.Name, Kind: domain.NotificationSinkKind(m.Kind),
		Service: cfg.Service, Events: events, Enabled: m.Enabled, Template: cfg.Template,
		ContentType: cfg.ContentType, RatePerMinute: cfg.RatePerMinute, HasSecret: len(m.Secret) > 0,
		LastStatus: domain.DeliveryStatus(m.LastStatus), LastAttemptAt: fromDB(m.LastAttemptAt),
		LastSentAt: fromDB(m.LastSentAt), LastError: m.LastError,
		CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC(),
	}
}

func notificationSinkModelFrom(s domain.NotificationSink) (notificationSinkModel, error) {
	cfg, err := json.Marshal(sinkConfig{Service: s.Service, Template: s.Template, ContentType: s.ContentType,
		RatePerMinute: s.RatePerMinute})
	if err != nil {
		return notificationSinkModel{}, fmt.Errorf("store: unable to encode a sink's config: %w", err)
	}
	events := s.Events
	if events == nil {
		events = []domain.EventKind{}
	}
	ev, err := json.Marshal(events)
	if err != nil {
		return notificationSinkModel{}, fmt.Errorf("store: unable to encode a sink's events: %w", err)
	}
	return notificationSinkModel{
		ID: s.ID, UserID: s.OwnerID, Name: s.Name, Kind: string(s.Kind),
		Config: string(cfg), Events: string(ev), Enabled: s.Enabled,
	}, nil
}

// NotificationSinks stores users' notification sinks. Their URLs and
// signing secrets are sealed at rest and come back only through Target.
type NotificationSinks struct{ s *Store }

// NotificationSinks returns the notification sink repository.
func (s *Store) NotificationSinks() *NotificationSinks { return &NotificationSinks{s: s} }

// Create stores a new sink with its URL and optional signing secret. A
// name its owner already uses is domain.ErrConflict.
func (r *NotificationSinks) Create(ctx context.Context, sink domain.NotificationSink, target domain.NotificationTarget) (domain.NotificationSink, error) {
	m, err := notificationSinkModelFrom(sink)
	if err != nil {
		return domain.NotificationSink{}, err
	}
	if m.URL, m.Secret, err = r.sealTarget(target); err != nil {
		return domain.NotificationSink{}, err
	}
	m.ID = 0
	m.CreatedAt = r.s.now()
	m.UpdatedAt = m.CreatedAt
	if _, err := r.s.db.NewInsert().Model(&m).Returning("id").Exec(ctx); err != nil {
		return domain.NotificationSink{}, wrap("create notification sink", err)
	}
	return m.entity(), nil
}

func (r *NotificationSinks) sealTarget(t domain.NotificationTarget) (url, secret []byte, err error) {
	if url, err = r.s.seal(t.URL); err != nil {
		return nil, nil, err
	}
	if !t.Secret.IsZero() {
		if secret, err = r.s.seal(t.Secret); err != nil {
			return nil, nil, err
		}
	}
	return url, secret, nil
}

// Get returns one sink.
func (r *NotificationSinks) Get(ctx context.Context, id int64) (domain.NotificationSink, error) {
	var m notificationSinkModel
	if err := r.s.db.NewSelect().Model(&m).Where("id = ?", id).Scan(ctx); err != nil {
		return domain.NotificationSink{}, wrap(fmt.Sprintf("get notification sink %d", id), err)
	}
	return m.entity(), nil
}

// ListByOwner returns a user's sinks ordered by name.
func (r *NotificationSinks) ListByOwner(ctx context.Context, ownerID int64) ([]domain.NotificationSink, error) {
	var ms []notificationSinkModel
	err := r.s.db.NewSelect().Model(&ms).Where("user_id = ?", ownerID).OrderExpr("name ASC, id ASC").Scan(ctx)
	if err != nil {
		return nil, wrap("list notification sinks", err)
	}
	out := make([]domain.NotificationSink, len(ms))
	for i := range ms {
		out[i] = ms[i].entity()
	}
	return out, nil
}

// Subscribed returns the enabled sinks of ownerID that want kind.
func (r *NotificationSinks) Subscribed(ctx context.Context, ownerID int64, kind domain.EventKind) ([]domain.NotificationSink, error) {
	all, err := r.ListByOwner(ctx, ownerID)
	if err != nil {
		return nil, err
	}
	var out []domain.NotificationSink
	for _, s := range all {
		if s.Wants(kind) {
			out = append(out, s)
		}
	}
	return out, nil
}

// Update writes a sink's settings (not its owner, URL, secret or delivery
// status) and returns the stored sink.
func (r *NotificationSinks) Update(ctx context.Context, sink domain.NotificationSink) (domain.NotificationSink, error) {
	m, err := notificationSinkModelFrom(sink)
	if err != nil {
		return domain.NotificationSink{}, err
	}
	m.UpdatedAt = r.s.now()
	res, err := r.s.db.NewUpdate().Model(&m).Column(sinkSettings...).WherePK().Exec(ctx)
	if err := r.s.checkOne(res, err, "update notification sink", "notification sink", sink.ID); err != nil {
		return domain.NotificationSink{}, err
	}
	return r.Get(ctx, sink.ID)
}

// SetTarget replaces a sink's URL and signing secret (a zero secret
// removes it).
func (r *NotificationSinks) SetTarget(ctx context.Context, id int64, target domain.NotificationTarget) error {
	url, secret, err := r.sealTarget(target)
	if err != nil {
		return err
	}
	res, err := r.s.db.NewUpdate().Table("notification_sinks").
		Set("url = ?", url).Set("secret = ?", secret).Set("updated_at = ?", r.s.now()).
		Where("id = ?", id).Exec(ctx)
	return r.s.checkOne(res, err, "set notification sink target", "notification sink", id)
}

// Target returns a sink's decrypted URL and signing secret. It is the only
// way to read them.
func (r *NotificationSinks) Target(ctx context.Context, id int64) (domain.NotificationTarget, error) {
	var m notificationSinkModel
	if err := r.s.db.NewSelect().Model(&m).Column("id", "url", "secret").Where("id = ?", id).Scan(ctx); err != nil {
		return domain.NotificationTarget{}, wrap(fmt.Sprintf("get notification sink %d target", id), err)
	}
	url, err := r.s.open(m.URL)
	if err != nil {
		return domain.NotificationTarget{}, fmt.Errorf("store: unable to decrypt the url of notification sink %d: %w", id, err)
	}
	var secret domain.Secret
	if len(m.Secret) > 0 {
		if secret, err = r.s.open(m.Secret); err != nil {
			return domain.NotificationTarget{}, fmt.Errorf("store: unable to decrypt the secret of notification sink %d: %w", id, err)
		}
	}
	return domain.NotificationTarget{URL: url, Secret: secret}, nil
}

// RecordDelivery stores the outcome of a delivery attempt: its time and
// status always, the time of the last success on success, the error on
// failure.
func (r *NotificationSinks) RecordDelivery(ctx context.Context, id int64, d domain.NotificationDelivery) error {
	at := utc(d.At)
	q := r.s.db.NewUpdate().Table("notification_sinks").Set("last_attempt_at = ?", at).Where("id = ?", id)
	if d.OK {
		q = q.Set("last_status = ?", string(domain.DeliveryOK)).Set("last_sent_at = ?", at).Set("last_error = ?", "")
	} else {
		q = q.Set("last_status = ?", string(domain.DeliveryFailed)).Set("last_error = ?", d.Error)
	}
	res, err := q.Exec(ctx)
	return r.s.checkOne(res, err, "record notification delivery", "notification sink", id)
}

// Delete removes a sink.
func (r *NotificationSinks) Delete(ctx context.Context, id int64) error {
	res, err := r.s.db.NewDelete().Table("notification_sinks").Where("id = ?", id).Exec(ctx)
	return r.s.checkOne(res, err, "delete notification sink", "notification sink", id)
}
