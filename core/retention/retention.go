// Package retention bounds what only grows: at start and then every
// Interval it deletes what is older than its retention from the database
// (history, dispatched commands, grabs, processed webhook deliveries,
// expired refresh tokens) and from the event bus's log topics. Every
// deletion is idempotent, so each replica sharing a PostgreSQL database
// runs its own pruner.
package retention

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// Store deletes what is past its retention.
type Store interface {
	Prune(ctx context.Context, r domain.Retention, now time.Time) (domain.Pruned, error)
}

// Events deletes bus messages older than a retention. *bus.Bus implements
// it.
type Events interface {
	Prune(ctx context.Context, olderThan time.Duration) (int64, error)
}

// Deps are the pruner's collaborators.
type Deps struct {
	Store  Store
	Events Events
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Config says what is kept how long. Zero Interval and Events take the
// defaults; zero History or Webhooks keep those forever.
type Config struct {
	domain.Retention
	// Events (24h) bounds the messages of the bus's log topics.
	Events time.Duration
	// Interval (1h) is the time between passes.
	Interval time.Duration
}

// Pruner runs the passes.
type Pruner struct {
	deps   Deps
	cfg    Config
	log    *slog.Logger
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New returns a pruner; Start runs it.
func New(deps Deps, cfg Config) (*Pruner, error) {
	if deps.Store == nil {
		return nil, errors.New("retention: a store is required")
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if cfg.Interval <= 0 {
		cfg.Interval = time.Hour
	}
	if cfg.Events <= 0 {
		cfg.Events = 24 * time.Hour
	}
	return &Pruner{deps: deps, cfg: cfg, log: deps.Logger.With("component", "retention")}, nil
}

// Start runs a pass now and then every Interval until ctx ends or Stop.
func (p *Pruner) Start(ctx context.Context) {
	ctx, p.cancel = context.WithCancel(ctx)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(p.cfg.Interval)
		defer t.Stop()
		for {
			if err := p.Pass(ctx); err != nil && ctx.Err() == nil {
				p.log.Warn("retention pass failed", "error", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Stop ends the passes and waits for the one in progress.
func (p *Pruner) Stop() {
	if p.cancel != nil {
		p.cancel()
	}
	p.wg.Wait()
}

// Pass deletes once what is past its retention.
func (p *Pruner) Pass(ctx context.Context) error {
	pruned, err := p.deps.Store.Prune(ctx, p.cfg.Retention, p.deps.Now())
	if err != nil {
		return err
	}
	if p.deps.Events != nil {
		n, err := p.deps.Events.Prune(ctx, p.cfg.Events)
		if err != nil {
			return err
		}
		pruned["bus_messages"] = n
	}
	total := int64(0)
	for _, n := range pruned {
		total += n
	}
	if total > 0 {
		attrs := make([]any, 0, 2*len(pruned))
		for table, n := range pruned {
			if n > 0 {
				attrs = append(attrs, table, n)
			}
		}
		p.log.Info("old rows deleted", attrs...)
	}
	return nil
}
