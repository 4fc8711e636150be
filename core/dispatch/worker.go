package dispatch

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// sendTimeout bounds sending one command and recording it.
const sendTimeout = 2 * time.Minute

// worker sends one instance's pending commands in order.
type worker struct {
	d          *Dispatcher
	instanceID int64
	wake       chan struct{}
}

func (w *worker) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *worker) run(ctx context.Context) {
	log := w.d.log.With("instance_id", w.instanceID)
	for {
		n, err := w.drain(ctx, log)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			log.Warn("dispatch paused after an error", "error", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(w.d.cfg.RetryDelay):
			case <-w.wake:
			}
			continue
		}
		if n == 0 && w.d.retire(w) {
			return
		}
	}
}

// drain sends every pending command of the instance and returns how many it
// handled.
func (w *worker) drain(ctx context.Context, log *slog.Logger) (int, error) {
	store := w.d.deps.Store
	handled := 0
	for {
		cmds, err := store.PendingCommands(ctx, w.instanceID, w.d.cfg.BatchSize)
		if err != nil {
			return handled, err
		}
		if len(cmds) == 0 {
			return handled, nil
		}
		inst, err := store.GetInstance(ctx, w.instanceID)
		if err != nil {
			return handled, err
		}
		sender, err := w.d.deps.Connector.Connect(ctx, w.instanceID)
		if err != nil {
			return handled, err
		}
		limiter := w.d.limiter(inst)
		for _, cmd := range cmds {
			if err := limiter.Wait(ctx); err != nil {
				return handled, err
			}
			if err := w.send(ctx, log, sender, cmd); err != nil {
				return handled, err
			}
			handled++
		}
	}
}

// send posts one command and records the outcome. A command the arr
// refuses for good is failed; an error that may pass (the arr unreachable,
// a timeout) leaves it pending and returns the error so the worker backs off.
func (w *worker) send(ctx context.Context, log *slog.Logger, sender Sender, cmd domain.DispatchedCommand) error {
	deps := w.d.deps
	log = log.With("command_id", cmd.ID, "command", cmd.Name, "run_id", cmd.RunID)
	c, err := domain.DecodeCommandBody(cmd.Body)
	if err != nil {
		return w.fail(ctx, cmd, err.Error())
	}
	// Once a command is on its way it is seen through: stopping the
	// dispatcher must not leave a command sent but unrecorded.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	arrID, err := sender.SendCommand(ctx, c)
	if err != nil {
		if Retryable(err) {
			return err
		}
		log.Warn("command refused", "error", err)
		return w.fail(ctx, cmd, err.Error())
	}
	cooldown, err := deps.Store.CooldownFor(ctx, cmd.QueueID)
	if err != nil || cooldown <= 0 {
		cooldown = w.d.cfg.DefaultCooldown
	}
	now := deps.Now().UTC()
	if err := deps.Store.RecordDispatch(ctx, domain.DispatchRecord{
		CommandID:     cmd.ID,
		ArrCommandID:  arrID,
		SentAt:        now,
		CooldownUntil: now.Add(cooldown),
	}); err != nil {
		return err
	}
	log.Info("command sent", "arr_command_id", arrID, "cost", cmd.Cost)
	if deps.Publisher != nil {
		ev := domain.DispatchedEvent{
			CommandID: cmd.ID, RunID: cmd.RunID, InstanceID: cmd.InstanceID, Command: cmd.Name,
			ArrCommandID: arrID, Cost: cmd.Cost, Items: cmd.Items, At: now,
		}
		if err := deps.Publisher.Publish(ctx, domain.TopicDispatched, domain.EventDispatched, ev); err != nil {
			log.Warn("dispatched event not published", "error", err)
		}
	}
	return w.handled(ctx, cmd)
}

func (w *worker) fail(ctx context.Context, cmd domain.DispatchedCommand, reason string) error {
	if err := w.d.deps.Store.FailCommand(ctx, cmd.ID, reason); err != nil {
		return err
	}
	return w.handled(ctx, cmd)
}

func (w *worker) handled(ctx context.Context, cmd domain.DispatchedCommand) error {
	if cmd.RunID == 0 || w.d.deps.Runs == nil {
		return nil
	}
	return w.d.deps.Runs.CommandHandled(ctx, cmd.RunID)
}

// Retryable reports whether a send error may pass on its own, so the
// command should stay pending rather than fail. Errors that implement
// Temporary() bool decide for themselves; context errors are retryable.
func Retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var t interface{ Temporary() bool }
	if errors.As(err, &t) {
		return t.Temporary()
	}
	return false
}
