package fakearr

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vibequality/searcharr/core/domain"
)

// discardWriter is a ResponseWriter that throws the body away.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

var _ io.Writer = (*discardWriter)(nil)

func BenchmarkWantedMissingPage1000(b *testing.B) {
	sim, err := New(Config{Instances: []InstanceConfig{{Kind: domain.KindSonarr, Seed: 1, Episodes: 100_000, MissingRatio: 0.3}}, RequestLogLimit: 1000})
	if err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	in := sim.Instance("sonarr")
	if n := len(in.Wanted(false, true)); n < 10_000 {
		b.Fatalf("only %d missing episodes", n)
	}
	req := httptest.NewRequest(http.MethodGet, "/sonarr/api/v3/wanted/missing?page=3&pageSize=1000&sortKey=episodes.airDateUtc&sortDirection=ascending&includeSeries=true", nil)
	req.Header.Set("X-Api-Key", in.APIKey())
	b.ReportAllocs()
	for b.Loop() {
		w := &discardWriter{h: http.Header{}}
		sim.ServeHTTP(w, req)
	}
}

func BenchmarkGenerateSonarr200k(b *testing.B) {
	cfg := InstanceConfig{Kind: domain.KindSonarr, Seed: 1, Episodes: 200_000, MissingRatio: 0.3, CutoffRatio: 0.2}.withDefaults(0)
	b.ReportAllocs()
	for b.Loop() {
		lib := generateSonarr(cfg, testStart)
		if len(lib.episodes) != 200_000 {
			b.Fatal(len(lib.episodes))
		}
	}
}

func BenchmarkGenerateRadarr20k(b *testing.B) {
	cfg := InstanceConfig{Kind: domain.KindRadarr, Seed: 1, Movies: 20_000, MissingRatio: 0.3}.withDefaults(0)
	b.ReportAllocs()
	for b.Loop() {
		generateRadarr(cfg, testStart)
	}
}
