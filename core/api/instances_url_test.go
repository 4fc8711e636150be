package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// TestChangedURLNeedsTheAPIKey: a PUT that moves an instance to another
// URL without its API key is refused naming api_key, and changes nothing,
// so the stored key never goes to a URL it was not given for.
func TestChangedURLNeedsTheAPIKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		a := bearer(h.register("alice", cred{}).AccessToken)
		id := h.createInstance(a, "Sonarr", "first-key-0001")
		ip := fmt.Sprintf("/api/instances/%d", id)

		body := instanceBody("Sonarr", "")
		delete(body, "api_key")
		body["url"] = "http://attacker.example:8989"
		r := h.must(http.StatusUnprocessableEntity, "PUT", ip, body, a)
		if !strings.Contains(string(r.Body), `"body.api_key"`) {
			t.Fatalf("refusal does not name api_key: %s", r)
		}
		var got struct{ URL string }
		h.must(http.StatusOK, "GET", ip, nil, a).json(t, &got)
		if got.URL != "http://127.0.0.1:8989" {
			t.Fatalf("refused update changed the url to %s", got.URL)
		}
		creds, err := st.Instances().Credentials(t.Context(), id)
		if err != nil || creds.URL != "http://127.0.0.1:8989" || creds.APIKey.Reveal() != "first-key-0001" {
			t.Fatalf("stored credentials after a refused update: %s %v", creds.URL, err)
		}

		// Changing the kind alone needs the key too.
		body["url"], body["kind"] = "http://127.0.0.1:8989", "radarr"
		r = h.must(http.StatusUnprocessableEntity, "PUT", ip, body, a)
		if !strings.Contains(string(r.Body), `"body.api_key"`) {
			t.Fatalf("kind change without a key: refusal does not name api_key: %s", r)
		}
		body["kind"] = "sonarr"

		// The same URL, written a little differently, keeps the key.
		body["url"] = "HTTP://127.0.0.1:8989/"
		body["burst"] = 3
		h.must(http.StatusOK, "PUT", ip, body, a)

		// A new URL with its key is accepted.
		body["url"], body["api_key"] = "http://sonarr.lan:8989", "second-key-0002"
		h.must(http.StatusOK, "PUT", ip, body, a)
		creds, err = st.Instances().Credentials(t.Context(), id)
		if err != nil || creds.URL != "http://sonarr.lan:8989" || creds.APIKey.Reveal() != "second-key-0002" {
			t.Fatalf("credentials after moving with a key: %s %v", creds.URL, err)
		}
	})
}

// TestChangedURLNeverReceivesTheOldKey: after a refused move to another
// server, testing the instance still calls the URL the key was given
// for; the other server never sees a request, let alone the key.
func TestChangedURLNeverReceivesTheOldKey(t *testing.T) {
	var seen atomic.Int64
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		t.Errorf("the other server got %s %s with a key of %d characters", r.Method, r.URL.Path, len(r.Header.Get("X-Api-Key")))
	}))
	t.Cleanup(attacker.Close)
	port, conns := serveCounting(t, simulator(t))
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st)
	a := bearer(h.register("alice", cred{}).AccessToken)
	body := instanceBody("Sonarr", "sonarr-key-0001")
	body["url"] = "http://127.0.0.1:" + port + "/sonarr"
	var inst struct{ ID int64 }
	h.must(http.StatusCreated, "POST", "/api/instances", body, a).json(t, &inst)
	ip := fmt.Sprintf("/api/instances/%d", inst.ID)

	delete(body, "api_key")
	body["url"] = attacker.URL
	h.must(http.StatusUnprocessableEntity, "PUT", ip, body, a)
	body["url"], body["kind"] = attacker.URL, "radarr"
	h.must(http.StatusUnprocessableEntity, "PUT", ip, body, a)
	h.must(http.StatusOK, "POST", ip+"/test", nil, a)
	if seen.Load() != 0 || conns.n.Load() == 0 {
		t.Fatalf("after refused moves the test reached the other server %d times and the instance over %d connections", seen.Load(), conns.n.Load())
	}
}
