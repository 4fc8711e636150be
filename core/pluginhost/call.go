package pluginhost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/sdk"
)

// call runs fn against the plugin's current process with a timeout. A
// timeout, or an error after which the process is gone, counts as a crash:
// the process is killed and restarted in the background and the error
// names the plugin and wraps ErrPluginFailed. Any other error is the
// plugin's answer and is returned as it is.
func (h *Host) call(ctx context.Context, m *managed, op string, timeout time.Duration, fn func(context.Context, sdk.Strategy) error) (err error) {
	start := time.Now()
	defer func() { h.observe(ctx, m.name, op, time.Since(start), err) }()
	inst, err := m.acquire(ctx)
	if err != nil {
		return err
	}
	// The call ends as soon as the process is given up, by the hang
	// detector for one, rather than at its own timeout.
	callCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(inst.deadCtx, func() { cancel(context.Cause(inst.deadCtx)) })
	defer stop()
	err = bounded(callCtx, timeout, func(ctx context.Context) error { return fn(ctx, inst.strategy) })
	switch {
	case err == nil:
		m.succeeded()
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("pluginhost: plugin %q: %s: %w", m.name, op, ctx.Err())
	case h.ctx.Err() != nil:
		return fmt.Errorf("pluginhost: plugin %q: %s: %w", m.name, op, ErrClosed)
	case inst.deadCtx.Err() != nil:
		return fmt.Errorf("pluginhost: plugin %q %w during %s: %w", m.name, context.Cause(inst.deadCtx), op, ErrPluginFailed)
	case errors.Is(err, errCallTimeout):
		reason := fmt.Errorf("hung during %s: no answer within %s", op, timeout)
		m.fail(inst, FailureHung, reason)
		return fmt.Errorf("pluginhost: plugin %q %w: %w", m.name, reason, ErrPluginFailed)
	}
	var cerrs sdk.ConfigErrors
	if !errors.As(err, &cerrs) && inst.exited(context.WithoutCancel(ctx)) {
		m.fail(inst, FailureCrashed, fmt.Errorf("crashed during %s: %w", op, err))
		return fmt.Errorf("pluginhost: plugin %q crashed during %s: %w: %w", m.name, op, err, ErrPluginFailed)
	}
	m.succeeded()
	return err
}

// observe logs and measures one call. Plan calls, one per run, are logged
// at info; the others at debug; failures at warn. A config refusal is the
// plugin's answer, not a failure.
func (h *Host) observe(ctx context.Context, plugin, op string, d time.Duration, err error) {
	var cerrs sdk.ConfigErrors
	if errors.As(err, &cerrs) {
		err = nil
	}
	if h.metrics != nil {
		h.metrics.PluginCalled(plugin, op, d, err)
	}
	level := slog.LevelDebug
	if op == "Plan" {
		level = slog.LevelInfo
	}
	args := []any{"plugin", plugin, "method", op, "duration", d}
	if err != nil {
		level = slog.LevelWarn
		args = append(args, "error", err)
	}
	h.log.Log(ctx, level, "plugin call", args...)
}

// Validate asks the plugin whether config is acceptable for a queue. A
// refusal comes back as an error that wraps the plugin's sdk.ConfigErrors.
func (h *Host) Validate(ctx context.Context, name string, config json.RawMessage) error {
	m, err := h.lookup(name)
	if err != nil {
		return err
	}
	err = h.call(ctx, m, "Validate", h.cfg.CallTimeout, func(ctx context.Context, s sdk.Strategy) error {
		return s.Validate(ctx, config)
	})
	var cerrs sdk.ConfigErrors
	switch {
	case err == nil:
		return nil
	case errors.As(err, &cerrs):
		return fmt.Errorf("pluginhost: plugin %q: %w", name, cerrs)
	case errors.Is(err, ErrPluginFailed) || errors.Is(err, ErrClosed) || ctx.Err() != nil:
		return err
	}
	return fmt.Errorf("pluginhost: plugin %q: Validate: %w", name, err)
}

// Plan asks the plugin for one run's plan and checks it before returning
// it. req.Library is served to the plugin for the duration of the call. A
// crash, a hang or a plan that breaks the host's rules fails with an error
// that names the plugin and wraps ErrPluginFailed.
func (h *Host) Plan(ctx context.Context, name string, req sdk.PlanRequest) (sdk.Plan, error) {
	m, err := h.lookup(name)
	if err != nil {
		return sdk.Plan{}, err
	}
	if req.Library == nil {
		return sdk.Plan{}, fmt.Errorf("pluginhost: plugin %q: plan request without a library: %w", name, domain.ErrInvalid)
	}
	if kinds := m.instanceKinds(); len(kinds) > 0 && !slices.Contains(kinds, req.Instance.Kind) {
		return sdk.Plan{}, fmt.Errorf("pluginhost: plugin %q does not plan for %s instances: %w: %w",
			name, req.Instance.Kind, ErrUnsupported, domain.ErrInvalid)
	}
	var plan sdk.Plan
	err = h.call(ctx, m, "Plan", h.cfg.PlanTimeout, func(ctx context.Context, s sdk.Strategy) error {
		p, err := s.Plan(ctx, req)
		plan = p
		return err
	})
	switch {
	case err == nil:
	case errors.Is(err, ErrPluginFailed) || errors.Is(err, ErrClosed) || ctx.Err() != nil:
		return sdk.Plan{}, err
	default:
		return sdk.Plan{}, fmt.Errorf("pluginhost: plugin %q: Plan: %w", name, err)
	}
	if err := validatePlan(plan, req.Instance.Kind); err != nil {
		return sdk.Plan{}, invalidPlan(name, err)
	}
	return plan, nil
}

func (m *managed) instanceKinds() []sdk.InstanceKind {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.info.InstanceKinds
}
