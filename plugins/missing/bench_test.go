package missing_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/vibequality/searcharr/plugins/missing"
	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

// BenchmarkPlanRoundTrip measures one Plan of the missing strategy over real
// gRPC: the host serves the Library over the broker, the plugin reads every
// candidate through it (pages of 2000) plus the queue, and returns one intent
// and one decision per candidate.
func BenchmarkPlanRoundTrip(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("candidates=%d", n), func(b *testing.B) {
			lib := sdktest.NewLibrary(sdktest.LibraryData{Items: sdktest.Backlog(sdk.Sonarr, n, now)})
			s := sdktest.Connect(b, missing.New())
			req := sdk.PlanRequest{
				Instance: sdk.Instance{ID: 1, Kind: sdk.Sonarr},
				Config:   []byte(`{"page_size":2000}`),
				Now:      now,
				Library:  lib,
			}
			b.ReportAllocs()
			for b.Loop() {
				plan, err := s.Plan(context.Background(), req)
				if err != nil {
					b.Fatal(err)
				}
				if len(plan.Intents) != n {
					b.Fatalf("%d intents, want %d", len(plan.Intents), n)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/op")
		})
	}
}
