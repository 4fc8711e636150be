package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// worker delivers one sink's messages in order, within its rate limit.
type worker struct {
	id    int64
	queue chan Message
	// dropped counts, by kind, the messages the full queue refused; they
	// are reported in the next summary. Guarded by Notifier.mu.
	dropped map[domain.EventKind]int
}

// enqueue hands a message to its sink's worker, starting one if needed. It
// never waits: a full queue counts the message for the next summary.
func (n *Notifier) enqueue(sinkID int64, m Message) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ctx.Err() != nil {
		return
	}
	w := n.workers[sinkID]
	if w == nil {
		w = &worker{id: sinkID, queue: make(chan Message, n.cfg.QueueSize), dropped: map[domain.EventKind]int{}}
		n.workers[sinkID] = w
		n.wg.Add(1)
		go n.work(w)
	}
	select {
	case w.queue <- m:
	default:
		w.dropped[m.Kind]++
	}
}

// takeDropped returns and resets a worker's dropped counts.
func (n *Notifier) takeDropped(w *worker) map[domain.EventKind]int {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(w.dropped) == 0 {
		return nil
	}
	d := w.dropped
	w.dropped = map[domain.EventKind]int{}
	return d
}

// work is a sink's delivery loop. At most the sink's rate of messages go
// out per window; the rest wait, and are sent as one summary as soon as
// the window has room.
func (n *Notifier) work(w *worker) {
	defer n.wg.Done()
	var (
		sent  []time.Time // sends within the current window
		held  []Message
		flush *time.Timer
		fire  <-chan time.Time
	)
	idle := time.NewTimer(n.cfg.IdleTimeout)
	defer idle.Stop()
	room := func(limit int) bool {
		cut := n.deps.Now().Add(-n.cfg.RateWindow)
		for len(sent) > 0 && !sent[0].After(cut) {
			sent = sent[1:]
		}
		return len(sent) < limit
	}
	// arm schedules the flush of held (and dropped) messages for when the
	// window has room.
	arm := func() {
		if fire != nil {
			return
		}
		wait := time.Duration(0)
		if len(sent) > 0 {
			wait = sent[0].Add(n.cfg.RateWindow).Sub(n.deps.Now())
		}
		flush = time.NewTimer(max(wait, 0))
		fire = flush.C
	}
	defer func() {
		if flush != nil {
			flush.Stop()
		}
	}()
	for {
		select {
		case <-n.ctx.Done():
			return
		case m := <-w.queue:
			sink, ok := n.current(w.id, m.Kind)
			if !ok {
				break
			}
			limit := n.rate(sink)
			if len(held) == 0 && room(limit) {
				sent = append(sent, n.deps.Now())
				n.deliver(n.ctx, sink, m)
			} else {
				held = append(held, m)
			}
		case <-fire:
			fire = nil
			sink, err := n.deps.Sinks.Get(n.ctx, w.id)
			if err != nil {
				held = nil
				n.takeDropped(w)
				break
			}
			limit := n.rate(sink)
			if !room(limit) {
				break // arm again below
			}
			dropped := n.takeDropped(w)
			if len(held) == 0 && len(dropped) == 0 {
				break
			}
			m := held
			held = nil
			sent = append(sent, n.deps.Now())
			if len(m) == 1 && len(dropped) == 0 {
				n.deliver(n.ctx, sink, m[0])
			} else {
				n.deliver(n.ctx, sink, summaryMessage(m, dropped, limit, n.deps.Now().UTC()))
			}
		case <-idle.C:
			n.mu.Lock()
			if len(w.queue) == 0 && len(held) == 0 && len(w.dropped) == 0 {
				delete(n.workers, w.id)
				n.mu.Unlock()
				return
			}
			n.mu.Unlock()
		}
		if len(held) > 0 || n.hasDropped(w) {
			arm()
		}
		if !idle.Stop() {
			select {
			case <-idle.C:
			default:
			}
		}
		idle.Reset(n.cfg.IdleTimeout)
	}
}

func (n *Notifier) hasDropped(w *worker) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(w.dropped) > 0
}

// current loads a sink for delivery: a sink deleted, disabled or no longer
// subscribed since the event was routed gets nothing.
func (n *Notifier) current(id int64, kind domain.EventKind) (domain.NotificationSink, bool) {
	sink, err := n.deps.Sinks.Get(n.ctx, id)
	if err != nil {
		if !errors.Is(err, domain.ErrNotFound) {
			n.log.Error("unable to load a notification sink", "sink_id", id, "err", err)
		}
		return domain.NotificationSink{}, false
	}
	return sink, sink.Wants(kind)
}

func (n *Notifier) rate(sink domain.NotificationSink) int {
	if sink.RatePerMinute > 0 {
		return sink.RatePerMinute
	}
	return n.cfg.RatePerMinute
}

// permanentError marks a failure a retry will not fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

func isPermanent(err error) bool {
	var p permanentError
	var s statusError
	return errors.As(err, &p) || (errors.As(err, &s) && s.permanent())
}

// deliver sends a message with retries and backoff, recording the outcome
// of every attempt on the sink. It returns the last error, sanitised.
func (n *Notifier) deliver(ctx context.Context, sink domain.NotificationSink, m Message) error {
	return n.deliverAttempts(ctx, sink, m, n.cfg.Attempts)
}

func (n *Notifier) deliverAttempts(ctx context.Context, sink domain.NotificationSink, m Message, attempts int) error {
	log := n.log.With("sink_id", sink.ID, "kind", m.Kind, "message_id", m.ID)
	target, err := n.deps.Sinks.Target(ctx, sink.ID)
	if err != nil {
		log.Error("unable to read a notification sink's target", "err", err)
		return errors.New("the sink's URL cannot be read")
	}
	backoff := n.cfg.Backoff
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, n.cfg.AttemptTimeout)
		err := n.send(actx, sink, target, m)
		cancel()
		if n.deps.Metrics != nil {
			n.deps.Metrics.NotificationAttempted(string(sink.Kind), err)
		}
		rec := domain.NotificationDelivery{At: n.deps.Now().UTC(), OK: err == nil}
		var safe error
		if err != nil {
			rec.Error = sanitize(err, target)
			if attempts > 1 {
				rec.Error = fmt.Sprintf("attempt %d of %d: %s", attempt, attempts, rec.Error)
			}
			safe = errors.New(rec.Error)
		}
		// The outcome is recorded even when ctx ended (shutdown).
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		if rerr := n.deps.Sinks.RecordDelivery(rctx, sink.ID, rec); rerr != nil && !errors.Is(rerr, domain.ErrNotFound) {
			log.Error("unable to record a notification delivery", "err", rerr)
		}
		rcancel()
		if err == nil {
			log.Debug("notification delivered", "attempt", attempt)
			return nil
		}
		if attempt >= attempts || isPermanent(err) || ctx.Err() != nil {
			log.Warn("notification not delivered", "attempts", attempt, "err", rec.Error)
			return safe
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return safe
		case <-t.C:
		}
		backoff = min(backoff*2, n.cfg.MaxBackoff)
	}
}

// send makes one attempt.
func (n *Notifier) send(ctx context.Context, sink domain.NotificationSink, target domain.NotificationTarget, m Message) error {
	if sink.Kind == domain.SinkWebhook {
		return n.sendWebhook(ctx, sink, target, m)
	}
	return n.sendShoutrrr(ctx, sink.ID, target, m)
}
