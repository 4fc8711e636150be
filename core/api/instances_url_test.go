package api_test

import (
	"fmt"
	"net/http"
	"strings"
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
