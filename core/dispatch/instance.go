package dispatch

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"
	"golang.org/x/time/rate"

	"github.com/vibequality/searcharr/core/domain"
)

// instance is the dispatcher's state of one instance: its token bucket,
// circuit breaker, commands in flight and whatever holds it back.
type instance struct {
	d       *Dispatcher
	id      int64
	limiter *rate.Limiter
	breaker *gobreaker.CircuitBreaker[struct{}]
	// wake is poked when there is new work or a pause lifts; freed when a
	// command in flight ends.
	wake  chan struct{}
	freed chan struct{}
	// sent tells the tracker a command was sent.
	sent chan struct{}

	// working and tracking are guarded by d.mu.
	working  bool
	tracking bool

	// openedAt is when the breaker last opened, in Unix nanoseconds. It is
	// apart from mu because the breaker changes state inside State(),
	// which may be called with mu held.
	openedAt atomic.Int64
	// leaseUntil is, in Unix nanoseconds of the wall clock, until when
	// this process may send for the instance (0 when it holds no lease).
	leaseUntil atomic.Int64

	mu          sync.Mutex
	inflight    map[int64]domain.DispatchedCommand
	paused      bool
	pauseReason string
	queueSize   int       // -1 until read
	queueAt     time.Time // when the queue was last read
	queueGated  bool      // the queue was above max_queue_size then
	capUntil    time.Time // when the cap frees the next command
	lastQueue   int64     // the queue served last, for round robin
	lastExpiry  time.Time
	lastError   string
}

func newInstance(d *Dispatcher, id int64) *instance {
	in := &instance{
		d: d, id: id,
		limiter:   rate.NewLimiter(rate.Limit(d.cfg.DefaultRate), d.cfg.DefaultBurst),
		wake:      make(chan struct{}, 1),
		freed:     make(chan struct{}, 1),
		sent:      make(chan struct{}, 1),
		inflight:  map[int64]domain.DispatchedCommand{},
		queueSize: -1,
	}
	in.breaker = gobreaker.NewCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        fmt.Sprintf("instance %d", id),
		MaxRequests: 1,
		Timeout:     d.cfg.BreakerOpenFor,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.ConsecutiveFailures >= d.cfg.BreakerFailures
		},
		IsSuccessful: func(err error) bool { return err == nil || !unhealthy(err) },
		IsExcluded:   func(err error) bool { return canceled(err) },
		OnStateChange: func(_ string, from, to gobreaker.State) {
			if to == gobreaker.StateOpen {
				in.openedAt.Store(time.Now().UnixNano())
			}
			d.log.Warn("circuit breaker changed", "instance_id", id, "from", from.String(), "to", to.String())
			if to == gobreaker.StateClosed {
				in.poke()
			}
		},
	})
	return in
}

func (in *instance) poke() {
	select {
	case in.wake <- struct{}{}:
	default:
	}
}

func (in *instance) signalFreed() {
	select {
	case in.freed <- struct{}{}:
	default:
	}
}

// call runs one request to the arr through the circuit breaker.
func (in *instance) call(fn func() error) error {
	_, err := in.breaker.Execute(func() (struct{}, error) { return struct{}{}, fn() })
	return err
}

// setLimits brings the token bucket in line with the instance's settings.
func (in *instance) setLimits(inst domain.Instance) {
	r, burst := inst.RatePerSecond, inst.Burst
	if r <= 0 {
		r = in.d.cfg.DefaultRate
	}
	if burst <= 0 {
		burst = in.d.cfg.DefaultBurst
	}
	if in.limiter.Limit() != rate.Limit(r) {
		in.limiter.SetLimit(rate.Limit(r))
	}
	if in.limiter.Burst() != burst {
		in.limiter.SetBurst(burst)
	}
}

func (in *instance) maxInFlight(inst domain.Instance) int {
	if inst.MaxInFlight > 0 {
		return inst.MaxInFlight
	}
	return in.d.cfg.DefaultMaxInFlight
}

// adopt follows a command sent, by this process or an earlier one.
func (in *instance) adopt(c domain.DispatchedCommand) {
	in.mu.Lock()
	in.inflight[c.ID] = c
	in.mu.Unlock()
	select {
	case in.sent <- struct{}{}:
	default:
	}
}

// inFlightLocked counts the arr commands in flight: commands sent as one
// (a batch) share their arr command and count once. The caller holds in.mu.
func (in *instance) inFlightLocked() int {
	arr := make(map[int64]bool, len(in.inflight))
	n := 0
	for _, c := range in.inflight {
		if c.ArrCommandID <= 0 {
			n++
		} else if !arr[c.ArrCommandID] {
			arr[c.ArrCommandID] = true
			n++
		}
	}
	return n
}

func (in *instance) inFlight() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.inflight)
}

// startTracker makes sure a goroutine follows the commands in flight.
func (in *instance) startTracker() {
	in.d.mu.Lock()
	defer in.d.mu.Unlock()
	in.startTrackerLocked()
}

func (in *instance) startTrackerLocked() {
	if in.tracking || in.inFlight() == 0 {
		return
	}
	in.tracking = in.d.goLocked(in.track)
}

// sleep waits for d, a poke or the end of ctx, whichever comes first.
func (in *instance) sleep(ctx context.Context, d time.Duration, extra <-chan struct{}) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-in.wake:
	case <-extra:
	}
}
