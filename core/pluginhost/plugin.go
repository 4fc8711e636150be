package pluginhost

import (
	"encoding/json"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// SourceBuiltIn is the Source of a strategy compiled into searcharr.
const SourceBuiltIn = "built-in"

// Status is the state of a plugin the host supervises.
type Status string

// The plugin states.
const (
	// StatusRunning means the plugin process is up and answers calls.
	StatusRunning Status = "running"
	// StatusRestarting means the process crashed or hung and the host is
	// starting a new one.
	StatusRestarting Status = "restarting"
	// StatusFailed means the host gave up restarting the plugin.
	StatusFailed Status = "failed"
)

// Failure is why a plugin process was given up.
type Failure string

// The failures of a plugin process.
const (
	// FailureHung: the process left a call or a health check unanswered
	// for its timeout.
	FailureHung Failure = "hung"
	// FailureCrashed: a call failed and the process was gone after it.
	FailureCrashed Failure = "crashed"
	// FailureExited: the process exited while no call was in flight.
	FailureExited Failure = "exited"
	// FailureRestart: starting a new process failed.
	FailureRestart Failure = "restart failed"
)

// Plugin describes one plugin the host runs, as "searcharr plugins list"
// and the API show it.
type Plugin struct {
	Name        string
	Version     string
	Description string
	// Source is SourceBuiltIn or the path of the plugin's executable.
	Source string
	// Protocol is the negotiated transport, "grpc".
	Protocol string
	// ProtocolVersion is the negotiated plugin protocol version.
	ProtocolVersion int
	// SHA256 is the hex SHA-256 of the executable; empty for built-ins.
	SHA256 string
	Status Status
	// Restarts counts the times the host restarted the plugin.
	Restarts int
	// LastError says why the plugin last crashed, hung or failed to
	// restart; empty if it never did.
	LastError string
	// LastFailure classifies LastError in words fit for anyone to read:
	// one of the Failure constants, empty if the plugin never failed.
	LastFailure Failure
	// Unanswered is how long the running process has left a health check
	// unanswered, once that is longer than an answer takes; zero while it
	// answers. A process that stays silent for the hang timeout is killed.
	Unanswered    time.Duration
	Triggers      []sdk.TriggerKind
	InstanceKinds []sdk.InstanceKind
	ConfigSchema  json.RawMessage
}

// Process is a running plugin process.
type Process struct {
	Name string
	PID  int
}

// Skipped is an executable the host found but refused to run.
type Skipped struct {
	// Source is SourceBuiltIn or the executable's path.
	Source string
	// Name is the plugin's name when it was known: a built-in's name, or
	// the name it reported before it was refused.
	Name string
	// Reason says why it was skipped.
	Reason string
}

func (m *managed) describe() Plugin {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := Plugin{
		Name:            m.name,
		Version:         m.info.Version,
		Description:     m.info.Description,
		Source:          m.cand.source(),
		Protocol:        m.protocol,
		ProtocolVersion: m.protocolVersion,
		SHA256:          m.cand.sha256,
		Status:          m.status,
		Restarts:        m.restarts,
		Triggers:        append([]sdk.TriggerKind(nil), m.info.Triggers...),
		InstanceKinds:   append([]sdk.InstanceKind(nil), m.info.InstanceKinds...),
		ConfigSchema:    append(json.RawMessage(nil), m.info.ConfigSchema...),
	}
	if m.lastErr != nil {
		p.LastError = m.lastErr.Error()
		p.LastFailure = m.lastFailure
	}
	if m.inst != nil {
		p.Unanswered = m.inst.unanswered(m.host.slowAnswer())
	}
	return p
}
