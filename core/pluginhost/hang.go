package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// A process that was stopped (SIGSTOP), is stuck in a system call or
// deadlocked its gRPC server answers nothing, so a call to it would wait for
// its full timeout: five minutes for a Plan. The host instead sends every
// process gRPC's health check every third of HangTimeout and gives up a
// process that leaves one unanswered for HangTimeout: it is killed, the
// call in flight on it fails at once, and it is restarted.

// pingInterval is how often each plugin process is health-checked.
func (h *Host) pingInterval() time.Duration { return h.cfg.HangTimeout / 3 }

// slowAnswer is how long a health check may take before the process shows
// as not answering.
func (h *Host) slowAnswer() time.Duration { return min(pingTimeout, h.pingInterval()) }

// checkAlive sends inst a health check in the background when one is due,
// and gives the process up when it does not answer within HangTimeout.
func (h *Host) checkAlive(m *managed, inst *instance) {
	now := time.Now()
	if inst.pingSent.Load() != 0 || now.Sub(time.Unix(0, inst.pingDone.Load())) < h.pingInterval() {
		return
	}
	inst.pingSent.Store(now.UnixNano())
	started := h.spawn(func() {
		err := inst.ping(h.ctx, h.cfg.HangTimeout)
		inst.pingDone.Store(time.Now().UnixNano())
		inst.pingSent.Store(0)
		// Only silence counts here: a check refused because the process
		// is going away is left to the call that sees it crash, or to
		// the watch that sees it exit, which say so more exactly.
		silent := status.Code(err) == codes.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded)
		if silent && h.ctx.Err() == nil && !inst.client.Exited() {
			m.fail(inst, FailureHung, fmt.Errorf("hung: no answer to a health check within %s", h.cfg.HangTimeout))
		}
	})
	if !started {
		inst.pingSent.Store(0)
	}
}

// ping asks the process's gRPC health service whether the plugin serves,
// waiting at most timeout for the answer.
func (i *instance) ping(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	g, ok := i.rpc.(*plugin.GRPCClient)
	if !ok {
		return bounded(ctx, timeout, func(context.Context) error { return i.rpc.Ping() })
	}
	_, err := grpc_health_v1.NewHealthClient(g.Conn).Check(ctx, &grpc_health_v1.HealthCheckRequest{Service: plugin.GRPCServiceName})
	return err
}

// unanswered is how long the health check awaiting an answer has waited,
// or zero when none has waited longer than threshold.
func (i *instance) unanswered(threshold time.Duration) time.Duration {
	sent := i.pingSent.Load()
	if sent == 0 {
		return 0
	}
	if d := time.Since(time.Unix(0, sent)); d > threshold {
		return d
	}
	return 0
}
