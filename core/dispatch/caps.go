package dispatch

import (
	"context"
	"fmt"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// The rolling windows of the caps.
const (
	hourWindow = time.Hour
	dayWindow  = 24 * time.Hour
)

// groupCaps is the budget an instance's group shares: the smallest cap any
// member sets, per window (0 when none sets one), and the members' ids.
type groupCaps struct {
	members []int64
	hourly  int
	daily   int
}

func (d *Dispatcher) caps(ctx context.Context, id int64) (groupCaps, error) {
	insts, err := d.deps.Store.BudgetGroup(ctx, id)
	if err != nil {
		return groupCaps{}, err
	}
	var g groupCaps
	smallest := func(cur, v int) int {
		if v > 0 && (cur == 0 || v < cur) {
			return v
		}
		return cur
	}
	for _, in := range insts {
		g.members = append(g.members, in.ID)
		g.hourly = smallest(g.hourly, in.HourlyCap)
		g.daily = smallest(g.daily, in.DailyCap)
	}
	if len(g.members) == 0 {
		g.members = []int64{id}
	}
	return g, nil
}

// errOverCap fails a command that no window can ever hold.
type errOverCap struct {
	cost   int
	window string
	cap    int
}

func (e errOverCap) Error() string {
	return fmt.Sprintf("dispatch: the command costs %d indexer searches, more than the %s cap of %d", e.cost, e.window, e.cap)
}

// fit reports when cost more searches fit a window of length w holding
// sends (oldest first) under limit: now when they fit, else the moment
// enough of the oldest sends have left the window. A window ending now
// holds the sends after now-w, so a send at t leaves it at t+w exactly.
func fit(sends []domain.CountedSend, now time.Time, w time.Duration, limit, cost int) time.Time {
	if limit <= 0 {
		return now
	}
	since := now.Add(-w)
	used := 0
	var in []domain.CountedSend
	for _, s := range sends {
		if s.At.After(since) {
			used += s.Cost
			in = append(in, s)
		}
	}
	if used+cost <= limit {
		return now
	}
	for _, s := range in {
		used -= s.Cost
		if used+cost <= limit {
			return s.At.Add(w)
		}
	}
	return now.Add(w)
}

// reserve takes a batch's searches from the instance's hourly and daily
// budget (its group's, when it shares one) by marking its commands
// attempted: from then on they count for every worker of the group. A
// batch that does not fit whole is cut to the longest prefix that does,
// and that prefix is returned. The group's lock makes the check and the
// mark one step within this process, and the store's budget lock across
// the processes sharing the database. When not even the first command fits
// now, it returns when it will; nothing is marked then.
func (in *instance) reserve(ctx context.Context, inst domain.Instance, b batch) (out batch, wait time.Time, err error) {
	lock, key := in.d.groupLock(inst)
	lock.Lock()
	defer lock.Unlock()
	err = in.d.deps.Store.WithBudgetLock(ctx, key, func(ctx context.Context) error {
		out, wait, err = in.reserveLocked(ctx, inst, b)
		return err
	})
	return out, wait, err
}

// reserveLocked is reserve under the budget's locks.
func (in *instance) reserveLocked(ctx context.Context, inst domain.Instance, b batch) (batch, time.Time, error) {
	d := in.d
	g, err := d.caps(ctx, inst.ID)
	if err != nil {
		return b, time.Time{}, err
	}
	now := d.now()
	if g.hourly > 0 || g.daily > 0 {
		first := b.prefix(1)
		for _, c := range []struct {
			name string
			cap  int
		}{{"hourly", g.hourly}, {"daily", g.daily}} {
			if c.cap > 0 && first.cost > c.cap {
				return first, time.Time{}, errOverCap{cost: first.cost, window: c.name, cap: c.cap}
			}
		}
		room, err := d.room(ctx, g, now, b.ids())
		if err != nil {
			return b, time.Time{}, err
		}
		n := 0
		for cost := 0; n < len(b.cmds); n++ {
			if cost += commandCost(b.cmds[n], b.parts[n]); cost > room {
				break
			}
		}
		if n < len(b.cmds) && b.attempted() {
			// An attempted batch may be at the arr whole: it is
			// settled whole, never cut.
			n, first = 0, b
		}
		if n == 0 {
			since := now.Add(-hourWindow)
			if g.daily > 0 {
				since = now.Add(-dayWindow)
			}
			sends, err := d.deps.Store.CountedSends(ctx, g.members, since, b.ids())
			if err != nil {
				return b, time.Time{}, err
			}
			at := fit(sends, now, hourWindow, g.hourly, first.cost)
			if t := fit(sends, now, dayWindow, g.daily, first.cost); t.After(at) {
				at = t
			}
			if at.After(now) {
				return b, at, nil
			}
			n = len(first.cmds)
		}
		b = b.prefix(n)
	}
	if err := d.deps.Store.MarkCommandsAttempted(ctx, b.ids(), now); err != nil {
		return b, time.Time{}, err
	}
	return b, time.Time{}, nil
}

// room returns how many more searches fit both windows now, with two sums;
// only when the next command does not fit are the sends listed to find
// when it will. The commands in exclude (those being retried) are not
// counted against themselves.
func (d *Dispatcher) room(ctx context.Context, g groupCaps, now time.Time, exclude []int64) (int, error) {
	room := int(^uint(0) >> 1)
	for _, w := range []struct {
		cap    int
		length time.Duration
	}{{g.hourly, hourWindow}, {g.daily, dayWindow}} {
		if w.cap <= 0 {
			continue
		}
		used, err := d.deps.Store.CountedCost(ctx, g.members, now.Add(-w.length), exclude)
		if err != nil {
			return 0, err
		}
		room = min(room, w.cap-used)
	}
	return room, nil
}
