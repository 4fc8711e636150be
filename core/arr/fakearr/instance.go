package fakearr

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// Instance is one simulated Sonarr or Radarr. Its methods let Go tests read
// and change its state; all are safe for concurrent use.
type Instance struct {
	sim *Sim
	cfg InstanceConfig
	seq int

	mu        sync.Mutex
	son       *sonarrLibrary
	rad       *radarrLibrary
	startTime time.Time
	version   uint64
	wanted    map[wantedKey]*wantedList
	commands  []*command
	downloads []*download
	queued    map[int]bool // item ids in the download queue
	history   []historyRecord
	counters  counters
	indexer   indexerState
	hooks     *hookSender
	pending   []hookEvent
	timers    map[int]func() bool
	timerSeq  int
	wakes     map[int64]bool
	closed    bool
	apiSeq    atomic.Uint64

	// hookMu guards cfg.Webhook, which the control API can change while
	// webhooks are being sent (as a user edits Settings → Connect).
	hookMu sync.Mutex
}

// SetWebhook replaces the instance's webhook connection, as saving
// Settings → Connect → Webhook in the app does; an empty URL turns
// webhooks off.
func (in *Instance) SetWebhook(c WebhookConfig) error {
	c.Method = strings.ToUpper(c.Method)
	if c.Method == "" {
		c.Method = http.MethodPost
	}
	if c.Method != http.MethodPost && c.Method != http.MethodPut {
		return fmt.Errorf("fakearr: webhook method %q: want POST or PUT", c.Method)
	}
	in.hookMu.Lock()
	defer in.hookMu.Unlock()
	in.cfg.Webhook = c
	return nil
}

// webhook returns the current webhook connection.
func (in *Instance) webhook() WebhookConfig {
	in.hookMu.Lock()
	defer in.hookMu.Unlock()
	return in.cfg.Webhook
}

var instanceSeq struct {
	sync.Mutex
	n int
}

func newInstance(s *Sim, cfg InstanceConfig) *Instance {
	now := s.clock.Now()
	in := &Instance{
		sim:       s,
		cfg:       cfg,
		startTime: now,
		wanted:    map[wantedKey]*wantedList{},
		timers:    map[int]func() bool{},
		wakes:     map[int64]bool{},
		queued:    map[int]bool{},
	}
	instanceSeq.Lock()
	instanceSeq.n++
	in.seq = instanceSeq.n
	instanceSeq.Unlock()
	switch cfg.Kind {
	case domain.KindSonarr:
		in.son = generateSonarr(cfg, now)
	case domain.KindRadarr:
		in.rad = generateRadarr(cfg, now)
	}
	in.indexer.day = dayOf(now)
	in.hooks = newHookSender(s, in)
	return in
}

// Name is the instance's name.
func (in *Instance) Name() string { return in.cfg.Name }

// Kind is sonarr or radarr.
func (in *Instance) Kind() domain.InstanceKind { return in.cfg.Kind }

// URLBase is the instance's path prefix, like "/sonarr".
func (in *Instance) URLBase() string { return in.cfg.URLBase }

// APIKey is the key the instance expects.
func (in *Instance) APIKey() string { return in.cfg.APIKey }

// Config returns the instance's configuration, defaults filled in.
func (in *Instance) Config() InstanceConfig { return in.cfg }

// now is the simulator's time.
func (in *Instance) now() time.Time { return in.sim.clock.Now() }

// serve answers a request for this instance; rest is the path after the
// URL base.
func (in *Instance) serve(w http.ResponseWriter, r *http.Request, rest string) {
	started := time.Now()
	body := readBody(r)
	entry := in.sim.requests.start(r, in.cfg.Name, body, in.now())
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			in.sim.log.Error("handler panic", "instance", in.cfg.Name, "path", r.URL.Path, "panic", p)
			if sw.status == 0 {
				writeError(sw, http.StatusInternalServerError, "Internal server error", "")
			}
		}
		in.sim.requests.finish(entry, sw.status, time.Since(started))
	}()
	if in.sim.faults.match(in.cfg.Name, rest).apply(sw, r) {
		if sw.status == 0 {
			sw.status = 499 // the client went away
		}
		return
	}
	in.advance()
	lower := strings.ToLower(rest)
	if lower == "/ping" {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			sw.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		writeJSON(sw, http.StatusOK, map[string]string{"status": "OK"})
		return
	}
	if !in.authorized(r) {
		sw.WriteHeader(http.StatusUnauthorized)
		return
	}
	if !strings.HasPrefix(lower, "/api/v3/") {
		sw.WriteHeader(http.StatusNotFound)
		return
	}
	in.route(sw, r, strings.Trim(rest[len("/api/v3/"):], "/"), body)
}

// authorized checks the API key: the apikey query parameter first, then the
// X-Api-Key header, then Authorization: Bearer.
func (in *Instance) authorized(r *http.Request) bool {
	var key string
	q := r.URL.Query()
	switch {
	case q.Has("apikey"):
		key = q.Get("apikey")
	case r.Header.Get("X-Api-Key") != "":
		key = r.Header.Get("X-Api-Key")
	default:
		auth := r.Header.Get("Authorization")
		if len(auth) > 7 && strings.EqualFold(auth[:7], "bearer ") {
			key = strings.TrimSpace(auth[7:])
		}
	}
	return key != "" && subtle.ConstantTimeCompare([]byte(key), []byte(in.cfg.APIKey)) == 1
}

// nextTrace numbers error bodies for their traceId.
func (in *Instance) nextTrace() uint64 {
	return hashOf(in.cfg.Seed, in.apiSeq.Add(1), hashString(in.cfg.Name))
}

// route dispatches an authenticated /api/v3 request; path has no slashes
// at either end.
func (in *Instance) route(w http.ResponseWriter, r *http.Request, path string, body []byte) {
	parts := strings.Split(strings.ToLower(path), "/")
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	sonarr := in.cfg.Kind == domain.KindSonarr
	id, hasID := 0, false
	switch parts[0] {
	case "series", "episode", "movie", "tag", "qualityprofile", "command":
		if len(parts) == 2 {
			var ok bool
			if id, ok = atoiStrict(parts[1]); !ok {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			hasID = true
		}
	}
	methodOK := func(ok bool) bool {
		if !ok {
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
		return ok
	}
	switch {
	case strings.EqualFold(path, "system/status"):
		if methodOK(get) {
			in.handleStatus(w)
		}
	case strings.EqualFold(path, "health"):
		if methodOK(get) {
			in.handleHealth(w)
		}
	case parts[0] == "wanted" && len(parts) >= 2 && (parts[1] == "missing" || parts[1] == "cutoff"):
		if !methodOK(get) {
			return
		}
		switch {
		case len(parts) == 2:
			in.handleWanted(w, r, parts[1] == "cutoff")
		case len(parts) == 3 && sonarr:
			eid, ok := atoiStrict(parts[2])
			if !ok {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			in.handleEpisode(w, r, eid)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	case strings.EqualFold(path, "queue/status"):
		if methodOK(get) {
			in.handleQueueStatus(w)
		}
	case parts[0] == "queue" && len(parts) == 1:
		if methodOK(get) {
			in.handleQueue(w, r)
		}
	case parts[0] == "series" && sonarr && len(parts) <= 2:
		if !methodOK(get) {
			return
		}
		if hasID {
			in.handleSeriesByID(w, id)
		} else {
			in.handleSeries(w, r)
		}
	case parts[0] == "episode" && sonarr && len(parts) <= 2:
		if !methodOK(get) {
			return
		}
		if hasID {
			in.handleEpisode(w, r, id)
		} else {
			in.handleEpisodes(w, r)
		}
	case parts[0] == "movie" && !sonarr && len(parts) <= 2:
		if !methodOK(get) {
			return
		}
		if hasID {
			in.handleMovieByID(w, id)
		} else {
			in.handleMovies(w, r)
		}
	case parts[0] == "calendar" && len(parts) == 1:
		if methodOK(get) {
			in.handleCalendar(w, r)
		}
	case parts[0] == "tag" && len(parts) <= 2:
		if methodOK(get) {
			in.handleTags(w, id, hasID)
		}
	case parts[0] == "qualityprofile" && len(parts) <= 2:
		if methodOK(get) {
			in.handleProfiles(w, id, hasID)
		}
	case strings.EqualFold(path, "history/since"):
		if methodOK(get) {
			in.handleHistorySince(w, r)
		}
	case parts[0] == "command" && len(parts) == 1:
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			in.handleCommands(w)
		case http.MethodPost:
			in.handlePostCommand(w, r, body)
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	case parts[0] == "command" && hasID:
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			in.handleCommandByID(w, id)
		case http.MethodDelete:
			in.handleCancelCommand(w, id)
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// atoiStrict parses a positive or zero decimal int without sign or spaces.
func atoiStrict(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// close stops the instance's timers and its webhook sender.
func (in *Instance) close() {
	in.mu.Lock()
	in.closed = true
	for id, stop := range in.timers {
		stop()
		delete(in.timers, id)
	}
	in.mu.Unlock()
	in.hooks.close()
}

// wakeAt arranges for advance to run at t. The caller holds the lock.
func (in *Instance) wakeAt(t time.Time) {
	if in.closed || in.wakes[t.UnixNano()] {
		return
	}
	in.timerSeq++
	id, key := in.timerSeq, t.UnixNano()
	in.wakes[key] = true
	in.timers[id] = in.sim.clock.AfterFunc(t.Sub(in.now()), func() {
		in.mu.Lock()
		delete(in.timers, id)
		delete(in.wakes, key)
		in.mu.Unlock()
		in.advance()
	})
}

// advance moves the instance's state to the clock's time: commands start
// and complete, downloads import, the indexer day rolls over. Then it sends
// the webhooks that produced.
func (in *Instance) advance() {
	in.mu.Lock()
	in.advanceLocked()
	in.unlockAndFlush()
}

// unlockAndFlush releases the lock and hands pending webhooks to the sender.
func (in *Instance) unlockAndFlush() {
	events := in.pending
	in.pending = nil
	in.mu.Unlock()
	for _, ev := range events {
		in.hooks.enqueue(ev)
	}
}

// advanceLocked does advance's work; the caller holds the lock.
func (in *Instance) advanceLocked() {
	now := in.now()
	in.rollDay(now)
	in.checkIndexerHealth()
	in.runCommands(now)
	in.importDue(now)
}

// Advance processes everything due at the clock's current time. Timers do
// this on their own; tests with a ManualClock may call it to be sure.
func (in *Instance) Advance() { in.advance() }
