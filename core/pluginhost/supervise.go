package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

const (
	// pingTimeout bounds the health check that tells a crashed plugin from
	// one that merely returned an error.
	pingTimeout = time.Second
	// abandonGrace is how long a call may overrun its deadline before the
	// host stops waiting for it.
	abandonGrace = time.Second
	// watchInterval is how often idle plugins are checked for an exited
	// process.
	watchInterval = time.Second
)

// errCallTimeout is the cause of a call context the host timed out.
var errCallTimeout = errors.New("call timed out")

// bounded runs fn with a context that times out after d, and returns no
// later than shortly after that deadline even if fn ignores its context.
// An error caused by the timeout wraps errCallTimeout.
func bounded(ctx context.Context, d time.Duration, fn func(context.Context) error) error {
	ctx, cancel := context.WithTimeoutCause(ctx, d, errCallTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- fn(ctx) }()
	select {
	case err := <-done:
		if err != nil && timedOut(ctx) {
			return fmt.Errorf("%w: %w", errCallTimeout, err)
		}
		return err
	case <-ctx.Done():
	}
	t := time.NewTimer(abandonGrace)
	defer t.Stop()
	select {
	case err := <-done:
		if err == nil {
			return nil
		}
	case <-t.C:
	}
	return context.Cause(ctx)
}

// timedOut reports whether ctx's own deadline has passed. It looks at the
// clock rather than at ctx.Err: the plugin's side of a gRPC call enforces
// the same deadline and may cancel the stream before the host's timer has
// fired.
func timedOut(ctx context.Context) bool {
	if context.Cause(ctx) == errCallTimeout {
		return true
	}
	deadline, ok := ctx.Deadline()
	return ok && !time.Now().Before(deadline) && context.Cause(ctx) != context.Canceled
}

// managed is one plugin under supervision: the current process, if any,
// and what is known about the plugin across restarts.
type managed struct {
	host *Host
	name string
	cand candidate
	log  *pluginLog

	mu              sync.Mutex
	inst            *instance // nil unless running
	status          Status
	ready           chan struct{} // closed when a restart ends, either way
	info            sdk.Info
	protocol        string
	protocolVersion int
	restarts        int
	failures        int // consecutive, reset by a successful call
	lastErr         error
	lastFailure     Failure
}

func newManaged(h *Host, c candidate, log *pluginLog, inst *instance) *managed {
	return &managed{
		host:            h,
		name:            inst.info.Name,
		cand:            c,
		log:             log,
		inst:            inst,
		status:          StatusRunning,
		info:            inst.info,
		protocol:        inst.protocol,
		protocolVersion: inst.protocolVersion,
	}
}

// acquire returns the running process, waiting up to RestartWait for a
// restarting plugin to come back.
func (m *managed) acquire(ctx context.Context) (*instance, error) {
	var timer <-chan time.Time
	for {
		m.mu.Lock()
		status, inst, ready, lastErr := m.status, m.inst, m.ready, m.lastErr
		m.mu.Unlock()
		if m.host.ctx.Err() != nil {
			return nil, fmt.Errorf("pluginhost: plugin %q: %w", m.name, ErrClosed)
		}
		switch status {
		case StatusRunning:
			return inst, nil
		case StatusFailed:
			return nil, fmt.Errorf("pluginhost: plugin %q is not running, it failed: %w: %w", m.name, lastErr, ErrPluginFailed)
		}
		if timer == nil {
			t := time.NewTimer(m.host.cfg.RestartWait)
			defer t.Stop()
			timer = t.C
		}
		select {
		case <-ready:
		case <-timer:
			return nil, fmt.Errorf("pluginhost: plugin %q is restarting after: %w: %w", m.name, lastErr, ErrPluginFailed)
		case <-ctx.Done():
			return nil, fmt.Errorf("pluginhost: plugin %q is restarting: %w", m.name, ctx.Err())
		case <-m.host.ctx.Done():
			return nil, fmt.Errorf("pluginhost: plugin %q: %w", m.name, ErrClosed)
		}
	}
}

// succeeded records a call that went through.
func (m *managed) succeeded() {
	m.mu.Lock()
	m.failures = 0
	m.mu.Unlock()
}

// fail kills inst and restarts the plugin in the background, unless inst
// is no longer the current process (another call already reported it).
// A call still in flight on inst fails at once with reason.
func (m *managed) fail(inst *instance, kind Failure, reason error) {
	m.mu.Lock()
	if m.inst != inst || m.host.ctx.Err() != nil {
		m.mu.Unlock()
		return
	}
	inst.markDead(reason)
	m.lastFailure = kind
	m.inst = nil
	m.status = StatusRestarting
	m.ready = make(chan struct{})
	m.failures++
	m.lastErr = reason
	failures := m.failures
	m.mu.Unlock()

	m.log.log(slog.LevelError, "plugin failed, restarting", "error", reason, "failures", failures)
	started := m.host.spawn(func() {
		inst.kill()
		m.restartLoop()
	})
	if !started {
		inst.kill()
	}
}

// restartLoop starts a new process after an exponential backoff until one
// comes up, the host closes, or MaxRestarts consecutive failures are
// reached.
func (m *managed) restartLoop() {
	h := m.host
	for {
		m.mu.Lock()
		failures, lastErr := m.failures, m.lastErr
		m.mu.Unlock()
		if h.cfg.MaxRestarts >= 0 && failures > h.cfg.MaxRestarts {
			m.mu.Lock()
			m.status = StatusFailed
			close(m.ready)
			m.mu.Unlock()
			m.log.log(slog.LevelError, "plugin failed too often, giving up", "failures", failures, "error", lastErr)
			return
		}
		t := time.NewTimer(backoff(h.cfg, failures))
		select {
		case <-h.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		inst, err := h.launch(h.ctx, m.cand, m.log)
		if err == nil && inst.info.Name != m.name {
			inst.client.Kill()
			err = fmt.Errorf("pluginhost: restarted plugin reports name %q", inst.info.Name)
		}
		if err != nil {
			m.mu.Lock()
			m.failures++
			m.lastErr = err
			m.lastFailure = FailureRestart
			m.mu.Unlock()
			m.log.log(slog.LevelWarn, "plugin restart failed", "error", err)
			continue
		}
		m.mu.Lock()
		if h.ctx.Err() != nil {
			m.mu.Unlock()
			inst.client.Kill()
			return
		}
		m.inst = inst
		m.status = StatusRunning
		m.info = inst.info
		m.protocol, m.protocolVersion = inst.protocol, inst.protocolVersion
		m.restarts++
		close(m.ready)
		m.mu.Unlock()
		m.log.log(slog.LevelInfo, "plugin restarted", "version", inst.info.Version, "pid", inst.pid)
		if h.metrics != nil {
			h.metrics.PluginRestarted(m.name)
		}
		return
	}
}

// backoff is the delay before the restart that follows the given number
// of consecutive failures.
func backoff(cfg Config, failures int) time.Duration {
	d := cfg.RestartBackoff
	for i := 1; i < failures && d < cfg.MaxRestartBackoff; i++ {
		d *= 2
	}
	return min(d, cfg.MaxRestartBackoff)
}

// current returns the running process, or nil.
func (m *managed) current() *instance {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.inst
}

// watch notices plugin processes that exit while no call is in flight, or
// stop answering health checks, and restarts them.
func (h *Host) watch() {
	defer h.wg.Done()
	t := time.NewTicker(h.watchInterval)
	defer t.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-t.C:
		}
		for _, m := range h.all() {
			inst := m.current()
			switch {
			case inst == nil:
			case inst.client.Exited():
				m.fail(inst, FailureExited, errors.New("plugin process exited"))
			default:
				h.checkAlive(m, inst)
			}
		}
	}
}
