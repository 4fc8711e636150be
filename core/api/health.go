package api

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"
)

type componentStatus struct {
	Status string `json:"status" enum:"ok,down" doc:"ok or down"`
	Error  string `json:"error,omitempty"`
}

type healthBody struct {
	Status string `json:"status" enum:"healthy,degraded,unhealthy" doc:"unhealthy when the database or the bus is down; degraded when storage writes fail, an instance's circuit breaker is not closed, a plugin is not running or not answering, or the scheduler is stopped"`
	// Reasons says what makes the status degraded or unhealthy.
	Reasons  []string        `json:"reasons" doc:"What makes the status degraded or unhealthy, one line each; empty when healthy"`
	Database componentStatus `json:"database"`
	Storage  *storageHealth  `json:"storage,omitempty" doc:"Whether the database takes writes; absent when not watched"`
	Bus      componentStatus `json:"bus"`
	Plugins  struct {
		Count   int `json:"count"`
		Running int `json:"running"`
		// Failed names the plugins the host gave up restarting.
		Failed []string `json:"failed" doc:"Plugins the host gave up restarting"`
		// Unhealthy lists the plugins not running or not answering.
		Unhealthy []pluginHealth `json:"unhealthy" doc:"Plugins restarting, failed, or not answering health checks"`
	} `json:"plugins"`
	Instances *instancesHealth `json:"instances,omitempty" doc:"Circuit breakers of the instances this server sends to; absent when not watched"`
	Scheduler *schedulerHealth `json:"scheduler,omitempty" doc:"Absent when this server runs no scheduler"`
	Time      time.Time        `json:"time"`
}

// /health is public, so what it shows is chosen to tell nothing an
// anonymous caller should not learn: instances appear by id only (no name,
// URL or error, which may carry an address), storage failures and plugin
// failures by a fixed word (never the driver's or the plugin's message),
// plugins by the name GET /health already listed.

// storageHealth says whether the database takes writes.
type storageHealth struct {
	Status string `json:"status" enum:"ok,failing"`
	// Problem is disk full, I/O error, read-only or corrupt.
	Problem string     `json:"problem,omitempty" doc:"disk full, I/O error, read-only or corrupt"`
	Since   *time.Time `json:"since,omitempty"`
}

// pluginHealth is a plugin not running or not answering.
type pluginHealth struct {
	Name   string `json:"name"`
	Status string `json:"status" enum:"running,restarting,failed"`
	// LastFailure is hung, crashed, exited or restart failed.
	LastFailure string `json:"last_failure,omitempty" doc:"Why the plugin was last given up: hung, crashed, exited or restart failed"`
	// UnansweredSeconds is how long the process has left a health check
	// unanswered.
	UnansweredSeconds float64 `json:"unanswered_seconds,omitempty" doc:"How long the running process has left a health check unanswered"`
}

// instancesHealth lists the instances whose circuit breaker is not closed.
type instancesHealth struct {
	BreakersOpen int             `json:"breakers_open" doc:"Instances whose circuit breaker is open or half-open"`
	Breakers     []breakerHealth `json:"breakers"`
}

type breakerHealth struct {
	InstanceID int64  `json:"instance_id"`
	State      string `json:"state" enum:"open,half-open"`
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

// check pings the database and reads the state of the bus, the storage,
// the plugins, the instances' circuit breakers and the scheduler. Errors
// are not shown to anonymous callers beyond a fixed word: a driver error
// may name hosts.
func (s *Server) check(ctx context.Context) healthBody {
	var b healthBody
	b.Time = s.now().UTC()
	b.Status = "healthy"
	b.Reasons = []string{}
	degrade := func(reason string) {
		if b.Status == "healthy" {
			b.Status = "degraded"
		}
		b.Reasons = append(b.Reasons, reason)
	}
	pctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	b.Database.Status = "ok"
	if err := s.deps.Database.Ping(pctx); err != nil {
		requestLogger(ctx, s.log).Warn("health: database down", "error", err)
		b.Database = componentStatus{Status: "down", Error: "database unreachable"}
		b.Status = "unhealthy"
		b.Reasons = append(b.Reasons, "database unreachable")
	}
	if st := s.deps.Storage; st != nil {
		b.Storage = &storageHealth{Status: "ok"}
		if problem, since := st.StorageProblem(); problem != "" {
			since = since.UTC()
			b.Storage = &storageHealth{Status: "failing", Problem: problem, Since: &since}
			degrade("storage failing: " + problem)
		}
	}
	b.Bus.Status = "ok"
	if !s.deps.Bus.IsRunning() {
		b.Bus = componentStatus{Status: "down", Error: "event bus not running"}
		b.Status = "unhealthy"
		b.Reasons = append(b.Reasons, "event bus not running")
	}
	if sc := s.deps.Scheduler; sc != nil {
		b.Scheduler = &schedulerHealth{Running: sc.Running(), JobsCount: sc.JobsCount()}
		if !b.Scheduler.Running {
			degrade("scheduler stopped")
		}
	}
	b.Plugins.Failed = []string{}
	b.Plugins.Unhealthy = []pluginHealth{}
	for _, p := range s.deps.Plugins.Plugins() {
		b.Plugins.Count++
		ph := pluginHealth{Name: p.Name, Status: p.Status, LastFailure: p.LastFailure}
		switch {
		case p.Status == pluginRunning && p.Unanswered > 0:
			b.Plugins.Running++
			ph.UnansweredSeconds = p.Unanswered.Round(100 * time.Millisecond).Seconds()
			degrade(fmt.Sprintf("plugin %s not answering health checks for %s", p.Name, p.Unanswered.Round(100*time.Millisecond)))
		case p.Status == pluginRunning:
			b.Plugins.Running++
			continue
		case p.Status == pluginFailed:
			b.Plugins.Failed = append(b.Plugins.Failed, p.Name)
			degrade(fmt.Sprintf("plugin %s failed for good after it %s", p.Name, orUnknown(p.LastFailure)))
		default:
			degrade(fmt.Sprintf("plugin %s %s after it %s", p.Name, p.Status, orUnknown(p.LastFailure)))
		}
		b.Plugins.Unhealthy = append(b.Plugins.Unhealthy, ph)
	}
	if br := s.deps.Breakers; br != nil {
		b.Instances = &instancesHealth{Breakers: []breakerHealth{}}
		for id, state := range br.Breakers() {
			b.Instances.Breakers = append(b.Instances.Breakers, breakerHealth{InstanceID: id, State: state})
		}
		slices.SortFunc(b.Instances.Breakers, func(x, y breakerHealth) int { return cmp.Compare(x.InstanceID, y.InstanceID) })
		b.Instances.BreakersOpen = len(b.Instances.Breakers)
		for _, x := range b.Instances.Breakers {
			degrade(fmt.Sprintf("instance %d: circuit breaker %s", x.InstanceID, x.State))
		}
	}
	return b
}

// orUnknown turns a plugin's last failure into the end of a sentence.
func orUnknown(failure string) string {
	switch failure {
	case "":
		return "stopped"
	case "restart failed":
		return "failed to restart"
	}
	return failure
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
