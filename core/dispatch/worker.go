package dispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/vibequality/searcharr/core/domain"
)

// sendTimeout bounds sending one command and recording it.
const sendTimeout = 2 * time.Minute

// errHeld says a command was not sent because something holds the instance
// back; the worker has already waited and looks again.
var errHeld = errors.New("dispatch: held back")

// run sends the instance's pending commands until there are none left.
func (in *instance) run(ctx context.Context) {
	log := in.d.log.With("instance_id", in.id)
	keeper := in.takeLease(ctx)
	defer func() { keeper.release() }()
	failures := 0
	for {
		n, err := in.drain(ctx, log)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			wait := in.backoff(failures, err)
			failures++
			in.mu.Lock()
			in.lastError = err.Error()
			in.mu.Unlock()
			log.Warn("dispatch paused after an error", "error", err, "retry_in", wait)
			in.sleep(ctx, wait, nil)
			continue
		}
		if n > 0 {
			failures = 0
			in.mu.Lock()
			in.lastError = ""
			in.mu.Unlock()
		}
		if n == 0 {
			// The lease is given up before the worker retires, so a
			// worker started after it never has its lease released
			// under it.
			keeper.release()
			keeper = nil
			if in.d.retire(in) {
				return
			}
			keeper = in.takeLease(ctx)
		}
	}
}

// backoff is the wait after the failures-th error in a row: doubling from
// RetryDelay up to MaxRetryDelay, or longer when the arr asked for it.
func (in *instance) backoff(failures int, err error) time.Duration {
	cfg := in.d.cfg
	wait := cfg.RetryDelay << min(failures, 20)
	if wait <= 0 || wait > cfg.MaxRetryDelay {
		wait = cfg.MaxRetryDelay
	}
	if ra := retryAfter(err); ra > wait {
		wait = ra
	}
	return wait
}

// drain sends pending commands, in fair order, and returns how many it
// handled. It returns 0 and no error only when nothing is pending.
func (in *instance) drain(ctx context.Context, log *slog.Logger) (int, error) {
	store := in.d.deps.Store
	handled := 0
	for {
		if err := in.expireStale(ctx, log); err != nil {
			return handled, err
		}
		in.mu.Lock()
		after := in.lastQueue
		in.mu.Unlock()
		cmds, err := store.FairPendingCommands(ctx, in.id, after, in.d.cfg.BatchSize)
		if err != nil {
			return handled, err
		}
		if len(cmds) == 0 {
			return handled, nil
		}
		inst, err := store.GetInstance(ctx, in.id)
		if err != nil {
			return handled, err
		}
		in.setLimits(inst)
		sender, err := in.d.deps.Connector.Connect(ctx, in.id)
		if err != nil {
			return handled, err
		}
		list := make([]decoded, len(cmds))
		for i, p := range cmds {
			list[i].p = p
			list[i].c, list[i].err = domain.DecodeCommandBody(p.Body)
		}
		limit := min(in.limiter.Burst(), in.d.cfg.BatchSize)
		for len(list) > 0 {
			b, bad, rest := nextBatch(list, limit)
			list = rest
			var err error
			if bad != nil {
				err = in.fail(ctx, b, bad.Error())
			} else {
				err = in.dispatch(ctx, log, inst, sender, b)
			}
			if errors.Is(err, errHeld) {
				// Read again: settings, pending commands and the
				// round robin may have changed while waiting.
				handled++
				break
			}
			if err != nil {
				return handled, err
			}
			handled += len(b.cmds)
		}
	}
}

// dispatch carries one batch (most often one command) through every check
// to the arr.
func (in *instance) dispatch(ctx context.Context, log *slog.Logger, inst domain.Instance, sender Sender, b batch) error {
	d := in.d
	if cid := b.cmds[0].CorrelationID; cid != "" {
		ctx = domain.WithCorrelationID(ctx, cid)
	}
	if err := in.leased(ctx); err != nil {
		return err
	}
	if err := in.hold(ctx, inst, sender); err != nil {
		return err
	}
	waitStart := time.Now()
	if err := in.waitTokens(ctx, b.cost); err != nil {
		return err
	}
	if d.deps.Metrics != nil {
		d.deps.Metrics.RateLimitWaited(in.id, time.Since(waitStart))
	}
	// The tokens may have taken long enough for the lease to lapse.
	if err := in.leased(ctx); err != nil {
		return err
	}
	b, wait, err := in.reserve(ctx, inst, b)
	var over errOverCap
	if errors.As(err, &over) {
		log.WarnContext(ctx, "command refused: over the cap", "command_id", b.cmds[0].ID, "error", err)
		return in.fail(ctx, b, over.Error())
	}
	if err != nil {
		return err
	}
	if !wait.IsZero() {
		in.mu.Lock()
		first := in.capUntil.IsZero()
		in.capUntil = wait
		in.mu.Unlock()
		if first {
			in.announceExhausted(ctx, inst, wait)
		}
		log.DebugContext(ctx, "cap reached", "command_id", b.cmds[0].ID, "until", wait)
		in.sleep(ctx, min(wait.Sub(d.now()), d.cfg.HoldCheckInterval), nil)
		return errHeld
	}
	in.mu.Lock()
	in.capUntil = time.Time{}
	in.lastQueue = b.cmds[len(b.cmds)-1].QueueID
	in.mu.Unlock()
	return in.send(ctx, log, sender, b)
}

// waitTokens takes cost tokens of the instance's bucket, one per indexer
// search, waiting for them; a cost above the burst is taken a burst at a
// time.
func (in *instance) waitTokens(ctx context.Context, cost int) error {
	for cost > 0 {
		n := min(cost, max(in.limiter.Burst(), 1))
		if err := in.limiter.WaitN(ctx, n); err != nil {
			return err
		}
		cost -= n
	}
	return nil
}

// hold waits while the instance is paused, its breaker open, its commands
// in flight at the limit or its download queue too long; it returns
// errHeld after such a wait, nil when the command may go.
func (in *instance) hold(ctx context.Context, inst domain.Instance, sender Sender) error {
	d := in.d
	in.mu.Lock()
	paused, inflight, queueAt := in.paused, in.inFlightLocked(), in.queueAt
	in.mu.Unlock()
	openedAt := time.Unix(0, in.openedAt.Load())
	switch {
	case paused:
		in.sleep(ctx, d.cfg.HoldCheckInterval, nil)
		return errHeld
	case in.breaker.State() == gobreaker.StateOpen:
		in.sleep(ctx, min(time.Until(openedAt.Add(d.cfg.BreakerOpenFor))+time.Millisecond, d.cfg.HoldCheckInterval), nil)
		return errHeld
	case inflight >= in.maxInFlight(inst):
		in.sleep(ctx, d.cfg.HoldCheckInterval, in.freed)
		return errHeld
	}
	if inst.MaxQueueSize <= 0 {
		return nil
	}
	in.mu.Lock()
	gated := in.queueGated
	in.mu.Unlock()
	if !gated && time.Since(queueAt) < d.cfg.QueueCheckInterval {
		return nil
	}
	var size int
	err := in.call(func() (err error) {
		size, err = sender.QueueSize(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("dispatch: unable to read the download queue: %w", err)
	}
	in.mu.Lock()
	in.queueSize, in.queueAt, in.queueGated = size, time.Now(), size > inst.MaxQueueSize
	in.mu.Unlock()
	if size > inst.MaxQueueSize {
		in.sleep(ctx, d.cfg.QueueCheckInterval, nil)
		return errHeld
	}
	return nil
}

// send posts a batch, after settling with the arr's command list a batch
// whose earlier POST may have arrived, and records the outcome. A command
// the arr refuses for good is failed; an error that may pass leaves the
// batch pending (and attempted, so it is reconciled before the next POST)
// and is returned so the worker backs off.
func (in *instance) send(ctx context.Context, log *slog.Logger, sender Sender, b batch) error {
	first := b.cmds[0]
	log = log.With("command_id", first.ID, "command", b.command.Name, "run_id", first.RunID)
	if len(b.cmds) > 1 {
		log = log.With("batch", b.ids())
	}
	// Once a command is on its way it is seen through: stopping the
	// dispatcher must not leave a command sent but unrecorded.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	if b.attempted() {
		found, err := in.reconcile(ctx, log, sender, b)
		if err != nil || found {
			return err
		}
	}
	var arrID int64
	err := in.call(func() (err error) {
		arrID, err = sender.SendCommand(ctx, b.command)
		return err
	})
	if err != nil {
		if Retryable(err) {
			for _, p := range b.cmds {
				if nerr := in.d.deps.Store.NoteCommandError(ctx, p.ID, err.Error()); nerr != nil {
					log.WarnContext(ctx, "send error not recorded", "error", nerr)
				}
			}
			return fmt.Errorf("dispatch: command %d not sent: %w", first.ID, err)
		}
		log.WarnContext(ctx, "command refused", "error", err)
		return in.fail(ctx, b, err.Error())
	}
	return in.recordSent(ctx, log, b, arrID, nil)
}

// recordSent records that the arr holds a batch's command under arrID,
// with its items' cooldown, and follows it until it ends. A command the
// arr already reports ended (found by reconciliation) is ended at once.
func (in *instance) recordSent(ctx context.Context, log *slog.Logger, b batch, arrID int64, ended *ArrCommand) error {
	deps := in.d.deps
	now := in.d.now()
	cooldowns := map[int64]time.Duration{}
	recs := make([]domain.DispatchRecord, len(b.cmds))
	for i, p := range b.cmds {
		cooldown, ok := cooldowns[p.QueueID]
		if !ok {
			var err error
			cooldown, err = deps.Store.CooldownFor(ctx, p.QueueID)
			if err != nil || cooldown <= 0 {
				cooldown = in.d.cfg.DefaultCooldown
			}
			cooldowns[p.QueueID] = cooldown
		}
		recs[i] = domain.DispatchRecord{CommandID: p.ID, ArrCommandID: arrID, SentAt: now, CooldownUntil: now.Add(cooldown)}
	}
	if err := deps.Store.RecordDispatch(ctx, recs...); err != nil {
		return err
	}
	log.InfoContext(ctx, "command sent", "arr_command_id", arrID, "cost", b.cost)
	sent := make([]domain.DispatchedCommand, len(b.cmds))
	for i, p := range b.cmds {
		cmd := p.DispatchedCommand
		cmd.Status, cmd.ArrCommandID, cmd.SentAt = domain.CommandSent, arrID, &now
		sent[i] = cmd
		if deps.Metrics != nil {
			deps.Metrics.CommandSent(cmd.InstanceID, cmd.Strategy, string(cmd.Name), cmd.Cost)
		}
		if deps.Publisher != nil {
			ev := domain.DispatchedEvent{
				CommandID: cmd.ID, RunID: cmd.RunID, InstanceID: cmd.InstanceID, Command: cmd.Name,
				ArrCommandID: arrID, Cost: cmd.Cost, Items: cmd.Items, At: now,
			}
			if err := deps.Publisher.Publish(ctx, domain.TopicDispatched, domain.EventDispatched, ev); err != nil {
				log.WarnContext(ctx, "dispatched event not published", "error", err)
			}
		}
	}
	for _, cmd := range sent {
		if ended != nil {
			in.end(ctx, log, cmd, *ended)
		} else {
			in.adopt(cmd)
		}
	}
	if ended == nil {
		in.startTracker()
	}
	for _, cmd := range sent {
		if err := in.handled(ctx, cmd); err != nil {
			return err
		}
	}
	return nil
}

// fail ends every command of a batch as failed.
func (in *instance) fail(ctx context.Context, b batch, reason string) error {
	for _, p := range b.cmds {
		if err := in.d.deps.Store.EndCommand(ctx, p.ID, domain.CommandFailed, reason, in.d.now()); err != nil {
			return err
		}
		if err := in.handled(ctx, p.DispatchedCommand); err != nil {
			return err
		}
	}
	return nil
}

func (in *instance) handled(ctx context.Context, cmd domain.DispatchedCommand) error {
	if cmd.RunID == 0 || in.d.deps.Runs == nil {
		return nil
	}
	return in.d.deps.Runs.CommandHandled(ctx, cmd.RunID)
}

// expireStale records as expired the commands that waited longer than the
// pending expiry, with what held them back, checked once a HoldCheckInterval.
func (in *instance) expireStale(ctx context.Context, log *slog.Logger) error {
	d := in.d
	if !in.holdsLease() {
		// The holder of the lease expires the instance's commands.
		return nil
	}
	now := d.now()
	open := in.breaker.State() == gobreaker.StateOpen
	in.mu.Lock()
	due := now.Sub(in.lastExpiry) >= d.cfg.HoldCheckInterval || now.Before(in.lastExpiry)
	reason := in.holdReasonLocked(open)
	in.mu.Unlock()
	if !due {
		return nil
	}
	msg := fmt.Sprintf("not sent within %s", d.cfg.PendingExpiry)
	if reason != "" {
		msg += ": " + reason
	}
	expired, err := d.deps.Store.ExpirePendingCommands(ctx, in.id, now.Add(-d.cfg.PendingExpiry), msg, now)
	if err != nil {
		return err
	}
	in.mu.Lock()
	in.lastExpiry = now
	in.mu.Unlock()
	for _, c := range expired {
		cctx := ctx
		if c.CorrelationID != "" {
			cctx = domain.WithCorrelationID(ctx, c.CorrelationID)
		}
		log.WarnContext(cctx, "command expired", "command_id", c.ID, "reason", msg)
		if err := in.handled(cctx, c); err != nil {
			return err
		}
	}
	return nil
}

// holdReasonLocked describes what holds the instance back now, if
// anything. The caller holds in.mu.
func (in *instance) holdReasonLocked(breakerOpen bool) string {
	switch {
	case in.paused:
		return "dispatch paused: " + in.pauseReason
	case breakerOpen:
		return "the instance kept failing: " + in.lastError
	case in.lastError != "":
		return "the instance failed: " + in.lastError
	case in.capUntil.After(in.d.now()):
		return "the hourly or daily cap was used up"
	case in.queueGated:
		return fmt.Sprintf("the download queue held %d records", in.queueSize)
	}
	return ""
}

// announceExhausted tells notification sinks, once each time the instance
// reaches a cap, that its budget is spent until resetsAt.
func (in *instance) announceExhausted(ctx context.Context, inst domain.Instance, resetsAt time.Time) {
	d := in.d
	if d.deps.Publisher == nil {
		return
	}
	window, limit := "hourly", inst.HourlyCap
	if inst.DailyCap > 0 && (inst.HourlyCap == 0 || resetsAt.Sub(d.now()) > hourWindow) {
		window, limit = "daily", inst.DailyCap
	}
	ev := domain.BudgetExhaustedEvent{
		InstanceID: inst.ID, OwnerID: inst.OwnerID, BudgetGroup: inst.BudgetGroup,
		Window: window, Limit: limit, Used: limit, ResetsAt: &resetsAt, At: d.now(),
	}
	if err := d.deps.Publisher.Publish(ctx, domain.TopicNotifications, domain.EventBudgetExhausted, ev); err != nil {
		d.log.WarnContext(ctx, "budget notification not published", "instance_id", inst.ID, "error", err)
	}
}
