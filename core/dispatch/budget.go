package dispatch

import (
	"context"
	"math"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/vibequality/searcharr/core/domain"
)

// Budget reports what an instance may still send: the use of its hourly and
// daily windows (its budget group's, when it shares one), the next token of
// its bucket, its commands pending and in flight, and what holds it back.
func (d *Dispatcher) Budget(ctx context.Context, instanceID int64) (domain.BudgetStatus, error) {
	inst, err := d.deps.Store.GetInstance(ctx, instanceID)
	if err != nil {
		return domain.BudgetStatus{}, err
	}
	g, err := d.caps(ctx, instanceID)
	if err != nil {
		return domain.BudgetStatus{}, err
	}
	now := d.now()
	sends, err := d.deps.Store.CountedSends(ctx, g.members, now.Add(-dayWindow), nil)
	if err != nil {
		return domain.BudgetStatus{}, err
	}
	pending, err := d.deps.Store.CountPendingCommands(ctx, instanceID)
	if err != nil {
		return domain.BudgetStatus{}, err
	}
	pauses, err := d.deps.Store.DispatchPauses(ctx, instanceID)
	if err != nil {
		return domain.BudgetStatus{}, err
	}
	in := d.instance(instanceID)
	in.setLimits(inst)
	st := domain.BudgetStatus{
		InstanceID:    instanceID,
		BudgetGroup:   inst.BudgetGroup,
		GroupMembers:  g.members,
		Hour:          window(sends, now, hourWindow, g.hourly),
		Day:           window(sends, now, dayWindow, g.daily),
		RatePerSecond: float64(in.limiter.Limit()),
		Burst:         in.limiter.Burst(),
		Pending:       pending,
		MaxInFlight:   in.maxInFlight(inst),
		MaxQueueSize:  inst.MaxQueueSize,
		Reasons:       []domain.PauseReason{},
	}
	wall := time.Now()
	st.NextTokenAt = now
	if tokens := in.limiter.TokensAt(wall); tokens < 1 && in.limiter.Limit() > 0 {
		wait := time.Duration(math.Ceil((1 - tokens) / float64(in.limiter.Limit()) * float64(time.Second)))
		st.NextTokenAt = now.Add(wait)
	}
	next := st.NextTokenAt

	breaker := in.breaker.State()
	st.BreakerState = breaker.String()
	in.mu.Lock()
	st.InFlight = in.inFlightLocked()
	st.LastError = in.lastError
	st.QueueSize = in.queueSize
	// The stored pause is the one every replica holds to.
	if reason, paused := pauses[instanceID]; paused {
		st.Reasons = append(st.Reasons, domain.PauseManual)
		st.PauseMessage = reason
	}
	if breaker == gobreaker.StateOpen {
		st.Reasons = append(st.Reasons, domain.PauseBreaker)
		if t := now.Add(time.Until(time.Unix(0, in.openedAt.Load()).Add(d.cfg.BreakerOpenFor))); t.After(next) {
			next = t
		}
	}
	if in.queueGated && inst.MaxQueueSize > 0 {
		st.Reasons = append(st.Reasons, domain.PauseQueue)
	}
	capUntil := in.capUntil
	in.mu.Unlock()
	// The worker waits for the cap when the next command's cost does not
	// fit, even with some budget left.
	if capUntil.After(now) && (st.Hour.Cap > 0 || st.Day.Cap > 0) {
		st.Reasons = append(st.Reasons, domain.PauseCap)
		if capUntil.After(next) {
			next = capUntil
		}
	} else if (st.Hour.Cap > 0 && st.Hour.Remaining == 0) || (st.Day.Cap > 0 && st.Day.Remaining == 0) {
		st.Reasons = append(st.Reasons, domain.PauseCap)
		for _, w := range []domain.BudgetWindow{st.Hour, st.Day} {
			if w.Cap > 0 && w.Remaining == 0 && w.FreesAt != nil && w.FreesAt.After(next) {
				next = *w.FreesAt
			}
		}
	}
	st.Paused = len(st.Reasons) > 0
	if next.After(now) {
		st.NextSendAt = &next
	}
	return st, nil
}

// window sums the sends of one window.
func window(sends []domain.CountedSend, now time.Time, w time.Duration, limit int) domain.BudgetWindow {
	since := now.Add(-w)
	bw := domain.BudgetWindow{Cap: limit, Remaining: -1}
	for _, s := range sends {
		if !s.At.After(since) {
			continue
		}
		bw.Used += s.Cost
		if bw.FreesAt == nil {
			t := s.At.Add(w)
			bw.FreesAt = &t
		}
	}
	if limit > 0 {
		bw.Remaining = max(limit-bw.Used, 0)
	}
	return bw
}
