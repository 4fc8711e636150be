// Package bus wires Watermill: an in-process pub/sub on SQLite, watermill-sql
// on PostgreSQL (so replicas share the work), and a router whose middleware
// carries correlation ids, recovers panics, retries and parks poison
// messages. On PostgreSQL the work topics delete each message once it is
// handled, and Prune bounds the others by age (see postgres.go).
package bus

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/vibequality/searcharr/core/domain"
)

// Config selects and tunes the pub/sub.
type Config struct {
	// Dialect is "sqlite" (in-process pub/sub) or "postgres" (watermill-sql
	// on DB).
	Dialect string
	// DB is the PostgreSQL database; required for "postgres".
	DB *sql.DB
	// ConsumerGroup names this deployment's subscribers; replicas sharing it
	// share the work. Defaults to "searcharr".
	ConsumerGroup string
	// PollInterval is how often watermill-sql polls for new messages.
	PollInterval time.Duration
	// MaxRetries is how often a failing handler is retried before its
	// message goes to the poison topic.
	MaxRetries int
	// RetryInterval is the first retry's delay; it doubles each time.
	RetryInterval time.Duration
}

func (c *Config) setDefaults() {
	if c.ConsumerGroup == "" {
		c.ConsumerGroup = "searcharr"
	}
	if c.PollInterval == 0 {
		c.PollInterval = 100 * time.Millisecond
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 3
	}
	if c.RetryInterval == 0 {
		c.RetryInterval = 200 * time.Millisecond
	}
}

// Validate checks the configuration.
func (c Config) Validate() error {
	switch c.Dialect {
	case "sqlite":
	case "postgres":
		if c.DB == nil {
			return errors.New("bus: postgres needs a database")
		}
	default:
		return fmt.Errorf("bus: unknown dialect %q", c.Dialect)
	}
	return nil
}

// Bus publishes events and routes them to handlers.
type Bus struct {
	pub    message.Publisher
	sub    message.Subscriber
	router *message.Router
	log    *slog.Logger
	// db, poll and wlog let Broadcast make subscribers of its own on
	// PostgreSQL; db is nil for the in-process pub/sub.
	db   *sql.DB
	poll time.Duration
	wlog watermill.LoggerAdapter
	// group is the deployment's consumer group, whose progress Prune
	// respects.
	group string
}

// New builds the pub/sub and its router.
func New(cfg Config, log *slog.Logger) (*Bus, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log = log.With("component", "bus")
	wlog := watermill.NewSlogLoggerWithLevelMapping(log, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})

	b := &Bus{log: log, poll: cfg.PollInterval, wlog: wlog, group: cfg.ConsumerGroup}
	switch cfg.Dialect {
	case "sqlite":
		ch := gochannel.NewGoChannel(gochannel.Config{OutputChannelBuffer: 256, BlockPublishUntilSubscriberAck: false}, wlog)
		b.pub, b.sub = ch, ch
	case "postgres":
		if err := migrateQueues(context.Background(), cfg.DB, cfg.ConsumerGroup); err != nil {
			return nil, err
		}
		pub, sub, err := postgresPubSub(cfg, wlog)
		if err != nil {
			return nil, err
		}
		b.pub, b.sub, b.db = pub, sub, cfg.DB
	}

	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: 30 * time.Second}, wlog)
	if err != nil {
		return nil, fmt.Errorf("bus: unable to create the router: %w", err)
	}
	poison, err := middleware.PoisonQueue(b.pub, string(domain.TopicPoison))
	if err != nil {
		return nil, fmt.Errorf("bus: unable to create the poison queue: %w", err)
	}
	// The first middleware added is the outermost: correlation ids are
	// copied onto everything a handler publishes, a message that still fails
	// after its retries is parked on the poison topic, and a panic becomes an
	// error the retry sees.
	router.AddMiddleware(
		middleware.CorrelationID,
		poison,
		middleware.Retry{
			MaxRetries:      cfg.MaxRetries,
			InitialInterval: cfg.RetryInterval,
			Multiplier:      2,
			MaxInterval:     10 * time.Second,
			Logger:          wlog,
		}.Middleware,
		middleware.Recoverer,
	)
	b.router = router
	return b, nil
}

// Publish sends payload as JSON on topic. The correlation id of ctx, or a
// new one, goes into the message metadata.
func (b *Bus) Publish(ctx context.Context, topic domain.Topic, kind domain.EventKind, payload any) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("bus: unable to encode %s: %w", kind, err)
	}
	msg := message.NewMessage(watermill.NewUUID(), body)
	cid := domain.CorrelationID(ctx)
	if cid == "" {
		cid = watermill.NewShortUUID()
	}
	middleware.SetCorrelationID(cid, msg)
	msg.Metadata.Set(domain.MetaCorrelationID, cid)
	msg.Metadata.Set(domain.MetaEventKind, string(kind))
	if err := b.pub.Publish(string(topic), msg); err != nil {
		return fmt.Errorf("bus: unable to publish on %s: %w", topic, err)
	}
	return nil
}

// HandlerFunc handles one message. ctx carries the message's correlation id.
// Returning an error retries the message.
type HandlerFunc func(ctx context.Context, msg *message.Message) error

// Handle registers h for every message on topic. Call it before Run.
func (b *Bus) Handle(name string, topic domain.Topic, h HandlerFunc) {
	b.router.AddConsumerHandler(name, string(topic), b.sub, func(msg *message.Message) error {
		ctx := domain.WithCorrelationID(msg.Context(), MessageCorrelationID(msg))
		return h(ctx, msg)
	})
}

// MessageCorrelationID returns the correlation id a message carries.
func MessageCorrelationID(msg *message.Message) string {
	if id := msg.Metadata.Get(domain.MetaCorrelationID); id != "" {
		return id
	}
	return middleware.MessageCorrelationID(msg)
}

// Decode unmarshals a message's JSON payload.
func Decode[T any](msg *message.Message) (T, error) {
	var v T
	if err := json.Unmarshal(msg.Payload, &v); err != nil {
		return v, fmt.Errorf("bus: unable to decode message %s: %w", msg.UUID, err)
	}
	return v, nil
}

// Run starts routing and blocks until ctx ends or the router is closed.
func (b *Bus) Run(ctx context.Context) error { return b.router.Run(ctx) }

// Running is closed once the router routes messages.
func (b *Bus) Running() chan struct{} { return b.router.Running() }

// IsRunning reports whether the router is routing.
func (b *Bus) IsRunning() bool { return b.router.IsRunning() }

// Close stops the router, letting handlers in progress finish, then closes
// the pub/sub.
func (b *Bus) Close() error {
	return errors.Join(b.router.Close(), b.pub.Close(), b.sub.Close())
}
