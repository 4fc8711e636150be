package testlib

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

// Benchmark library size: 100,000 episodes of which 30,000 are wanted.
const (
	BenchEpisodes = 100_000
	BenchWanted   = 30_000
)

// BenchPlan measures Plan of s over real gRPC (sdktest.Connect) with the
// fake library of data, and reports ms/op, the Library calls per Plan
// (calls/op) and the intents per Plan (intents/op).
func BenchPlan(b *testing.B, s sdk.Strategy, data sdktest.LibraryData, kind sdk.InstanceKind, config string, budget sdk.Budget) {
	b.Helper()
	lib := sdktest.NewLibrary(data)
	remote := sdktest.Connect(b, s)
	req := sdk.PlanRequest{
		Trigger:  sdk.Trigger{Kind: sdk.TriggerSchedule, ID: "bench", At: Now},
		Instance: sdk.Instance{ID: 1, Name: "bench", Kind: kind},
		Config:   json.RawMessage(config),
		Budget:   budget,
		Now:      Now,
		Library:  lib,
	}
	b.ReportAllocs()
	calls, intents := 0, 0
	for b.Loop() {
		lib.Reset()
		plan, err := remote.Plan(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		if len(plan.Intents) == 0 {
			b.Fatal("no intents")
		}
		calls += len(lib.Calls())
		intents += len(plan.Intents)
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/op")
	b.ReportMetric(float64(calls)/float64(b.N), "calls/op")
	b.ReportMetric(float64(intents)/float64(b.N), "intents/op")
}
