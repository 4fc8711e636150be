package pluginhost

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"

	"github.com/hashicorp/go-plugin"
	"github.com/vibequality/searcharr/sdk"
)

// instance is one running plugin process.
type instance struct {
	client          *plugin.Client
	rpc             plugin.ClientProtocol
	strategy        sdk.Strategy
	pid             int
	info            sdk.Info
	protocol        string
	protocolVersion int

	// deadCtx is cancelled, with the reason as its cause, when the host
	// gives the process up; calls in flight on it end then.
	deadCtx  context.Context
	markDead context.CancelCauseFunc
	// pingSent is when the health check awaiting an answer was sent, and
	// pingDone when the last one ended, in Unix nanoseconds; pingSent is
	// zero when none awaits an answer.
	pingSent atomic.Int64
	pingDone atomic.Int64
}

// envAllowed lists the host environment variables a plugin inherits. The
// rest (database URLs, secret keys, anything a deployment put there) stays
// in the host.
var envAllowed = []string{"PATH", "HOME", "USER", "TMPDIR", "TZ", "LANG", "GOCOVERDIR", "GODEBUG", "GOTRACEBACK"}

func pluginEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "LC_") {
			env = append(env, kv)
			continue
		}
		for _, a := range envAllowed {
			if k == a {
				env = append(env, kv)
				break
			}
		}
	}
	return env
}

// launch starts the candidate's process, completes the handshake (which
// checks the magic cookie and the protocol version), dispenses the
// strategy and fingerprints it with Info. On any error the process is
// killed.
func (h *Host) launch(ctx context.Context, c candidate, log *pluginLog) (*instance, error) {
	cmd := exec.Command(c.path, c.args...)
	cmd.Env = pluginEnv()
	cc := &plugin.ClientConfig{
		HandshakeConfig:  handshake,
		VersionedPlugins: versionedPlugins(),
		Cmd:              cmd,
		SkipHostEnv:      true,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		StartTimeout:     h.cfg.StartTimeout,
		Logger:           log.hclog(),
		SyncStdout:       log.writer("stdout"),
		SyncStderr:       log.writer("stderr"),
	}
	if c.sha256 != "" {
		sum, err := hex.DecodeString(c.sha256)
		if err != nil {
			return nil, fmt.Errorf("pluginhost: %s: bad digest: %w", c.label(), err)
		}
		cc.SecureConfig = &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()}
	}
	client := plugin.NewClient(cc)
	inst, err := h.handshake(ctx, client, c)
	if err != nil {
		client.Kill()
		return nil, err
	}
	return inst, nil
}

func (h *Host) handshake(ctx context.Context, client *plugin.Client, c candidate) (*instance, error) {
	rpc, err := client.Client()
	if err != nil {
		return nil, fmt.Errorf("pluginhost: start %s: %w", c.label(), err)
	}
	strategy, err := dispense(rpc)
	if err != nil {
		return nil, fmt.Errorf("pluginhost: dispense %s: %w", c.label(), err)
	}
	deadCtx, markDead := context.WithCancelCause(context.Background())
	inst := &instance{
		deadCtx:         deadCtx,
		markDead:        markDead,
		client:          client,
		rpc:             rpc,
		strategy:        strategy,
		protocol:        string(client.Protocol()),
		protocolVersion: client.NegotiatedVersion(),
	}
	if rc := client.ReattachConfig(); rc != nil {
		inst.pid = rc.Pid
	}
	err = bounded(ctx, h.cfg.CallTimeout, func(ctx context.Context) error {
		info, err := strategy.Info(ctx)
		inst.info = info
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("pluginhost: fingerprint %s: Info: %w", c.label(), err)
	}
	if !validName(inst.info.Name) {
		return nil, fmt.Errorf("pluginhost: fingerprint %s: invalid name %q: want lowercase letters, digits and dashes", c.label(), inst.info.Name)
	}
	if c.builtIn && inst.info.Name != c.launchName {
		return nil, fmt.Errorf("pluginhost: fingerprint %s: built-in %q reports name %q", c.label(), c.launchName, inst.info.Name)
	}
	if inst.info.Version == "" {
		return nil, fmt.Errorf("pluginhost: fingerprint %s: plugin %q reports no version", c.label(), inst.info.Name)
	}
	return inst, nil
}

// kill stops the process at once, for a plugin that crashed or hung.
func (i *instance) kill() {
	if i.pid > 0 {
		if p, err := os.FindProcess(i.pid); err == nil {
			_ = p.Kill()
		}
	}
	i.client.Kill()
}

// exited reports whether the process is gone, or alive but no longer
// answering go-plugin's health check within a second.
func (i *instance) exited(ctx context.Context) bool {
	if i.client.Exited() {
		return true
	}
	err := bounded(ctx, pingTimeout, func(context.Context) error { return i.rpc.Ping() })
	return err != nil || i.client.Exited()
}
