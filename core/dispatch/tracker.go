package dispatch

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// track follows the instance's commands in flight until each ends or
// times out, records how it ended and frees its slot. It reads them all
// with one request for the arr's command list, FastPollInterval after a
// send and then less often while nothing changes, up to PollInterval, so a
// short command frees its slot in about FastPollInterval and a long one
// costs a request every PollInterval. It returns when nothing is in flight.
func (in *instance) track(ctx context.Context) {
	d := in.d
	log := d.log.With("instance_id", in.id)
	interval := d.cfg.FastPollInterval
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
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			d.mu.Lock()
			in.tracking = false
			d.mu.Unlock()
			return
		case <-t.C:
		case <-in.sent:
			// A new command: look again soon, it may be short.
			t.Stop()
			interval = d.cfg.FastPollInterval
			continue
		}
		if in.poll(ctx, log, cmds) {
			interval = d.cfg.FastPollInterval
		} else {
			interval = min(2*interval, d.cfg.PollInterval)
		}
	}
}

// poll reads the commands in flight once, from the arr's command list (one
// request for all of them), and reads one by one only those the list no
// longer holds (it keeps ended commands for a few minutes). It reports
// whether any command ended.
func (in *instance) poll(ctx context.Context, log *slog.Logger, cmds []domain.DispatchedCommand) bool {
	d := in.d
	sender, err := d.deps.Connector.Connect(ctx, in.id)
	if err != nil {
		log.Warn("commands in flight not checked", "error", err)
		return false
	}
	var listed map[int64]ArrCommand
	var list []ArrCommand
	if err := in.call(func() (err error) {
		list, err = sender.RecentCommands(ctx)
		return err
	}); err != nil {
		if ctx.Err() != nil {
			return false
		}
		log.DebugContext(ctx, "command list not read; reading commands one by one", "error", err)
	} else {
		listed = make(map[int64]ArrCommand, len(list))
		for _, a := range list {
			listed[a.ID] = a
		}
	}
	// Commands of one batch share their arr command: it is read once.
	read := map[int64]ArrCommand{}
	missing := map[int64]bool{}
	changed := false
	for _, c := range cmds {
		ctx := ctx
		if c.CorrelationID != "" {
			ctx = domain.WithCorrelationID(ctx, c.CorrelationID)
		}
		if c.SentAt != nil && d.now().Sub(*c.SentAt) > d.cfg.InFlightTimeout {
			in.finish(ctx, log, c, domain.CommandExpired,
				fmt.Sprintf("the arr did not finish command %d within %s", c.ArrCommandID, d.cfg.InFlightTimeout))
			changed = true
			continue
		}
		if c.ArrCommandID <= 0 {
			in.finish(ctx, log, c, domain.CommandExpired, "the arr gave the command no id to follow")
			changed = true
			continue
		}
		st, ok := listed[c.ArrCommandID]
		if !ok {
			st, ok = read[c.ArrCommandID]
		}
		if !ok && !missing[c.ArrCommandID] {
			err := in.call(func() (err error) {
				st, err = sender.CommandStatus(ctx, c.ArrCommandID)
				return err
			})
			switch {
			case notFound(err):
				missing[c.ArrCommandID] = true
			case err != nil:
				if ctx.Err() != nil {
					return changed
				}
				log.DebugContext(ctx, "command in flight not read", "command_id", c.ID, "error", err)
				continue
			default:
				read[c.ArrCommandID], ok = st, true
			}
		}
		switch {
		case missing[c.ArrCommandID]:
			in.finish(ctx, log, c, domain.CommandExpired, fmt.Sprintf("the arr no longer knows command %d", c.ArrCommandID))
			changed = true
		case ok && st.Done():
			in.end(ctx, log, c, st)
			changed = true
		}
	}
	return changed
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
