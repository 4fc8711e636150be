package fakearr

import (
	"net/http"
	"time"
)

// handleCommands serves GET command: commands still active or ended in the
// last five minutes.
func (in *Instance) handleCommands(w http.ResponseWriter) {
	in.mu.Lock()
	now := in.now()
	out := []commandResource{}
	for _, c := range in.commands {
		if c.active() || now.Sub(c.ended) <= 5*time.Minute {
			out = append(out, c.resource())
		}
	}
	in.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// handleCommandByID serves GET command/{id}; ended commands are forgotten
// after a day.
func (in *Instance) handleCommandByID(w http.ResponseWriter, id int) {
	in.mu.Lock()
	c := in.commandByID(id)
	if c == nil || (!c.active() && in.now().Sub(c.ended) > 24*time.Hour) {
		in.mu.Unlock()
		writeNotFound(w, in.nextTrace())
		return
	}
	res := c.resource()
	in.mu.Unlock()
	writeJSON(w, http.StatusOK, res)
}

// handleCancelCommand serves DELETE command/{id}: only a queued command can
// be cancelled.
func (in *Instance) handleCancelCommand(w http.ResponseWriter, id int) {
	in.mu.Lock()
	c := in.commandByID(id)
	switch {
	case c == nil:
		in.mu.Unlock()
		writeNotFound(w, in.nextTrace())
	case c.status != "queued":
		in.mu.Unlock()
		writeError(w, http.StatusConflict, "Unable to cancel task", "")
	default:
		c.status, c.result, c.ended, c.message = "cancelled", "unsuccessful", in.now(), "Cancelled"
		in.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}
}

func (in *Instance) commandByID(id int) *command {
	if id < 1 || id > len(in.commands) {
		return nil
	}
	return in.commands[id-1]
}

// runCommands starts queued commands (three at a time) and completes the
// running ones whose duration has passed, in time order. The caller holds
// the lock.
func (in *Instance) runCommands(now time.Time) {
	var slotFree time.Time
	for {
		running := 0
		for _, c := range in.commands {
			if c.status == "started" {
				running++
			}
		}
		for _, c := range in.commands {
			if running >= executorThreads {
				break
			}
			if c.status == "queued" {
				start := c.queued
				if slotFree.After(start) {
					start = slotFree
				}
				c.status, c.started = "started", start
				running++
			}
		}
		var next *command
		for _, c := range in.commands {
			if c.status == "started" && (next == nil || c.started.Add(in.cfg.CommandDuration).Before(next.started.Add(in.cfg.CommandDuration))) {
				next = c
			}
		}
		if next == nil {
			return
		}
		end := next.started.Add(in.cfg.CommandDuration)
		if end.After(now) {
			in.wakeAt(end)
			return
		}
		in.execute(next, end)
		slotFree = end
	}
}
