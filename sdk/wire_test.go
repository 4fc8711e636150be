package sdk_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/host"
	"github.com/vibequality/searcharr/sdk/internal/bridge"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

// funcStrategy is a Strategy made of functions, for wire tests.
type funcStrategy struct {
	info     func(context.Context) (sdk.Info, error)
	validate func(context.Context, json.RawMessage) error
	plan     func(context.Context, sdk.PlanRequest) (sdk.Plan, error)
}

func (f funcStrategy) Info(ctx context.Context) (sdk.Info, error) {
	if f.info == nil {
		return sdk.Info{}, nil
	}
	return f.info(ctx)
}

func (f funcStrategy) Validate(ctx context.Context, c json.RawMessage) error {
	if f.validate == nil {
		return nil
	}
	return f.validate(ctx, c)
}

func (f funcStrategy) Plan(ctx context.Context, r sdk.PlanRequest) (sdk.Plan, error) {
	if f.plan == nil {
		return sdk.Plan{}, nil
	}
	return f.plan(ctx, r)
}

// connect runs s over real gRPC, with and without the multiplexed broker.
func connect(t *testing.T, s sdk.Strategy, multiplex bool) sdk.Strategy {
	t.Helper()
	client, server := plugin.TestPluginGRPCConn(t, multiplex, plugin.PluginSet{
		bridge.PluginName: bridge.NewPlugin(s),
	})
	// Closing the client shuts the server down through go-plugin's
	// controller service.
	_ = server
	t.Cleanup(func() { _ = client.Close() })
	remote, err := host.Dispense(client)
	if err != nil {
		t.Fatal(err)
	}
	return remote
}

func eachBroker(t *testing.T, test func(t *testing.T, connect func(sdk.Strategy) sdk.Strategy)) {
	for _, multiplex := range []bool{false, true} {
		t.Run(fmt.Sprintf("multiplex=%v", multiplex), func(t *testing.T) {
			test(t, func(s sdk.Strategy) sdk.Strategy { return connect(t, s, multiplex) })
		})
	}
}

func TestInfoRoundTrip(t *testing.T) {
	want := sdk.Info{
		Name:          "round-trip",
		Version:       "1.2.3",
		Description:   "Checks the wire.",
		ConfigSchema:  json.RawMessage(`{"type":"object"}`),
		Triggers:      []sdk.TriggerKind{sdk.TriggerSchedule, sdk.TriggerAPI},
		InstanceKinds: []sdk.InstanceKind{sdk.Sonarr},
	}
	s := sdktest.Connect(t, funcStrategy{info: func(context.Context) (sdk.Info, error) { return want, nil }})
	got, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Info = %+v, want %+v", got, want)
	}
}

func TestValidateErrorsCrossTheWire(t *testing.T) {
	plain := errors.New("strategy: disk on fire")
	tests := []struct {
		name    string
		returns error
		want    error
	}{
		{"valid", nil, nil},
		{"config errors keep their paths", sdk.ConfigErrors{
			{Path: "order", Message: "unknown order"},
			{Path: "grouping/min_episodes", Message: "must be positive"},
			{Message: "whole config"},
		}, sdk.ConfigErrors{
			{Path: "order", Message: "unknown order"},
			{Path: "grouping/min_episodes", Message: "must be positive"},
			{Message: "whole config"},
		}},
		{"positions inside a value cross too", sdk.ConfigErrors{
			{Path: "filter", Message: "unexpected token", Line: 2, Column: 7},
			{Path: "priority", Message: "no position"},
		}, sdk.ConfigErrors{
			{Path: "filter", Message: "unexpected token", Line: 2, Column: 7},
			{Path: "priority", Message: "no position"},
		}},
		{"one config error", sdk.ConfigError{Path: "page_size", Message: "too big"},
			sdk.ConfigErrors{{Path: "page_size", Message: "too big"}}},
		{"wrapped config errors", fmt.Errorf("missing: %w", sdk.Invalid("x", "bad")),
			sdk.Invalid("x", "bad")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sdktest.Connect(t, funcStrategy{validate: func(context.Context, json.RawMessage) error { return tt.returns }})
			err := s.Validate(context.Background(), json.RawMessage(`{}`))
			if !reflect.DeepEqual(err, tt.want) {
				t.Fatalf("Validate = %#v, want %#v", err, tt.want)
			}
		})
	}
	t.Run("other errors keep their message", func(t *testing.T) {
		s := sdktest.Connect(t, funcStrategy{validate: func(context.Context, json.RawMessage) error { return plain }})
		err := s.Validate(context.Background(), nil)
		var ces sdk.ConfigErrors
		if err == nil || errors.As(err, &ces) || err.Error() != plain.Error() {
			t.Fatalf("Validate = %#v, want the message %q", err, plain)
		}
	})
	t.Run("config arrives unchanged", func(t *testing.T) {
		var got json.RawMessage
		s := sdktest.Connect(t, funcStrategy{validate: func(_ context.Context, c json.RawMessage) error { got = c; return nil }})
		if err := s.Validate(context.Background(), json.RawMessage(`{"a":[1,2]}`)); err != nil {
			t.Fatal(err)
		}
		if string(got) != `{"a":[1,2]}` {
			t.Fatalf("config = %s", got)
		}
	})
}

func TestPlanRequestAndPlanRoundTrip(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
	req := sdk.PlanRequest{
		Trigger: sdk.Trigger{Kind: sdk.TriggerWebhook, ID: "t-1", At: now.Add(-time.Minute), Event: "Grab",
			Items: []sdk.ItemKey{sdk.EpisodeKey(4), sdk.EpisodeKey(5)}, DryRun: true},
		Instance: sdk.Instance{ID: 9, Name: "sonarr-4k", Kind: sdk.Sonarr},
		Config:   json.RawMessage(`{"order":"oldest_aired"}`),
		Budget:   sdk.Budget{MaxIntents: 3, MaxCost: 7},
		Now:      now,
	}
	want := sdk.Plan{
		Intents: []sdk.Intent{
			{Command: sdk.SearchEpisodes(4, 5), Items: []sdk.ItemKey{sdk.EpisodeKey(4), sdk.EpisodeKey(5)}, Reason: "r", Score: 1.5},
			{Command: sdk.SearchSeason(2, 3), Items: []sdk.ItemKey{sdk.EpisodeKey(6)}, Reason: "s"},
			{Command: sdk.SearchMovies(7), Items: []sdk.ItemKey{sdk.MovieKey(7)}, Reason: "m", Score: -2},
		},
		Decisions: []sdk.Decision{{Item: sdk.EpisodeKey(4), Kept: true, Reason: "missing"}, {Item: sdk.EpisodeKey(8), Reason: "queued"}},
	}
	var got sdk.PlanRequest
	s := sdktest.Connect(t, funcStrategy{plan: func(_ context.Context, r sdk.PlanRequest) (sdk.Plan, error) {
		got = r
		return want, nil
	}})
	plan, err := s.Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	got.Library = nil
	if !reflect.DeepEqual(got, req) {
		t.Errorf("request = %+v, want %+v", got, req)
	}
	if !reflect.DeepEqual(plan, want) {
		t.Errorf("plan = %+v, want %+v", plan, want)
	}
}

func TestPlanWithoutLibrary(t *testing.T) {
	s := sdktest.Connect(t, funcStrategy{plan: func(ctx context.Context, r sdk.PlanRequest) (sdk.Plan, error) {
		_, err := r.Library.Tags(ctx)
		return sdk.Plan{}, err
	}})
	_, err := s.Plan(context.Background(), sdk.PlanRequest{})
	if err == nil || !strings.Contains(err.Error(), "no library") {
		t.Fatalf("Plan = %v, want a no-library error", err)
	}
}

func TestPanicBecomesError(t *testing.T) {
	s := sdktest.Connect(t, funcStrategy{plan: func(context.Context, sdk.PlanRequest) (sdk.Plan, error) {
		panic("boom")
	}})
	_, err := s.Plan(context.Background(), sdk.PlanRequest{})
	if err == nil || !strings.Contains(err.Error(), "panic: boom") {
		t.Fatalf("Plan = %v, want the panic as an error", err)
	}
	if _, err := s.Info(context.Background()); err != nil {
		t.Fatalf("plugin unusable after a panic: %v", err)
	}
}

func TestBigPlan(t *testing.T) {
	const n = 50_000 // past gRPC's default 4 MiB limit
	want := sdk.Plan{Intents: make([]sdk.Intent, n), Decisions: make([]sdk.Decision, n)}
	for i := range n {
		k := sdk.EpisodeKey(int64(i + 1))
		want.Intents[i] = sdk.Intent{Command: sdk.SearchEpisodes(k.ID), Items: []sdk.ItemKey{k},
			Reason: "missing, aired 2019-04-02, oldest first", Score: float64(n - i)}
		want.Decisions[i] = sdk.Decision{Item: k, Kept: true, Reason: "missing, aired 2019-04-02"}
	}
	eachBroker(t, func(t *testing.T, connect func(sdk.Strategy) sdk.Strategy) {
		s := connect(funcStrategy{plan: func(context.Context, sdk.PlanRequest) (sdk.Plan, error) { return want, nil }})
		got, err := s.Plan(context.Background(), sdk.PlanRequest{Library: sdktest.NewLibrary(sdktest.LibraryData{})})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatal("big plan changed on the wire")
		}
	})
}
