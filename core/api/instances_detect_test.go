package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/arr/fakearr"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// TestConnectionTestAgainstTheSimulator: without a kind the test detects
// it from the application's status; a wrong API key is named on api_key
// and a wrong URL base on url.
func TestConnectionTestAgainstTheSimulator(t *testing.T) {
	sim, err := fakearr.New(fakearr.Config{Instances: []fakearr.InstanceConfig{
		{Kind: domain.KindSonarr, Name: "sonarr", APIKey: "sonarr-key-0001"},
		{Kind: domain.KindRadarr, Name: "radarr", APIKey: "radarr-key-0001"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)

	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st)
	a := bearer(h.register("alice", cred{}).AccessToken)
	for _, tc := range []struct{ base, key, kind string }{
		{"/sonarr", "sonarr-key-0001", "sonarr"},
		{"/radarr", "radarr-key-0001", "radarr"},
	} {
		var out struct {
			Success   bool
			Kind, App string
		}
		h.must(http.StatusOK, "POST", "/api/instances/test", map[string]any{"url": srv.URL + tc.base, "api_key": tc.key}, a).json(t, &out)
		if !out.Success || out.Kind != tc.kind {
			t.Errorf("%s detected as %+v", tc.base, out)
		}
	}
	r := h.must(http.StatusUnprocessableEntity, "POST", "/api/instances/test", map[string]any{"url": srv.URL + "/sonarr", "api_key": "wrong-key-0000"}, a)
	// The message names the field and says where the right value is.
	if !strings.Contains(string(r.Body), `"location":"body.api_key"`) || !strings.Contains(string(r.Body), "API key was refused") ||
		!strings.Contains(string(r.Body), "Settings → General → Security → API Key") {
		t.Errorf("wrong key: %s", r)
	}
	r = h.must(http.StatusUnprocessableEntity, "POST", "/api/instances/test", map[string]any{"url": srv.URL + "/wrongbase", "api_key": "sonarr-key-0001"}, a)
	if !strings.Contains(string(r.Body), `"location":"body.url"`) || !strings.Contains(string(r.Body), "at this URL") ||
		!strings.Contains(string(r.Body), "URL base") {
		t.Errorf("wrong URL base: %s", r)
	}
	if strings.Contains(h.logs.String(), "sonarr-key-0001") {
		t.Error("an API key reached the logs")
	}
}
