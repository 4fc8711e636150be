package fakearr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// Sim hosts simulated Sonarr and Radarr instances on one http.Handler.
type Sim struct {
	clock     Clock
	log       *slog.Logger
	client    *http.Client
	instances []*Instance // by url base length, longest first
	byName    map[string]*Instance
	requests  *requestLog
	faults    *faultSet
	control   http.Handler

	mu     sync.Mutex
	server *http.Server
	ln     net.Listener
	closed bool
}

// New builds a simulator and generates every instance's library.
func New(cfg Config) (*Sim, error) {
	s := &Sim{
		clock:  cfg.Clock,
		log:    cfg.Logger,
		client: cfg.WebhookClient,
		byName: map[string]*Instance{},
	}
	if s.clock == nil {
		s.clock = RealClock{}
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.log = s.log.With("component", "fakearr")
	if s.client == nil {
		s.client = &http.Client{Timeout: 100 * time.Second}
	}
	list := make([]InstanceConfig, len(cfg.Instances))
	seen := map[domain.InstanceKind]int{}
	for i, ic := range cfg.Instances {
		list[i] = ic.withDefaults(seen[ic.Kind])
		seen[ic.Kind]++
	}
	if err := validateInstances(list); err != nil {
		return nil, err
	}
	s.requests = newRequestLog(cfg.RequestLogLimit)
	s.faults = newFaultSet(hashOf(list[0].Seed, 99))
	for _, f := range cfg.Faults {
		if _, err := s.faults.add(f); err != nil {
			return nil, err
		}
	}
	for _, ic := range list {
		in := newInstance(s, ic)
		s.instances = append(s.instances, in)
		s.byName[ic.Name] = in
	}
	sort.SliceStable(s.instances, func(i, j int) bool {
		return len(s.instances[i].cfg.URLBase) > len(s.instances[j].cfg.URLBase)
	})
	s.control = s.controlRoutes()
	return s, nil
}

// Instance returns the named instance, or nil.
func (s *Sim) Instance(name string) *Instance { return s.byName[name] }

// Instances returns every instance in configuration order of their names.
func (s *Sim) Instances() []*Instance {
	out := make([]*Instance, 0, len(s.instances))
	for _, in := range s.instances {
		out = append(out, in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// Requests returns the request log, oldest first.
func (s *Sim) Requests() []Request { return s.requests.list("", time.Time{}, 0) }

// ResetRequests empties the request log.
func (s *Sim) ResetRequests() { s.requests.reset() }

// Faults returns the fault set, to change faults from Go.
func (s *Sim) Faults() *FaultSet { return &FaultSet{s.faults} }

// ServeHTTP routes control requests and instance requests.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/__fakearr" || strings.HasPrefix(r.URL.Path, "/__fakearr/") {
		s.control.ServeHTTP(w, r)
		return
	}
	in, rest := s.route(r.URL.Path)
	if in == nil {
		s.requests.record(r, "", nil, http.StatusNotFound, 0, s.clock.Now())
		http.NotFound(w, r)
		return
	}
	in.serve(w, r, rest)
}

// route finds the instance whose URL base prefixes path, and the rest.
func (s *Sim) route(path string) (*Instance, string) {
	for _, in := range s.instances {
		base := in.cfg.URLBase
		if base == "/" {
			return in, path
		}
		if len(path) >= len(base) && strings.EqualFold(path[:len(base)], base) && (len(path) == len(base) || path[len(base)] == '/') {
			return in, path[len(base):]
		}
	}
	return nil, ""
}

// Start listens on addr (port 0 picks a free port) and serves in the
// background. It returns the base URL, like http://127.0.0.1:8989.
func (s *Sim) Start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("fakearr: listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.server, s.ln = srv, ln
	s.mu.Unlock()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve", "err", err)
		}
	}()
	return "http://" + ln.Addr().String(), nil
}

// URL returns the base URL of the listener started by Start, or "".
func (s *Sim) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Close stops the listener (if any), the timers and the webhook senders.
func (s *Sim) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	srv := s.server
	s.mu.Unlock()
	var err error
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err = srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
		}
	}
	for _, in := range s.instances {
		in.close()
	}
	return err
}
