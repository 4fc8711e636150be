package dispatch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"
)

// releaseTimeout bounds giving up a lease after the dispatcher stopped.
const releaseTimeout = 5 * time.Second

// newHolder names this dispatcher process among the replicas sharing a
// database: host, process id and a random part, so two dispatchers of one
// process differ too.
func newHolder() string {
	host, _ := os.Hostname()
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// leaseKeeper renews an instance's lease while its worker runs.
type leaseKeeper struct {
	in     *instance
	cancel context.CancelFunc
	done   chan struct{}
}

// takeLease tries once to take the instance's lease, then renews it (or
// keeps trying to take it) every LeaseRenewInterval until release.
func (in *instance) takeLease(ctx context.Context) *leaseKeeper {
	ctx, cancel := context.WithCancel(ctx)
	k := &leaseKeeper{in: in, cancel: cancel, done: make(chan struct{})}
	in.renewLease(ctx, false)
	go func() {
		defer close(k.done)
		t := time.NewTicker(in.d.cfg.LeaseRenewInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				in.renewLease(ctx, true)
			}
		}
	}()
	return k
}

// release stops renewing and gives the lease up, so another replica may
// send for the instance at once rather than after the lease expires.
func (k *leaseKeeper) release() {
	if k == nil {
		return
	}
	k.cancel()
	<-k.done
	in := k.in
	in.leaseUntil.Store(0)
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	defer cancel()
	if err := in.d.deps.Store.ReleaseDispatchLease(ctx, in.id, in.d.holder); err != nil {
		in.d.log.Warn("dispatch lease not released", "instance_id", in.id, "error", err)
	}
}

// renewLease takes or renews the lease in the database, and reads the
// instance's stored pause, which another replica may have set or lifted.
// When poke is set, a worker waiting for the lease is woken on taking it.
// The lease counts here as held until one renew interval before it ends
// in the database, so a command checked against it reaches the arr before
// another replica may take the lease over.
func (in *instance) renewLease(ctx context.Context, poke bool) {
	d := in.d
	start := time.Now()
	ok, err := d.deps.Store.AcquireDispatchLease(ctx, in.id, d.holder, start, start.Add(d.cfg.LeaseDuration))
	switch {
	case err != nil:
		// What was held stays held until its deadline; the next renewal
		// tries again.
		if ctx.Err() == nil {
			d.log.Warn("dispatch lease not renewed", "instance_id", in.id, "error", err)
		}
		return
	case !ok:
		if in.leaseUntil.Swap(0) != 0 {
			d.log.Info("dispatch lease lost to another replica", "instance_id", in.id)
		}
		return
	}
	if in.leaseUntil.Load() == 0 {
		// Taken, not renewed: the commands an earlier holder sent count
		// against max_in_flight here too, before anything is sent.
		in.adoptSent(ctx)
	}
	if in.leaseUntil.Swap(start.Add(d.cfg.LeaseDuration-d.cfg.LeaseRenewInterval).UnixNano()) == 0 {
		d.log.Debug("dispatch lease taken", "instance_id", in.id)
		if poke {
			in.poke()
		}
	}
	in.loadPause(ctx)
}

// holdsLease reports whether this process may send for the instance now.
func (in *instance) holdsLease() bool { return time.Now().UnixNano() < in.leaseUntil.Load() }

// leased returns nil while the instance's lease is held; otherwise it waits
// for the lease (or a renew interval) and returns errHeld.
func (in *instance) leased(ctx context.Context) error {
	if in.holdsLease() {
		return nil
	}
	in.sleep(ctx, in.d.cfg.LeaseRenewInterval, nil)
	return errHeld
}

// loadPause brings the instance's pause in line with the database.
func (in *instance) loadPause(ctx context.Context) {
	pauses, err := in.d.deps.Store.DispatchPauses(ctx, in.id)
	if err != nil {
		if ctx.Err() == nil {
			in.d.log.Warn("dispatch pause not read", "instance_id", in.id, "error", err)
		}
		return
	}
	reason, paused := pauses[in.id]
	in.mu.Lock()
	lifted := in.paused && !paused
	in.paused, in.pauseReason = paused, reason
	in.mu.Unlock()
	if lifted {
		in.poke()
	}
}

// adoptSent follows the instance's commands that are sent and not yet
// ended, whoever sent them: another replica that held the lease before
// (alive or dead) no longer counts them against this holder's
// max_in_flight otherwise, and a dead one never records how they ended.
func (in *instance) adoptSent(ctx context.Context) {
	sent, err := in.d.deps.Store.SentCommands(ctx, in.id)
	if err != nil {
		if ctx.Err() == nil {
			in.d.log.Warn("commands in flight not read", "instance_id", in.id, "error", err)
		}
		return
	}
	for _, c := range sent {
		in.adopt(c)
	}
	in.startTracker()
}
