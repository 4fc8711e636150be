package dispatch

import (
	"context"
	"time"
)

// takeoverMargin is how long after another holder's lease ends the
// watcher looks again, so the lease has expired by then in the database
// too.
const takeoverMargin = 50 * time.Millisecond

// watchTakeover notices work this dispatcher may take over without a
// local wake: an instance with pending commands whose lease is free, has
// expired (its holder died), or is held under this dispatcher's own name.
// It looks every LeaseRenewInterval, and again just after the earliest
// lease another holder has on pending work would end, so a replica that
// died is taken over as soon as its lease lapses.
func (d *Dispatcher) watchTakeover(ctx context.Context) {
	for {
		wait := d.takeOver(ctx)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// takeOver wakes a worker for each instance with pending commands that
// nobody else holds, and returns when to look again.
func (d *Dispatcher) takeOver(ctx context.Context) time.Duration {
	wait := d.cfg.LeaseRenewInterval
	leases, err := d.deps.Store.PendingDispatchLeases(ctx)
	if err != nil {
		if ctx.Err() == nil {
			d.log.Warn("pending work of other replicas not read", "error", err)
		}
		return wait
	}
	now := time.Now()
	for _, l := range leases {
		if l.Holder != "" && l.Holder != d.holder && l.Until.After(now) {
			wait = min(wait, l.Until.Sub(now)+takeoverMargin)
			continue
		}
		if d.idle(l.InstanceID) {
			if l.Holder != "" && l.Holder != d.holder {
				d.log.Info("taking over the pending commands of an expired dispatch lease",
					"instance_id", l.InstanceID, "holder", l.Holder)
			}
			d.Wake(l.InstanceID)
		}
	}
	return wait
}

// idle reports whether no worker runs for the instance in this process.
func (d *Dispatcher) idle(instanceID int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	in, ok := d.instances[instanceID]
	return !ok || !in.working
}
