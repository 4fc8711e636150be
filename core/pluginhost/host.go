// Package pluginhost finds, fingerprints, starts and supervises strategy
// plugins. Built-in strategies run as subprocesses of the searcharr binary
// itself ("searcharr plugin serve NAME"); third-party ones are executables
// in the plugin directory. Every plugin is a go-plugin gRPC process: one
// that fails to start, speaks another protocol, reports a bad Info or does
// not match its pin is logged and skipped; one that crashes or hangs fails
// the call in flight, is killed and restarted with backoff.
package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// startParallel bounds how many plugins start at once.
const startParallel = 4

// Host runs and supervises the plugins. Its methods are safe for
// concurrent use.
type Host struct {
	cfg           Config
	log           *slog.Logger
	metrics       Metrics // nil measures nothing
	watchInterval time.Duration

	ctx    context.Context // cancelled by Close; bounds restarts
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.RWMutex
	started bool
	plugins map[string]*managed
	skipped []Skipped
}

// New returns a host for cfg. It starts nothing; call Start.
func New(cfg Config, log *slog.Logger) (*Host, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Host{
		cfg:           cfg,
		log:           log.With("component", "pluginhost"),
		watchInterval: watchInterval,
		ctx:           ctx,
		cancel:        cancel,
		plugins:       map[string]*managed{},
	}, nil
}

// launched is the outcome of starting one candidate.
type launched struct {
	cand candidate
	log  *pluginLog
	inst *instance
	err  error
}

// Start launches every built-in and every plugin file, fingerprints each,
// and keeps the good ones running. A broken plugin is logged, listed by
// Skipped and otherwise ignored: Start fails only when ctx is done, the
// plugin directory cannot be read, or the host was started or closed.
func (h *Host) Start(ctx context.Context) error {
	h.mu.Lock()
	if h.started || h.ctx.Err() != nil {
		h.mu.Unlock()
		return errors.New("pluginhost: start: already started or closed")
	}
	h.started = true
	h.mu.Unlock()

	files, skipped, err := scanDir(h.cfg.Dir, h.cfg.Pins)
	if err != nil {
		return err
	}
	for _, s := range skipped {
		h.skip(s)
	}
	results := h.launchAll(ctx, append(builtInCandidates(h.cfg), files...))
	if err := ctx.Err(); err != nil {
		for _, r := range results {
			if r.inst != nil {
				r.inst.client.Kill()
			}
		}
		return fmt.Errorf("pluginhost: start: %w", err)
	}

	var good []launched
	for _, r := range results {
		if r.err == nil {
			r.err = checkNamePin(r.cand, r.inst.info.Name, h.cfg.Pins)
		}
		if r.err != nil {
			name := r.cand.launchName
			if r.inst != nil {
				name = r.inst.info.Name
				r.inst.client.Kill()
			}
			h.skip(Skipped{Source: r.cand.source(), Name: name, Reason: r.err.Error()})
			continue
		}
		good = append(good, r)
	}
	keep, dups := pickVersions(good)
	for _, d := range dups {
		d.inst.client.Kill()
		h.skip(Skipped{Source: d.cand.source(), Name: d.inst.info.Name, Reason: d.err.Error()})
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ctx.Err() != nil {
		for _, r := range keep {
			r.inst.client.Kill()
		}
		return fmt.Errorf("pluginhost: start: %w", ErrClosed)
	}
	for _, r := range keep {
		r.log.setName(r.inst.info.Name)
		h.plugins[r.inst.info.Name] = newManaged(h, r.cand, r.log, r.inst)
		h.log.Info("plugin loaded", "plugin", r.inst.info.Name, "version", r.inst.info.Version,
			"source", r.cand.source(), "pid", r.inst.pid)
	}
	h.wg.Add(1)
	go h.watch()
	return nil
}

func (h *Host) launchAll(ctx context.Context, cands []candidate) []launched {
	results := make([]launched, len(cands))
	sem := make(chan struct{}, startParallel)
	var wg sync.WaitGroup
	for i, c := range cands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			log := newPluginLog(h.log, c.launchName)
			r := launched{cand: c, log: log}
			if ctx.Err() == nil {
				r.inst, r.err = h.launch(ctx, c, log)
			} else {
				r.err = ctx.Err()
			}
			results[i] = r
		}()
	}
	wg.Wait()
	return results
}

func (h *Host) skip(s Skipped) {
	h.log.Warn("plugin skipped", "plugin", s.Name, "source", s.Source, "reason", s.Reason)
	h.mu.Lock()
	h.skipped = append(h.skipped, s)
	h.mu.Unlock()
}

// pickVersions keeps one plugin per name: a built-in over any file, else
// the newest version, else the first file by path. The others come back
// as duplicates, with err saying which plugin won.
func pickVersions(all []launched) (keep, dups []launched) {
	best := map[string]int{}
	for i, r := range all {
		name := r.inst.info.Name
		j, ok := best[name]
		if !ok || better(r, all[j]) {
			best[name] = i
		}
	}
	for i, r := range all {
		j := best[r.inst.info.Name]
		if i == j {
			keep = append(keep, r)
			continue
		}
		w := all[j]
		r.err = fmt.Errorf("pluginhost: duplicate plugin %q: using version %s from %s", w.inst.info.Name, w.inst.info.Version, w.cand.source())
		dups = append(dups, r)
	}
	return keep, dups
}

func better(a, b launched) bool {
	if a.cand.builtIn != b.cand.builtIn {
		return a.cand.builtIn
	}
	if c := compareVersions(a.inst.info.Version, b.inst.info.Version); c != 0 {
		return c > 0
	}
	return a.cand.path < b.cand.path
}

// Close stops every plugin process and waits for the host's background
// work to end. The host cannot be started again.
func (h *Host) Close() error {
	h.mu.Lock()
	h.cancel()
	h.mu.Unlock()
	var wg sync.WaitGroup
	for _, m := range h.all() {
		m.mu.Lock()
		inst := m.inst
		m.inst = nil
		m.mu.Unlock()
		if inst == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			inst.client.Kill()
		}()
	}
	wg.Wait()
	h.wg.Wait()
	return nil
}

// spawn runs fn in the background unless the host is closed; Close waits
// for it.
func (h *Host) spawn(fn func()) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ctx.Err() != nil {
		return false
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		fn()
	}()
	return true
}

func (h *Host) all() []*managed {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]*managed, 0, len(h.plugins))
	for _, m := range h.plugins {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func (h *Host) lookup(name string) (*managed, error) {
	if h.ctx.Err() != nil {
		return nil, fmt.Errorf("pluginhost: plugin %q: %w", name, ErrClosed)
	}
	h.mu.RLock()
	m, ok := h.plugins[name]
	h.mu.RUnlock()
	if !ok {
		return nil, unknownPlugin(name)
	}
	return m, nil
}

// List describes every plugin the host runs, sorted by name.
func (h *Host) List() []Plugin {
	ms := h.all()
	out := make([]Plugin, len(ms))
	for i, m := range ms {
		out[i] = m.describe()
	}
	return out
}

// Skipped lists the plugins found at Start that the host refused, with
// the reason.
func (h *Host) Skipped() []Skipped {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return append([]Skipped(nil), h.skipped...)
}

// Info returns the Info a plugin reported when it last started.
func (h *Host) Info(name string) (sdk.Info, error) {
	m, err := h.lookup(name)
	if err != nil {
		return sdk.Info{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.info, nil
}

// Processes lists the plugin processes running now, by plugin name.
func (h *Host) Processes() []Process {
	var out []Process
	for _, m := range h.all() {
		if inst := m.current(); inst != nil {
			out = append(out, Process{Name: m.name, PID: inst.pid})
		}
	}
	return out
}
