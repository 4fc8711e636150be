package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/vibequality/searcharr/core/bus"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/webhook/condition"
)

// OutcomeRecorder records grabs and imports matched to searches, once per
// download and item. *store.Store implements it.
type OutcomeRecorder interface {
	RecordOutcome(ctx context.Context, o domain.Outcome, window time.Duration) (domain.OutcomeResult, error)
}

// Subscriptions finds the queues subscribed to an event of an instance.
// *store.Queues implements it.
type Subscriptions interface {
	SubscriptionsFor(ctx context.Context, instanceID int64, eventType domain.WebhookEventType) ([]domain.QueueSubscription, error)
}

// DispatchPauser pauses and resumes an instance's dispatch.
// *dispatch.Dispatcher implements it.
type DispatchPauser interface {
	Pause(instanceID int64, reason string)
	Resume(instanceID int64)
}

// WantedInvalidator drops an instance's cached wanted lists.
// *library.Cache implements it.
type WantedInvalidator interface {
	Invalidate(instanceID int64)
}

// SeriesEpisodes lists the episodes of a series, to name the items of a
// SeriesAdd event (whose payload names only the series).
type SeriesEpisodes interface {
	SeriesEpisodes(ctx context.Context, instanceID, seriesID int64) ([]domain.ItemKey, error)
}

// ProcessorMetrics receives what the processor counts. *metrics.Metrics
// implements it.
type ProcessorMetrics interface {
	// WebhookParked counts a delivery given up on.
	WebhookParked(event string)
}

// ProcessorDeps are what the Processor needs; Dispatch, Wanted, Episodes
// and Metrics are optional.
type ProcessorDeps struct {
	Deliveries    Deliveries
	Outcomes      OutcomeRecorder
	Subscriptions Subscriptions
	Instances     TestMarker
	Publisher     Publisher
	Dispatch      DispatchPauser
	Wanted        WantedInvalidator
	Episodes      SeriesEpisodes
	Metrics       ProcessorMetrics
	Logger        *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// ProcessorConfig tunes the Processor; zero fields take the defaults.
type ProcessorConfig struct {
	// MatchWindow is how far back a grab looks for its search
	// (domain.OutcomeMatchWindow).
	MatchWindow time.Duration
	// SweepInterval is how often deliveries left unprocessed are published
	// again (1 minute); SweepAge is how old one must be first (30 s), and
	// MaxAttempts how many attempts one gets before it is parked (10).
	SweepInterval time.Duration
	SweepAge      time.Duration
	MaxAttempts   int
	// AttemptTimeout bounds one processing attempt (2 minutes); a delivery
	// whose attempt started less than that ago is left to it by the
	// periodic sweep (not by the one at start).
	AttemptTimeout time.Duration
}

func (c *ProcessorConfig) setDefaults() {
	if c.MatchWindow <= 0 {
		c.MatchWindow = domain.OutcomeMatchWindow
	}
	if c.SweepInterval <= 0 {
		c.SweepInterval = time.Minute
	}
	if c.SweepAge <= 0 {
		c.SweepAge = 30 * time.Second
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 10
	}
	if c.AttemptTimeout <= 0 {
		c.AttemptTimeout = 2 * time.Minute
	}
}

// Processor turns stored deliveries into their effects.
type Processor struct {
	deps ProcessorDeps
	cfg  ProcessorConfig
	log  *slog.Logger

	mu sync.Mutex
	// failing holds, per instance, the indexer checks reported failing:
	// dispatch resumes when the last one is restored.
	failing map[int64]map[string]bool
	// conditions caches compiled subscription conditions by source.
	conditions map[string]*condition.Condition

	cancel context.CancelFunc
	done   chan struct{}
}

// NewProcessor builds a Processor.
func NewProcessor(deps ProcessorDeps, cfg ProcessorConfig) (*Processor, error) {
	if deps.Deliveries == nil || deps.Outcomes == nil || deps.Subscriptions == nil || deps.Instances == nil || deps.Publisher == nil {
		return nil, errors.New("webhook: the processor needs Deliveries, Outcomes, Subscriptions, Instances and Publisher")
	}
	cfg.setDefaults()
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	return &Processor{deps: deps, cfg: cfg, log: deps.Logger.With("component", "webhook"), failing: map[int64]map[string]bool{},
		conditions: map[string]*condition.Condition{}}, nil
}

// Register subscribes the processor to domain.TopicWebhooks.
func (p *Processor) Register(b *bus.Bus) {
	b.Handle("webhook.deliveries", domain.TopicWebhooks, p.handleMessage)
}

func (p *Processor) handleMessage(ctx context.Context, msg *message.Message) error {
	ev, err := bus.Decode[domain.WebhookDeliveryEvent](msg)
	if err != nil {
		p.log.Error("dropping an undecodable webhook message", "err", err)
		return nil
	}
	return p.Process(ctx, ev.DeliveryID)
}

// Start publishes again every delivery left unprocessed (by a crash right
// after it was answered, or a failed publish), then keeps doing so every
// SweepInterval until Stop.
func (p *Processor) Start(ctx context.Context) error {
	if err := p.sweep(ctx, 0, true); err != nil {
		return err
	}
	ctx, p.cancel = context.WithCancel(ctx)
	p.done = make(chan struct{})
	go func() {
		defer close(p.done)
		t := time.NewTicker(p.cfg.SweepInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := p.sweep(ctx, p.cfg.SweepAge, false); err != nil && ctx.Err() == nil {
					p.log.Warn("webhook sweep failed", "err", err)
				}
			}
		}
	}()
	return nil
}

// Stop ends the sweep loop.
func (p *Processor) Stop() {
	if p.cancel != nil {
		p.cancel()
		<-p.done
	}
}

// sweep publishes the unprocessed deliveries older than age and parks
// those out of attempts. Later sweeps leave an attempt that started less
// than AttemptTimeout ago to itself (this process or another replica may
// be running it); the sweep at start does not wait, since an attempt of
// the process that stopped is over, and replaying a delivery is safe.
func (p *Processor) sweep(ctx context.Context, age time.Duration, atStart bool) error {
	list, err := p.deps.Deliveries.ListUnprocessed(ctx, 1000)
	if err != nil {
		return fmt.Errorf("webhook: unable to list unprocessed deliveries: %w", err)
	}
	now := p.deps.Now()
	n := 0
	for _, d := range list {
		if d.Attempts >= p.cfg.MaxAttempts {
			p.park(ctx, p.log.With("instance_id", d.InstanceID, "delivery_id", d.ID, "event", d.EventType), d, p.outOfAttempts(d))
			continue
		}
		underWay := !atStart && d.StartedAt != nil && d.StartedAt.After(now.Add(-p.cfg.AttemptTimeout))
		if (age > 0 && d.ReceivedAt.After(now.Add(-age))) || underWay {
			continue
		}
		msg := domain.WebhookDeliveryEvent{DeliveryID: d.ID, InstanceID: d.InstanceID, EventType: d.EventType, At: d.ReceivedAt}
		if err := p.deps.Publisher.Publish(ctx, domain.TopicWebhooks, domain.EventWebhookDelivery, msg); err != nil {
			return fmt.Errorf("webhook: unable to publish delivery %d again: %w", d.ID, err)
		}
		n++
	}
	if n > 0 {
		p.log.Info("unprocessed webhook deliveries published again", "count", n)
	}
	return nil
}

func (p *Processor) outOfAttempts(d domain.WebhookDelivery) string {
	last := d.Error
	if last == "" {
		last = "the attempt did not finish"
	}
	return fmt.Sprintf("gave up after %d attempts; last: %s", d.Attempts, last)
}

// park gives up on a delivery for reason, and counts it.
func (p *Processor) park(ctx context.Context, log *slog.Logger, d domain.WebhookDelivery, reason string) {
	if err := p.deps.Deliveries.Park(ctx, d.ID, p.deps.Now(), reason); err != nil {
		log.Warn("unable to park a webhook delivery", "err", err)
		return
	}
	if p.deps.Metrics != nil {
		p.deps.Metrics.WebhookParked(d.EventType)
	}
	log.Warn("webhook delivery parked: it will not be tried again", "attempts", d.Attempts, "reason", reason)
}

// Process has one delivery's effect, unless it was processed or parked
// already. Each attempt is counted as it starts and bounded by
// AttemptTimeout. A failure no retry can mend (a body that does not parse,
// a condition over its budget) parks the delivery at once; another error
// leaves it to be tried again, up to MaxAttempts attempts.
func (p *Processor) Process(ctx context.Context, deliveryID int64) error {
	d, err := p.deps.Deliveries.Get(ctx, deliveryID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("webhook: unable to load delivery %d: %w", deliveryID, err)
	}
	if d.ProcessedAt != nil || d.ParkedAt != nil {
		return nil
	}
	log := p.log.With("instance_id", d.InstanceID, "delivery_id", d.ID, "event", d.EventType)
	if d.Attempts >= p.cfg.MaxAttempts {
		p.park(ctx, log, d, p.outOfAttempts(d))
		return nil
	}
	d, err = p.deps.Deliveries.StartAttempt(ctx, d.ID, p.deps.Now())
	if errors.Is(err, domain.ErrConflict) || errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("webhook: unable to start delivery %d: %w", deliveryID, err)
	}
	actx, cancel := context.WithTimeout(ctx, p.cfg.AttemptTimeout)
	defer cancel()
	ev, err := Parse(d.Payload)
	if err != nil {
		err = &permanentError{err}
	} else {
		err = p.apply(actx, log, d, ev)
	}
	var perm *permanentError
	if errors.As(err, &perm) {
		p.park(ctx, log, d, err.Error())
		return nil
	}
	if err != nil {
		if actx.Err() != nil && ctx.Err() == nil {
			err = fmt.Errorf("attempt took longer than %s: %w", p.cfg.AttemptTimeout, err)
		}
		if merr := p.deps.Deliveries.MarkFailed(ctx, d.ID, err.Error()); merr != nil {
			log.Warn("unable to record a failed webhook delivery", "err", merr)
		}
		return fmt.Errorf("webhook: delivery %d: %w", d.ID, err)
	}
	if err := p.deps.Deliveries.MarkProcessed(ctx, d.ID, p.deps.Now()); err != nil && !errors.Is(err, domain.ErrConflict) {
		return fmt.Errorf("webhook: unable to mark delivery %d processed: %w", d.ID, err)
	}
	return nil
}

// apply has the effects of one event. Each is safe to repeat.
func (p *Processor) apply(ctx context.Context, log *slog.Logger, d domain.WebhookDelivery, ev Event) error {
	at := d.ReceivedAt
	switch ev.Type {
	case domain.HookGrab, domain.HookDownload:
		if err := p.outcome(ctx, log, d, ev); err != nil {
			return err
		}
	case domain.HookHealth, domain.HookHealthRestored:
		if err := p.health(ctx, log, d.InstanceID, ev, at); err != nil {
			return err
		}
	case domain.HookManualInteractionRequired:
		if err := p.notify(ctx, domain.EventManualInteraction, d.InstanceID, ev, nil, at); err != nil {
			return err
		}
	case domain.HookTest:
		if err := p.deps.Instances.MarkWebhookTest(ctx, d.InstanceID, at); err != nil {
			return fmt.Errorf("unable to record the webhook test: %w", err)
		}
		if err := p.notify(ctx, domain.EventWebhookTest, d.InstanceID, ev, nil, at); err != nil {
			return err
		}
	}
	if changesLibrary(ev.Type) && p.deps.Wanted != nil {
		p.deps.Wanted.Invalidate(d.InstanceID)
	}
	if !ev.Type.Known() {
		log.Info("webhook event type not acted on")
		return nil
	}
	return p.trigger(ctx, log, d, ev)
}

// changesLibrary reports whether an event changes what the wanted lists
// hold.
func changesLibrary(t domain.WebhookEventType) bool {
	switch t {
	case domain.HookGrab, domain.HookDownload, domain.HookEpisodeFileDelete, domain.HookMovieFileDelete,
		domain.HookSeriesAdd, domain.HookSeriesDelete, domain.HookMovieAdded, domain.HookMovieDelete:
		return true
	}
	return false
}

// outcome records a Grab or Download: matched to the searches of its items,
// counted once per item per run.
func (p *Processor) outcome(ctx context.Context, log *slog.Logger, d domain.WebhookDelivery, ev Event) error {
	items := ev.Items()
	if len(items) == 0 {
		return nil
	}
	key := fmt.Sprintf("delivery:%d", d.ID)
	if ev.DownloadID != "" {
		key = "download:" + ev.DownloadID
	}
	res, err := p.deps.Outcomes.RecordOutcome(ctx, domain.Outcome{
		InstanceID: d.InstanceID, Key: key, EventType: ev.Type, Source: domain.OutcomeFromWebhook, Items: items, At: d.ReceivedAt,
	}, p.cfg.MatchWindow)
	if err != nil {
		return fmt.Errorf("unable to record the outcome: %w", err)
	}
	var runs []int64
	var found []domain.ItemKey
	for _, m := range res.Matches {
		if m.Found {
			found = append(found, m.Item)
			if len(runs) == 0 || runs[len(runs)-1] != m.RunID {
				runs = append(runs, m.RunID)
			}
		}
	}
	log.Info("outcome recorded", "items", len(items), "new", len(res.Matches), "found", len(found))
	if len(found) == 0 {
		return nil
	}
	n := p.notification(d.InstanceID, ev, found, d.ReceivedAt)
	n.RunIDs = runs
	return p.publishNotification(ctx, domain.EventGrabFound, n)
}

// health pauses dispatch on failing indexers and resumes it when the last
// failing indexer check is restored.
func (p *Processor) health(ctx context.Context, log *slog.Logger, instanceID int64, ev Event, at time.Time) error {
	if !ev.IndexerCheck() {
		return nil
	}
	p.mu.Lock()
	set := p.failing[instanceID]
	var pause, resume bool
	switch {
	case ev.IndexerTrouble():
		if set == nil {
			set = map[string]bool{}
			p.failing[instanceID] = set
		}
		set[ev.CheckType] = true
		pause = true
	case ev.Type == domain.HookHealthRestored:
		delete(set, ev.CheckType)
		if len(set) == 0 {
			delete(p.failing, instanceID)
			resume = true
		}
	}
	p.mu.Unlock()
	switch {
	case pause:
		if p.deps.Dispatch != nil {
			p.deps.Dispatch.Pause(instanceID, fmt.Sprintf("%s %s: %s", ev.CheckType, ev.Level, ev.Message))
		}
		log.Warn("indexers failing: dispatch paused", "check", ev.CheckType, "level", ev.Level)
		return p.notify(ctx, domain.EventInstanceUnhealthy, instanceID, ev, nil, at)
	case resume:
		if p.deps.Dispatch != nil {
			p.deps.Dispatch.Resume(instanceID)
		}
		log.Info("indexers restored: dispatch resumed", "check", ev.CheckType)
		return p.notify(ctx, domain.EventInstanceRecovered, instanceID, ev, nil, at)
	}
	return nil
}

func (p *Processor) notification(instanceID int64, ev Event, items []domain.ItemKey, at time.Time) domain.WebhookNotification {
	msg := ev.Message
	if msg == "" {
		msg = ev.DownloadStatus
	}
	return domain.WebhookNotification{InstanceID: instanceID, EventType: ev.Type, Title: ev.Title(), Message: msg,
		Level: ev.Level, Items: items, At: at}
}

func (p *Processor) notify(ctx context.Context, kind domain.EventKind, instanceID int64, ev Event, items []domain.ItemKey, at time.Time) error {
	if items == nil {
		items = ev.Items()
	}
	return p.publishNotification(ctx, kind, p.notification(instanceID, ev, items, at))
}

func (p *Processor) publishNotification(ctx context.Context, kind domain.EventKind, n domain.WebhookNotification) error {
	if err := p.deps.Publisher.Publish(ctx, domain.TopicNotifications, kind, n); err != nil {
		return fmt.Errorf("unable to publish a %s notification: %w", kind, err)
	}
	return nil
}

// permanentError is a failure no retry can mend, such as a subscription
// condition over its evaluation budget: the delivery is parked with it.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }
