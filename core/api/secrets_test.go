package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// TestNoSecretInResponsesOrLogs creates instances with distinctive API
// keys, calls every endpoint that touches them (lists, details, errors,
// tests, history, updates) and searches every answer and the captured logs.
func TestNoSecretInResponsesOrLogs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		alice, bob := h.twoUsers()
		a, b := bearer(alice.AccessToken), bearer(bob.AccessToken)
		secrets := []string{"SECRETKEYALPHA0123456789abcdef", "SECRETKEYBRAVO0123456789abcdef", "SECRETKEYCHARLIE0123456789abcd", "SECRETKEYDELTA0123456789abcdef"}

		radarr := fakeArr(t, "Radarr", secrets[0])
		body := instanceBody("Wrong app", secrets[0])
		body["url"] = radarr
		var inst struct {
			ID int64 `json:"id"`
		}
		h.must(http.StatusCreated, "POST", "/api/instances", body, a).json(t, &inst)
		other := h.createInstance(a, "Other", secrets[1])
		ip := fmt.Sprintf("/api/instances/%d", inst.ID)

		// A Radarr URL saved as Sonarr: a clear 422 naming the kind.
		got := h.must(http.StatusUnprocessableEntity, "POST", ip+"/test", nil, a)
		if !strings.Contains(string(got.Body), "body.kind") || !strings.Contains(string(got.Body), "Radarr") {
			t.Fatalf("wrong-app test = %s, want 422 naming body.kind and Radarr", got)
		}
		h.must(http.StatusUnprocessableEntity, "POST", "/api/instances/test", map[string]any{"kind": "sonarr", "url": radarr, "api_key": secrets[0]}, a)
		h.must(http.StatusUnprocessableEntity, "POST", "/api/instances/test", map[string]any{"kind": "radarr", "url": radarr, "api_key": secrets[2]}, a)
		h.must(http.StatusUnprocessableEntity, "POST", "/api/instances/test", map[string]any{"kind": "radarr", "url": "http://127.0.0.1:1", "api_key": secrets[2]}, a)
		h.must(http.StatusOK, "POST", "/api/instances/test", map[string]any{"kind": "radarr", "url": radarr, "api_key": secrets[0]}, a)

		upd := instanceBody("Other", secrets[3])
		h.must(http.StatusOK, "PUT", fmt.Sprintf("/api/instances/%d", other), upd, a)
		bad := instanceBody("", secrets[3])
		h.do("PUT", fmt.Sprintf("/api/instances/%d", other), bad, a)
		h.do("POST", "/api/instances", instanceBody("Other", secrets[2]), a) // duplicate name
		h.do("POST", "/api/instances", map[string]any{"name": "x", "kind": "sonarr", "url": "http://169.254.169.254", "api_key": secrets[2]}, a)
		h.do("POST", "/api/instances", map[string]any{"name": "x", "kind": "sonarr", "url": "ftp://host", "api_key": secrets[2], "extra": secrets[2]}, a)
		h.do("POST", "/api/instances", `{"name":"x","api_key":"`+secrets[2]+`",`, a)
		h.do("PUT", ip, instanceBody("x", secrets[2]), b)
		q := h.createQueue(a, inst.ID, "Q")
		h.must(http.StatusAccepted, "POST", fmt.Sprintf("/api/search-queues/%d/start", q), nil, a)
		for _, p := range []string{"/api/instances", ip, fmt.Sprintf("/api/instances/%d", other), "/api/search-queues",
			fmt.Sprintf("/api/search-queues/%d/status", q), "/api/search-history", "/api/plugins", "/health", "/api/auth/me", "/openapi.json"} {
			h.must(http.StatusOK, "GET", p, nil, a)
		}

		bodies.mu.Lock()
		all := strings.Join(bodies.all, "\n")
		bodies.mu.Unlock()
		logs := h.logs.String()
		if len(logs) == 0 {
			t.Fatal("no logs captured")
		}
		for _, s := range secrets {
			if strings.Contains(all, s) {
				t.Errorf("secret %s found in a response", s)
			}
			if strings.Contains(logs, s) {
				t.Errorf("secret %s found in the logs", s)
			}
		}
		// The key is stored, but sealed.
		cred, err := st.Instances().Credentials(t.Context(), other)
		if err != nil || cred.APIKey.Reveal() != secrets[3] {
			t.Fatalf("stored key not updated: %v", err)
		}
	})
}

// TestWebhookPasswordOnlyInItsOwnersAnswer: the webhook token and password
// appear in the owner's GET webhook and regenerate answers and nowhere
// else: not in instance answers, other users' attempts, errors, the
// OpenAPI document or the logs; the arr API key appears nowhere at all.
func TestWebhookPasswordOnlyInItsOwnersAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		alice, bob := h.twoUsers()
		a, b := bearer(alice.AccessToken), bearer(bob.AccessToken)
		const apiKey = "SECRETKEYECHO0123456789abcdefgh"
		inst := h.createInstance(a, "Sonarr", apiKey)
		ip := fmt.Sprintf("/api/instances/%d", inst)
		type hook struct {
			URL      string `json:"url"`
			Password string `json:"password"`
		}
		var first, second hook
		h.must(http.StatusOK, "GET", ip+"/webhook", nil, a).json(t, &first)
		h.must(http.StatusOK, "POST", ip+"/webhook/regenerate", nil, a).json(t, &second)

		var others []string
		record := func(r resp) { others = append(others, string(r.Body)+fmt.Sprint(r.Header)) }
		for _, p := range []string{"/api/instances", ip, "/api/search-history", "/health", "/openapi.json", "/api/auth/me"} {
			record(h.must(http.StatusOK, "GET", p, nil, a))
		}
		record(h.do("GET", ip+"/webhook", nil, b))
		record(h.do("POST", ip+"/webhook/regenerate", nil, b))
		record(h.do("PUT", ip, instanceBody("", apiKey), a))
		record(h.do("POST", ip+"/test", nil, a))

		tokenOf := func(u string) string { return u[strings.LastIndexByte(u, '/')+1:] }
		secrets := []string{first.Password, second.Password, tokenOf(first.URL), tokenOf(second.URL)}
		logs := h.logs.String()
		for _, sec := range secrets {
			if len(sec) < 40 {
				t.Fatalf("webhook secret %q too short", sec)
			}
			for _, o := range others {
				if strings.Contains(o, sec) {
					t.Errorf("webhook secret found in an answer other than its owner's webhook: %.200s", o)
				}
			}
			if strings.Contains(logs, sec) {
				t.Error("webhook secret found in the logs")
			}
		}
		bodies.mu.Lock()
		all := strings.Join(bodies.all, "\n")
		bodies.mu.Unlock()
		if strings.Contains(all, apiKey) || strings.Contains(logs, apiKey) {
			t.Error("arr api key found in an answer or the logs")
		}
		if n := strings.Count(all, second.Password); n != 1 {
			t.Errorf("the current webhook password appears in %d answers, want only the regenerate answer", n)
		}
		// Sealed at rest.
		var raw []byte
		if err := st.DB().QueryRowContext(t.Context(), fmt.Sprintf("SELECT webhook_secret FROM instances WHERE id = %d", inst)).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), second.Password) {
			t.Error("webhook password stored in clear")
		}
	})
}
