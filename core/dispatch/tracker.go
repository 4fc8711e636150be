package dispatch

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// track follows the instance's commands in flight through command/{id}
// until each ends or times out, records how it ended and frees its slot.
// It returns when nothing is in flight.
func (in *instance) track(ctx context.Context) {
	d := in.d
	log := d.log.With("instance_id", in.id)
	for {
		in.mu.Lock()
		cmds := make([]domain.DispatchedCommand, 0, len(in.inflight))
		for _, c := range in.inflight {
			cmds = append(cmds, c)
		}
		in.mu.Unlock()
		if len(cmds) == 0 {
			d.mu.Lock()
			if in.inFlight() == 0 {
				in.tracking = false
				d.mu.Unlock()
				return
			}
			d.mu.Unlock()
			continue
		}
		in.poll(ctx, log, cmds)
		t := time.NewTimer(d.cfg.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			d.mu.Lock()
			in.tracking = false
			d.mu.Unlock()
			return
		case <-t.C:
		}
	}
}

// poll reads each command once.
func (in *instance) poll(ctx context.Context, log *slog.Logger, cmds []domain.DispatchedCommand) {
	d := in.d
	sender, err := d.deps.Connector.Connect(ctx, in.id)
	if err != nil {
		log.Warn("commands in flight not checked", "error", err)
		return
	}
	for _, c := range cmds {
		ctx := ctx
		if c.CorrelationID != "" {
			ctx = domain.WithCorrelationID(ctx, c.CorrelationID)
		}
		if c.SentAt != nil && d.now().Sub(*c.SentAt) > d.cfg.InFlightTimeout {
			in.finish(ctx, log, c, domain.CommandExpired,
				fmt.Sprintf("the arr did not finish command %d within %s", c.ArrCommandID, d.cfg.InFlightTimeout))
			continue
		}
		if c.ArrCommandID <= 0 {
			in.finish(ctx, log, c, domain.CommandExpired, "the arr gave the command no id to follow")
			continue
		}
		var st ArrCommand
		err := in.call(func() (err error) {
			st, err = sender.CommandStatus(ctx, c.ArrCommandID)
			return err
		})
		switch {
		case notFound(err):
			in.finish(ctx, log, c, domain.CommandExpired, fmt.Sprintf("the arr no longer knows command %d", c.ArrCommandID))
		case err != nil:
			if ctx.Err() != nil {
				return
			}
			log.DebugContext(ctx, "command in flight not read", "command_id", c.ID, "error", err)
		case st.Done():
			in.end(ctx, log, c, st)
		}
	}
}

// end records how the arr says a command ended.
func (in *instance) end(ctx context.Context, log *slog.Logger, c domain.DispatchedCommand, st ArrCommand) {
	if st.Succeeded() {
		in.finish(ctx, log, c, domain.CommandCompleted, "")
		return
	}
	reason := fmt.Sprintf("the arr reports the command %s", st.Status)
	if st.Message != "" {
		reason += ": " + st.Message
	}
	in.finish(ctx, log, c, domain.CommandFailed, reason)
}

// finish records a command's end and frees its slot. A command already
// ended (by an earlier process) just leaves the set.
func (in *instance) finish(ctx context.Context, log *slog.Logger, c domain.DispatchedCommand, status domain.CommandStatus, reason string) {
	if err := in.d.deps.Store.EndCommand(ctx, c.ID, status, reason, in.d.now()); err != nil && !isConflict(err) {
		log.WarnContext(ctx, "command end not recorded", "command_id", c.ID, "error", err)
		return
	}
	if status != domain.CommandCompleted {
		log.InfoContext(ctx, "command ended", "command_id", c.ID, "status", status, "reason", reason)
	}
	in.mu.Lock()
	delete(in.inflight, c.ID)
	in.mu.Unlock()
	in.signalFreed()
}
