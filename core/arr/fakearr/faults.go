package fakearr

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault makes matching requests misbehave. Zero fields do nothing; the
// effects of one fault apply in this order: Latency, Hang, Status,
// ErrorRate, Malformed.
type Fault struct {
	// ID is assigned when the fault is added.
	ID int `json:"id,omitempty"`
	// Instance limits the fault to one instance's name; empty means all.
	Instance string `json:"instance,omitempty"`
	// PathPrefix limits the fault to paths (relative to the URL base, like
	// "/api/v3/wanted") starting with it; empty means all.
	PathPrefix string `json:"pathPrefix,omitempty"`
	// Latency delays the answer (cut short when the request ends).
	Latency Duration `json:"latency,omitempty"`
	// Hang holds the request until its context ends.
	Hang bool `json:"hang,omitempty"`
	// Status answers every matching request with this code; with 429 and
	// 503 a Retry-After header of RetryAfter seconds is added.
	Status     int `json:"status,omitempty"`
	RetryAfter int `json:"retryAfter,omitempty"`
	// ErrorRate answers this share of matching requests with a 500.
	ErrorRate float64 `json:"errorRate,omitempty"`
	// Malformed answers truncated JSON with status 200.
	Malformed bool `json:"malformed,omitempty"`
	// IndexersFailing makes the matching instances' searches fail and
	// raises a Health warning; it does not affect requests.
	IndexersFailing bool `json:"indexersFailing,omitempty"`
	// Remaining, when above 0, is how many requests the fault still applies
	// to before it removes itself.
	Remaining int `json:"remaining,omitempty"`
}

// Duration is a time.Duration written in JSON as a string like "250ms".
type Duration time.Duration

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(time.Duration(d).String())), nil
}

// UnmarshalJSON reads a Go duration string or a number of milliseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	s := string(b)
	if u, err := strconv.Unquote(s); err == nil {
		v, err := time.ParseDuration(u)
		if err != nil {
			return fmt.Errorf("fakearr: duration %q: %w", u, err)
		}
		*d = Duration(v)
		return nil
	}
	ms, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("fakearr: duration %s: want a string like \"250ms\" or milliseconds", s)
	}
	*d = Duration(ms * float64(time.Millisecond))
	return nil
}

func (f Fault) validate() error {
	if f.Status != 0 && (f.Status < 100 || f.Status > 599) {
		return fmt.Errorf("fakearr: fault status %d out of range", f.Status)
	}
	if f.ErrorRate < 0 || f.ErrorRate > 1 {
		return fmt.Errorf("fakearr: fault error rate %v: want 0 to 1", f.ErrorRate)
	}
	if f.Latency < 0 || f.RetryAfter < 0 || f.Remaining < 0 {
		return errors.New("fakearr: fault latency, retryAfter and remaining must not be negative")
	}
	return nil
}

// faultSet holds the active faults.
type faultSet struct {
	mu     sync.Mutex
	seq    int
	faults []Fault
	rng    *rand.Rand
}

func newFaultSet(seed uint64) *faultSet {
	return &faultSet{rng: rand.New(rand.NewPCG(seed, mix(seed)))}
}

// FaultSet changes the simulator's faults from Go.
type FaultSet struct{ set *faultSet }

// Add activates a fault and returns its id.
func (f *FaultSet) Add(fault Fault) (int, error) { return f.set.add(fault) }

// Remove deactivates a fault; it reports whether it existed.
func (f *FaultSet) Remove(id int) bool { return f.set.remove(id) }

// Clear removes every fault.
func (f *FaultSet) Clear() { f.set.clear() }

// List returns the active faults.
func (f *FaultSet) List() []Fault { return f.set.list() }

func (s *faultSet) add(f Fault) (int, error) {
	if err := f.validate(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	f.ID = s.seq
	s.faults = append(s.faults, f)
	return f.ID, nil
}

func (s *faultSet) remove(id int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.ID == id {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			return true
		}
	}
	return false
}

func (s *faultSet) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *faultSet) list() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Fault{}, s.faults...)
}

// indexersFailing reports whether a fault makes an instance's indexers fail.
func (s *faultSet) indexersFailing(instance string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if f.IndexersFailing && (f.Instance == "" || f.Instance == instance) {
			return true
		}
	}
	return false
}

// effect is what the faults decided for one request.
type effect struct {
	latency    time.Duration
	hang       bool
	status     int
	retryAfter int
	fail       bool
	malformed  bool
}

// match combines the faults that apply to a request and uses up their
// Remaining counts.
func (s *faultSet) match(instance, path string) effect {
	s.mu.Lock()
	defer s.mu.Unlock()
	var e effect
	kept := s.faults[:0]
	for _, f := range s.faults {
		applies := (f.Instance == "" || f.Instance == instance) &&
			strings.HasPrefix(strings.ToLower(path), strings.ToLower(f.PathPrefix)) && !f.IndexersFailing
		if applies {
			e.latency += time.Duration(f.Latency)
			e.hang = e.hang || f.Hang
			if f.Status != 0 && e.status == 0 {
				e.status, e.retryAfter = f.Status, f.RetryAfter
			}
			if f.ErrorRate > 0 && s.rng.Float64() < f.ErrorRate {
				e.fail = true
			}
			e.malformed = e.malformed || f.Malformed
			if f.Remaining > 0 {
				f.Remaining--
				if f.Remaining == 0 {
					continue
				}
			}
		}
		kept = append(kept, f)
	}
	s.faults = kept
	return e
}

// apply carries out an effect; it reports whether the request was answered.
func (e effect) apply(w http.ResponseWriter, r *http.Request) bool {
	if e.latency > 0 {
		t := time.NewTimer(e.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	if e.hang {
		<-r.Context().Done()
		return true
	}
	if e.status != 0 {
		if e.status == http.StatusTooManyRequests || e.status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", strconv.Itoa(max(e.retryAfter, 1)))
		}
		if e.status >= 400 {
			writeError(w, e.status, http.StatusText(e.status), "")
		} else {
			w.WriteHeader(e.status)
		}
		return true
	}
	if e.fail {
		writeError(w, http.StatusInternalServerError, "Simulated failure", "NzbDrone.Common.Exceptions.SimulatedFailureException: Simulated failure")
		return true
	}
	if e.malformed {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"page":1,"records":[{"id":1,"title":"trunc`))
		return true
	}
	return false
}
