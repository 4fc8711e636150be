package api

import (
	"context"
	"net/http"
	"time"
)

type componentStatus struct {
	Status string `json:"status" enum:"ok,down" doc:"ok or down"`
	Error  string `json:"error,omitempty"`
}

type healthBody struct {
	Status   string          `json:"status" enum:"healthy,degraded,unhealthy" doc:"unhealthy when the database or the bus is down; degraded when a plugin failed for good or the scheduler is stopped"`
	Database componentStatus `json:"database"`
	Bus      componentStatus `json:"bus"`
	Plugins  struct {
		Count   int `json:"count"`
		Running int `json:"running"`
		// Failed names the plugins the host gave up restarting.
		Failed []string `json:"failed" doc:"Plugins the host gave up restarting"`
	} `json:"plugins"`
	Scheduler *schedulerHealth `json:"scheduler,omitempty" doc:"Absent when this server runs no scheduler"`
	Time      time.Time        `json:"time"`
}

// schedulerHealth is the scheduler's state, as the seed's /health shows
// it. A paused scheduler is not unhealthy: it is the operator's choice.
type schedulerHealth struct {
	Running   bool `json:"running"`
	JobsCount int  `json:"jobs_count"`
}

type healthOutput struct {
	Status int
	Body   healthBody
}

type readyOutput struct {
	Status int
	Body   struct {
		Ready bool `json:"ready"`
		// Reason says what is not running when Ready is false.
		Reason string `json:"reason,omitempty"`
	}
}

// healthTimeout bounds the database ping of a health check.
const healthTimeout = 3 * time.Second

func (s *Server) healthRoutes() {
	op := operation(http.MethodGet, "/health", "health", "health", "Health of the database, the event bus, the plugins and the scheduler (public)", 0)
	op.Errors = []int{http.StatusServiceUnavailable}
	handle(s, op, s.health)
	op = operation(http.MethodGet, "/ready", "ready", "health", "Whether the server can take requests: the database answers, the bus and the scheduler run (public)", 0)
	op.Errors = []int{http.StatusServiceUnavailable}
	handle(s, op, s.ready)
}

// check pings the database and reads the bus state. Errors are not shown
// to anonymous callers beyond "down": a driver error may name hosts.
func (s *Server) check(ctx context.Context) healthBody {
	var b healthBody
	b.Time = s.now().UTC()
	b.Status = "healthy"
	pctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	b.Database.Status = "ok"
	if err := s.deps.Database.Ping(pctx); err != nil {
		requestLogger(ctx, s.log).Warn("health: database down", "error", err)
		b.Database = componentStatus{Status: "down", Error: "database unreachable"}
		b.Status = "unhealthy"
	}
	b.Bus.Status = "ok"
	if !s.deps.Bus.IsRunning() {
		b.Bus = componentStatus{Status: "down", Error: "event bus not running"}
		b.Status = "unhealthy"
	}
	if sc := s.deps.Scheduler; sc != nil {
		b.Scheduler = &schedulerHealth{Running: sc.Running(), JobsCount: sc.JobsCount()}
		if !b.Scheduler.Running && b.Status == "healthy" {
			b.Status = "degraded"
		}
	}
	b.Plugins.Failed = []string{}
	for _, p := range s.deps.Plugins.Plugins() {
		b.Plugins.Count++
		switch p.Status {
		case pluginRunning:
			b.Plugins.Running++
		case pluginFailed:
			b.Plugins.Failed = append(b.Plugins.Failed, p.Name)
			if b.Status == "healthy" {
				b.Status = "degraded"
			}
		}
	}
	return b
}

// Plugin states as PluginInfo.Status reports them.
const (
	pluginRunning = "running"
	pluginFailed  = "failed"
)

func (s *Server) health(ctx context.Context, _ *struct{}) (*healthOutput, error) {
	b := s.check(ctx)
	status := http.StatusOK
	if b.Status == "unhealthy" {
		status = http.StatusServiceUnavailable
	}
	return &healthOutput{Status: status, Body: b}, nil
}

func (s *Server) ready(ctx context.Context, _ *struct{}) (*readyOutput, error) {
	b := s.check(ctx)
	out := &readyOutput{Status: http.StatusOK}
	switch {
	case b.Database.Status != "ok":
		out.Body.Reason = "database unreachable"
	case b.Bus.Status != "ok":
		out.Body.Reason = "event bus not running"
	case b.Scheduler != nil && !b.Scheduler.Running:
		out.Body.Reason = "scheduler not running"
	}
	out.Body.Ready = out.Body.Reason == ""
	if !out.Body.Ready {
		out.Status = http.StatusServiceUnavailable
	}
	return out, nil
}
