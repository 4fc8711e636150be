// Package outcome tracks what became of searches where no webhook tells:
// it polls the grab history of each Sonarr/Radarr instance that sends no
// webhooks and records every grab as an outcome, matched to the search
// that caused it, exactly as the webhook processor records a Grab webhook.
package outcome

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/domain"
)

// Store is what the Poller reads and records. *store.Store implements it.
type Store interface {
	// InstancesWithoutWebhooks lists the instances that never sent a Test
	// webhook and sent no delivery since quietSince.
	InstancesWithoutWebhooks(ctx context.Context, quietSince time.Time) ([]int64, error)
	OutcomePollMark(ctx context.Context, instanceID int64) (time.Time, bool, error)
	SetOutcomePollMark(ctx context.Context, instanceID int64, mark time.Time) error
	RecordOutcome(ctx context.Context, o domain.Outcome, window time.Duration) (domain.OutcomeResult, error)
}

// History reads an instance's grab history since a time (arr.Client's
// History, reached by instance id).
type History interface {
	History(ctx context.Context, instanceID int64, since time.Time) ([]arr.HistoryRecord, error)
}

// HistoryFunc adapts a function to History.
type HistoryFunc func(ctx context.Context, instanceID int64, since time.Time) ([]arr.HistoryRecord, error)

// History calls f.
func (f HistoryFunc) History(ctx context.Context, instanceID int64, since time.Time) ([]arr.HistoryRecord, error) {
	return f(ctx, instanceID, since)
}

// Deps are what the Poller needs; Wanted is optional.
type Deps struct {
	Store   Store
	History History
	// Wanted drops an instance's cached wanted lists after new grabs
	// (*library.Cache).
	Wanted interface{ Invalidate(instanceID int64) }
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Config tunes the Poller; zero fields take the defaults.
type Config struct {
	// Interval between polls of each instance (3 minutes).
	Interval time.Duration
	// Quiet is how long an instance must have sent no webhook to be polled
	// (24 hours).
	Quiet time.Duration
	// MatchWindow is how far back a grab looks for its search, and how far
	// back the first poll of an instance reads
	// (domain.OutcomeMatchWindow).
	MatchWindow time.Duration
}

func (c *Config) setDefaults() {
	if c.Interval <= 0 {
		c.Interval = 3 * time.Minute
	}
	if c.Quiet <= 0 {
		c.Quiet = 24 * time.Hour
	}
	if c.MatchWindow <= 0 {
		c.MatchWindow = domain.OutcomeMatchWindow
	}
}

// Poller polls the grab history of instances without webhooks.
type Poller struct {
	deps Deps
	cfg  Config
	log  *slog.Logger

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// New builds a Poller.
func New(deps Deps, cfg Config) (*Poller, error) {
	if deps.Store == nil || deps.History == nil {
		return nil, errors.New("outcome: the poller needs a Store and a History")
	}
	cfg.setDefaults()
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	return &Poller{deps: deps, cfg: cfg, log: deps.Logger.With("component", "outcome")}, nil
}

// Start polls now and then every Interval, until Stop or ctx ends.
func (p *Poller) Start(ctx context.Context) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		return
	}
	ctx, p.cancel = context.WithCancel(ctx)
	p.done = make(chan struct{})
	go func() {
		defer close(p.done)
		t := time.NewTicker(p.cfg.Interval)
		defer t.Stop()
		for {
			if err := p.PollAll(ctx); err != nil && ctx.Err() == nil {
				p.log.Warn("outcome poll failed", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Stop ends polling and waits for a poll in progress.
func (p *Poller) Stop() {
	p.mu.Lock()
	cancel, done := p.cancel, p.done
	p.cancel = nil
	p.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// PollAll polls every instance without webhooks once. An instance whose
// arr fails is logged and skipped; the error returned is the store's.
func (p *Poller) PollAll(ctx context.Context) error {
	ids, err := p.deps.Store.InstancesWithoutWebhooks(ctx, p.deps.Now().Add(-p.cfg.Quiet))
	if err != nil {
		return fmt.Errorf("outcome: %w", err)
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			return nil
		}
		if _, err := p.Poll(ctx, id); err != nil {
			p.log.Warn("unable to poll the grab history", "instance_id", id, "err", err)
		}
	}
	return nil
}

// Poll reads one instance's grabs since its last poll and records them; it
// returns how many items were counted found in their runs. A record read
// twice (history/since includes its start) is recorded once.
func (p *Poller) Poll(ctx context.Context, instanceID int64) (found int, err error) {
	since, ok, err := p.deps.Store.OutcomePollMark(ctx, instanceID)
	if err != nil {
		return 0, fmt.Errorf("outcome: %w", err)
	}
	if !ok {
		since = p.deps.Now().Add(-p.cfg.MatchWindow)
	}
	records, err := p.deps.History.History(ctx, instanceID, since)
	if err != nil {
		return 0, fmt.Errorf("outcome: read the history of instance %d: %w", instanceID, err)
	}
	mark, fresh := since, 0
	for _, r := range records {
		if r.EventType != arr.HistoryEventGrabbed {
			continue
		}
		key, ok := r.ItemKey()
		if !ok {
			continue
		}
		at := r.Date.Time
		if at.IsZero() {
			at = p.deps.Now()
		}
		res, err := p.deps.Store.RecordOutcome(ctx, domain.Outcome{
			InstanceID: instanceID, Key: grabKey(r), EventType: domain.HookGrab, Source: domain.OutcomeFromHistory,
			Items: []domain.ItemKey{key}, At: at,
		}, p.cfg.MatchWindow)
		if err != nil {
			return found, fmt.Errorf("outcome: %w", err)
		}
		fresh += len(res.Matches)
		found += res.Found()
		if at.After(mark) {
			mark = at
		}
	}
	if err := p.deps.Store.SetOutcomePollMark(ctx, instanceID, mark); err != nil {
		return found, fmt.Errorf("outcome: %w", err)
	}
	if fresh > 0 {
		if p.deps.Wanted != nil {
			p.deps.Wanted.Invalidate(instanceID)
		}
		p.log.Info("grabs read from the history", "instance_id", instanceID, "new", fresh, "found", found)
	}
	return found, nil
}

// grabKey is the outcome key of a history record: its download id, the
// same key a Grab webhook of that download gets, else the record's id.
func grabKey(r arr.HistoryRecord) string {
	if r.DownloadID != "" {
		return "download:" + r.DownloadID
	}
	return "history:" + strconv.FormatInt(r.ID, 10)
}

// ArrHistory reads the grab history with each instance's arr client, as
// connect returns it.
func ArrHistory(connect func(ctx context.Context, instanceID int64) (*arr.Client, error)) History {
	return HistoryFunc(func(ctx context.Context, instanceID int64, since time.Time) ([]arr.HistoryRecord, error) {
		cl, err := connect(ctx, instanceID)
		if err != nil {
			return nil, err
		}
		return cl.History(ctx, since)
	})
}
