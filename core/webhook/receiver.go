package webhook

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/domain"
)

// Deliveries is the webhook inbox. *store.WebhookDeliveries implements it.
type Deliveries interface {
	Insert(ctx context.Context, d domain.WebhookDelivery, window time.Duration) (domain.WebhookDelivery, bool, error)
	Get(ctx context.Context, id int64) (domain.WebhookDelivery, error)
	ListUnprocessed(ctx context.Context, limit int) ([]domain.WebhookDelivery, error)
	StartAttempt(ctx context.Context, id int64, at time.Time) (domain.WebhookDelivery, error)
	MarkProcessed(ctx context.Context, id int64, at time.Time) error
	MarkFailed(ctx context.Context, id int64, errMsg string) error
	Park(ctx context.Context, id int64, at time.Time, reason string) error
}

// TestMarker records that an instance's Test webhook arrived.
// *store.Instances implements it.
type TestMarker interface {
	MarkWebhookTest(ctx context.Context, id int64, at time.Time) error
}

// Publisher publishes events on the bus. *bus.Bus implements it.
type Publisher interface {
	Publish(ctx context.Context, topic domain.Topic, kind domain.EventKind, payload any) error
}

// Metrics receives what the receiver counts. *metrics.Metrics implements
// it.
type Metrics interface {
	// WebhookReceived counts one call: event is the event type ("unknown"
	// before the body is read), result one of accepted, duplicate,
	// refused, throttled, invalid, too_large or error.
	WebhookReceived(event, result string)
}

// ReceiverDeps are what the Receiver needs.
type ReceiverDeps struct {
	// Endpoints authenticate calls (*store.Instances).
	Endpoints  api.WebhookEndpoints
	Deliveries Deliveries
	Instances  TestMarker
	Publisher  Publisher
	// Metrics, when set, counts every call by event type and result.
	Metrics Metrics
	Logger  *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// ReceiverConfig tunes the Receiver; zero fields take the defaults.
type ReceiverConfig struct {
	// MaxBody bounds a body in bytes (1 MiB); larger ones get 413.
	MaxBody int
	// DedupeWindow folds identical deliveries of one instance arriving
	// within it into one (30 s).
	DedupeWindow time.Duration
	// FailureThreshold is how many refused calls from one address are
	// answered normally before it is slowed down (5); then it waits
	// FailureBackoff (1 s), doubled with each further failure up to
	// FailureMaxBackoff (5 min).
	FailureThreshold  int
	FailureBackoff    time.Duration
	FailureMaxBackoff time.Duration
}

func (c *ReceiverConfig) setDefaults() {
	if c.MaxBody <= 0 {
		c.MaxBody = 1 << 20
	}
	if c.DedupeWindow <= 0 {
		c.DedupeWindow = 30 * time.Second
	}
	if c.FailureThreshold <= 0 {
		c.FailureThreshold = 5
	}
	if c.FailureBackoff <= 0 {
		c.FailureBackoff = time.Second
	}
	if c.FailureMaxBackoff <= 0 {
		c.FailureMaxBackoff = 5 * time.Minute
	}
}

// Receiver is the HTTP handler of Sonarr/Radarr webhooks; mount it with
// (*api.Server).MountWebhookReceiver(r.Handler).
type Receiver struct {
	deps    ReceiverDeps
	cfg     ReceiverConfig
	log     *slog.Logger
	limiter *failureLimiter
}

// NewReceiver builds a Receiver.
func NewReceiver(deps ReceiverDeps, cfg ReceiverConfig) (*Receiver, error) {
	if deps.Endpoints == nil || deps.Deliveries == nil || deps.Instances == nil || deps.Publisher == nil {
		return nil, errors.New("webhook: the receiver needs Endpoints, Deliveries, Instances and Publisher")
	}
	cfg.setDefaults()
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	return &Receiver{deps: deps, cfg: cfg, log: deps.Logger.With("component", "webhook"),
		limiter: newFailureLimiter(cfg.FailureThreshold, cfg.FailureBackoff, cfg.FailureMaxBackoff, deps.Now)}, nil
}

// receipt is the body of a 2xx answer.
type receipt struct {
	Status     string `json:"status"`
	DeliveryID int64  `json:"delivery_id"`
	EventType  string `json:"event_type"`
	Duplicate  bool   `json:"duplicate,omitempty"`
	// Ignored is set for event types Searcharr stores but does not act on.
	Ignored bool `json:"ignored,omitempty"`
}

// Handler authenticates, checks, stores and acknowledges one webhook call,
// then publishes it for processing. Nothing is stored unless the answer is
// 2xx.
func (r *Receiver) Handler(c *fiber.Ctx) error {
	event, result := "unknown", "error"
	if r.deps.Metrics != nil {
		defer func() { r.deps.Metrics.WebhookReceived(event, result) }()
	}
	ctx := c.UserContext()
	if c.Method() != fiber.MethodPost && c.Method() != fiber.MethodPut {
		c.Set(fiber.HeaderAllow, "POST, PUT")
		result = "invalid"
		return refuse(c, fiber.StatusMethodNotAllowed, "webhooks are POST or PUT")
	}
	ip := c.IP()
	if wait := r.limiter.wait(ip); wait > 0 {
		result = "throttled"
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return refuse(c, fiber.StatusTooManyRequests, "too many refused webhook calls from this address; retry later")
	}
	instanceID, err := api.CheckWebhook(ctx, r.deps.Endpoints, c.Path(), c.Get(fiber.HeaderAuthorization))
	if errors.Is(err, api.ErrWebhookRefused) {
		r.limiter.fail(ip)
		result = "refused"
		r.log.Warn("webhook refused: wrong credentials", "ip", ip)
		c.Set(fiber.HeaderWWWAuthenticate, `Basic realm="searcharr webhooks"`)
		return refuse(c, fiber.StatusUnauthorized, "wrong webhook credentials")
	}
	if err != nil {
		r.log.Error("webhook credentials check failed", "err", err)
		return refuse(c, fiber.StatusInternalServerError, "unable to check the webhook credentials")
	}
	r.limiter.succeed(ip)
	body := c.Body()
	if len(body) > r.cfg.MaxBody {
		result = "too_large"
		return refuse(c, fiber.StatusRequestEntityTooLarge, fmt.Sprintf("body: larger than %d bytes", r.cfg.MaxBody))
	}
	ev, err := Parse(body)
	if err != nil {
		result = "invalid"
		return refuse(c, fiber.StatusBadRequest, err.Error())
	}
	event = string(ev.Type)
	if !ev.Type.Known() {
		// Unknown types are stored, but their names are not labels: a
		// caller could invent any number of them.
		event = "other"
	}
	sum := sha256.Sum256(body)
	now := r.deps.Now().UTC()
	window := r.cfg.DedupeWindow
	if ev.Type == domain.HookHealth || ev.Type == domain.HookHealthRestored {
		// The apps send the same body each time a check fails or recovers:
		// a Health after a HealthRestored is news, however soon.
		window = 0
	}
	d, dup, err := r.deps.Deliveries.Insert(ctx, domain.WebhookDelivery{
		InstanceID: instanceID, EventType: string(ev.Type), DedupeKey: hex.EncodeToString(sum[:]),
		Payload: body, ReceivedAt: now,
	}, window)
	if err != nil {
		r.log.Error("unable to store a webhook delivery", "instance_id", instanceID, "event", ev.Type, "err", err)
		return refuse(c, fiber.StatusServiceUnavailable, "unable to store the webhook; retry later")
	}
	log := r.log.With("instance_id", instanceID, "event", ev.Type, "delivery_id", d.ID)
	if ev.Type == domain.HookTest {
		if err := r.deps.Instances.MarkWebhookTest(ctx, instanceID, now); err != nil {
			log.Warn("unable to record the webhook test", "err", err)
		}
	}
	result = "accepted"
	if dup {
		result = "duplicate"
		log.Info("webhook folded into an identical delivery")
	} else {
		log.Info("webhook received")
		msg := domain.WebhookDeliveryEvent{DeliveryID: d.ID, InstanceID: instanceID, EventType: string(ev.Type), At: now}
		if err := r.deps.Publisher.Publish(ctx, domain.TopicWebhooks, domain.EventWebhookDelivery, msg); err != nil {
			// Stored: the processor's sweep picks it up.
			log.Warn("unable to publish a webhook delivery", "err", err)
		}
	}
	return c.Status(fiber.StatusOK).JSON(receipt{Status: "accepted", DeliveryID: d.ID, EventType: string(ev.Type),
		Duplicate: dup, Ignored: !ev.Type.Known()})
}

// refuse answers an error as a problem document.
func refuse(c *fiber.Ctx, status int, detail string) error {
	err := c.Status(status).JSON(fiber.Map{"title": http.StatusText(status), "status": status, "detail": detail})
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return err
}
