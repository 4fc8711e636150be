package metrics_test

import (
	"io"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/metrics"
)

// TestBuildInfo: /metrics carries searcharr_build_info = 1 with the
// version, commit, build date and Go version as labels.
func TestBuildInfo(t *testing.T) {
	m := metrics.New()
	m.SetBuildInfo("1.2.3", "abc1234", "2026-01-02T03:04:05Z")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	want := `searcharr_build_info{commit="abc1234",date="2026-01-02T03:04:05Z",goversion="` + runtime.Version() + `",version="1.2.3"} 1`
	if !strings.Contains(string(body), want) {
		t.Fatalf("/metrics lacks %s:\n%s", want, body)
	}
	var nilMetrics *metrics.Metrics
	nilMetrics.SetBuildInfo("1", "2", "3") // no panic
}
