package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// A run's life has one owner at a time: the engine of the process that
// claimed its queue's lease, and in that process the one goroutine that
// registered it as active. The owner ends the run and releases its queue
// on every exit path, or, when its process stops, leaves both to the next
// start (Recover), which resumes the run where it was: planned again when
// its plan was never written, settled by its commands when it was.

// newBoot returns a random name for this process start.
func newBoot() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// begin registers runID as executed by this process; false when it
// already is.
func (e *Engine) begin(runID int64) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.active[runID] {
		return false
	}
	e.active[runID] = true
	return true
}

func (e *Engine) done(runID int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.active, runID)
}

// claim is this process's claim on a queue lease, valid for a lease from
// now.
func (e *Engine) claim() domain.RunClaim {
	return domain.RunClaim{
		Holder: e.cfg.Holder, Boot: e.boot, Exclusive: e.cfg.Exclusive,
		Until: e.deps.Now().UTC().Add(e.cfg.Lease),
	}
}

// stopping reports whether Stop was called.
func (e *Engine) stopping() bool { return e.base.Err() != nil }

// launch executes a run in the background, under the engine's own
// context: it outlives the message that brought it, and ends with Stop.
func (e *Engine) launch(correlationID string, run domain.Run, q domain.Queue, ev domain.TriggerEvent) {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		ctx := domain.WithCorrelationID(e.base, correlationID)
		if err := e.execute(ctx, run, q, ev); err != nil {
			e.log.ErrorContext(ctx, "run not executed", "queue_id", q.ID, "run_id", run.ID, "error", err)
		}
	}()
}

// Stop cancels the runs being planned and waits for them to return. A run
// interrupted this way keeps its queue's lease and resumes at the next
// start.
func (e *Engine) Stop(ctx context.Context) error {
	e.stop()
	done := make(chan struct{})
	go func() { e.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("engine: runs still planning at shutdown: %w", ctx.Err())
	}
}

// Wait returns once every run executed in the background has returned;
// for tests.
func (e *Engine) Wait() { e.wg.Wait() }

// Start resumes the runs a stopped process left open (see Recover), then
// looks again every Config.RecoverInterval until Stop: the runs of a
// replica that died are taken over once their lease expires, the leases of
// this process's long runs are renewed, and a run whose trigger was lost
// is run. Call it once, before triggers flow.
func (e *Engine) Start(ctx context.Context) error {
	n, err := e.Recover(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		e.log.InfoContext(ctx, "open runs resumed", "runs", n)
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		t := time.NewTicker(e.cfg.RecoverInterval)
		defer t.Stop()
		for {
			select {
			case <-e.base.Done():
				return
			case <-t.C:
				if _, err := e.Recover(e.base); err != nil && !e.stopping() {
					e.log.Warn("open runs not looked at", "error", err)
				}
			}
		}
	}()
	return nil
}

// Recover launches, in the background, every open run this process does
// not execute yet; each is claimed under the rules of domain.RunClaim (so
// a run executed by a live replica is left to it), then planned again when
// its plan was never written, or settled by its commands when it was. It
// returns how many runs it launched.
func (e *Engine) Recover(ctx context.Context) (int, error) {
	runs, err := e.deps.Store.OpenRuns(ctx)
	if err != nil {
		return 0, fmt.Errorf("engine: unable to list open runs: %w", err)
	}
	launched := 0
	for _, run := range runs {
		if e.executing(run.ID) {
			continue
		}
		if run.QueueID == 0 {
			if err := e.abandon(ctx, run.ID, "queue no longer exists"); err != nil {
				return launched, err
			}
			continue
		}
		q, err := e.deps.Store.GetQueue(ctx, run.QueueID)
		if errors.Is(err, domain.ErrNotFound) {
			if err := e.abandon(ctx, run.ID, "queue no longer exists"); err != nil {
				return launched, err
			}
			continue
		}
		if err != nil {
			return launched, fmt.Errorf("engine: unable to load queue %d: %w", run.QueueID, err)
		}
		ev := domain.TriggerEvent{Kind: run.Trigger, QueueID: q.ID, InstanceID: q.InstanceID, At: run.CreatedAt}
		if run.Origin != nil {
			ev = *run.Origin
		}
		ev.RunID = run.ID
		e.launch(run.CorrelationID, run, q, ev)
		launched++
	}
	return launched, nil
}

// executing reports whether this process executes runID now.
func (e *Engine) executing(runID int64) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.active[runID]
}
