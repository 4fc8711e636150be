package fakearr

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// InstanceInfo describes an instance to clients of the simulator.
type InstanceInfo struct {
	Kind    domain.InstanceKind `json:"kind"`
	Name    string              `json:"name"`
	URL     string              `json:"url"`
	APIKey  string              `json:"apiKey"`
	URLBase string              `json:"urlBase"`
}

// Info describes the instance; origin is the listener's base URL, like
// http://127.0.0.1:8989.
func (in *Instance) Info(origin string) InstanceInfo {
	base := in.cfg.URLBase
	if base == "/" {
		base = ""
	}
	return InstanceInfo{Kind: in.cfg.Kind, Name: in.cfg.Name, URL: strings.TrimSuffix(origin, "/") + base, APIKey: in.cfg.APIKey, URLBase: base}
}

// controlRoutes builds the /__fakearr/ API.
func (s *Sim) controlRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /__fakearr/instances", func(w http.ResponseWriter, r *http.Request) {
		out := []InstanceInfo{}
		for _, in := range s.Instances() {
			out = append(out, in.Info(requestOrigin(r)))
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("GET /__fakearr/requests", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var since time.Time
		if v := q.Get("since"); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				controlError(w, http.StatusBadRequest, "since: want an RFC 3339 time")
				return
			}
			since = t
		}
		var after uint64
		if v := q.Get("after"); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				controlError(w, http.StatusBadRequest, "after: want a sequence number")
				return
			}
			after = n
		}
		writeJSON(w, http.StatusOK, s.requests.list(q.Get("instance"), since, after))
	})
	mux.HandleFunc("DELETE /__fakearr/requests", func(w http.ResponseWriter, r *http.Request) {
		s.requests.reset()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /__fakearr/counters", func(w http.ResponseWriter, r *http.Request) {
		out := map[string]Counters{}
		for _, in := range s.Instances() {
			if n := r.URL.Query().Get("instance"); n == "" || n == in.cfg.Name {
				out[in.cfg.Name] = in.Counters()
			}
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("GET /__fakearr/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.faults.list())
	})
	mux.HandleFunc("POST /__fakearr/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Fault
		if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
			controlError(w, http.StatusBadRequest, "fakearr: fault: "+err.Error())
			return
		}
		if f.Instance != "" && s.Instance(f.Instance) == nil {
			controlError(w, http.StatusBadRequest, "fakearr: fault: unknown instance "+strconv.Quote(f.Instance))
			return
		}
		id, err := s.faults.add(f)
		if err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		f.ID = id
		s.advanceAll()
		writeJSON(w, http.StatusCreated, f)
	})
	mux.HandleFunc("DELETE /__fakearr/faults", func(w http.ResponseWriter, r *http.Request) {
		if v := r.URL.Query().Get("id"); v != "" {
			id, _ := strconv.Atoi(v)
			if !s.faults.remove(id) {
				controlError(w, http.StatusNotFound, "fakearr: no fault "+strconv.Quote(v))
				return
			}
		} else {
			s.faults.clear()
		}
		s.advanceAll()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /__fakearr/webhooks", func(w http.ResponseWriter, r *http.Request) {
		out := map[string][]WebhookDelivery{}
		for _, in := range s.Instances() {
			if n := r.URL.Query().Get("instance"); n == "" || n == in.cfg.Name {
				out[in.cfg.Name] = in.Webhooks()
			}
		}
		writeJSON(w, http.StatusOK, out)
	})
	// PUT sets an instance's webhook connection ({url, method, username,
	// password}), as a user does in Settings → Connect → Webhook.
	mux.HandleFunc("PUT /__fakearr/webhooks/{instance}", func(w http.ResponseWriter, r *http.Request) {
		in := s.Instance(r.PathValue("instance"))
		if in == nil {
			controlError(w, http.StatusNotFound, "fakearr: unknown instance")
			return
		}
		var body struct {
			URL      string `json:"url"`
			Method   string `json:"method"`
			Username string `json:"username"`
			Password string `json:"password"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			controlError(w, http.StatusBadRequest, "fakearr: "+err.Error())
			return
		}
		if err := in.SetWebhook(WebhookConfig{URL: body.URL, Method: body.Method, Username: body.Username, Password: body.Password}); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /__fakearr/webhooks/{instance}/{event}", func(w http.ResponseWriter, r *http.Request) {
		in := s.Instance(r.PathValue("instance"))
		if in == nil {
			controlError(w, http.StatusNotFound, "fakearr: unknown instance")
			return
		}
		id := 0
		for _, k := range []string{"id", "seriesId", "episodeId", "movieId"} {
			if v := r.URL.Query().Get(k); v != "" {
				id, _ = strconv.Atoi(v)
			}
		}
		if err := in.TriggerWebhook(r.PathValue("event"), id); err != nil {
			status := http.StatusBadRequest
			if errors.Is(err, domain.ErrNotFound) {
				status = http.StatusNotFound
			}
			controlError(w, status, err.Error())
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("POST /__fakearr/clock/advance", func(w http.ResponseWriter, r *http.Request) {
		mc, ok := s.clock.(*ManualClock)
		if !ok {
			controlError(w, http.StatusConflict, "fakearr: the clock is not a manual clock")
			return
		}
		d, err := time.ParseDuration(r.URL.Query().Get("d"))
		if err != nil || d < 0 {
			controlError(w, http.StatusBadRequest, "fakearr: d: want a positive duration like 1h")
			return
		}
		mc.Advance(d)
		s.advanceAll()
		writeJSON(w, http.StatusOK, map[string]time.Time{"now": mc.Now()})
	})
	return mux
}

// advanceAll processes every instance's due work.
func (s *Sim) advanceAll() {
	for _, in := range s.instances {
		in.advance()
	}
}

func controlError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
