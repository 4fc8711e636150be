package sdktest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// Options tunes the conformance suite to a strategy.
type Options struct {
	// ValidConfigs are configurations Validate must accept and Plan is run
	// with. An empty config (all defaults) is always checked as well.
	ValidConfigs []json.RawMessage
	// InvalidConfigs are configurations Validate must refuse, each with the
	// path of the error it must report.
	InvalidConfigs []InvalidConfig
	// Library returns a fresh Library for one Plan call against an instance
	// of the given kind. It is called for every Plan, so each call starts
	// from the same state. The default is NewLibrary with a Backlog of 200
	// items released before Now.
	Library func(kind sdk.InstanceKind) sdk.Library
	// InstanceKinds are the kinds Plan is run for. The default is the kinds
	// Info declares, or both when it declares none.
	InstanceKinds []sdk.InstanceKind
	// Budgets are the budgets Plan is run with. The default covers intent
	// bounds, cost bounds, both, and none.
	Budgets []sdk.Budget
	// Now is the PlanRequest's reference time. The default is a fixed date.
	Now time.Time
	// Timeout bounds each call; the default is ten seconds.
	Timeout time.Duration
}

// InvalidConfig is a configuration Validate must refuse.
type InvalidConfig struct {
	// Config is the configuration.
	Config json.RawMessage
	// Path is the path of a ConfigError Validate must return for it, such
	// as "order" or "grouping/min_episodes"; empty for the whole config.
	Path string
}

// DefaultNow is the reference time the suite plans at unless Options.Now is
// set.
var DefaultNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func (o *Options) setDefaults(info sdk.Info) {
	if o.Now.IsZero() {
		o.Now = DefaultNow
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if len(o.InstanceKinds) == 0 {
		o.InstanceKinds = info.InstanceKinds
	}
	if len(o.InstanceKinds) == 0 {
		o.InstanceKinds = []sdk.InstanceKind{sdk.Sonarr, sdk.Radarr}
	}
	if o.Library == nil {
		now := o.Now
		o.Library = func(kind sdk.InstanceKind) sdk.Library {
			return NewLibrary(LibraryData{Items: Backlog(kind, 200, now)})
		}
	}
	if len(o.Budgets) == 0 {
		o.Budgets = []sdk.Budget{
			{MaxIntents: 1},
			{MaxIntents: 7},
			{MaxCost: 5},
			{MaxIntents: 10, MaxCost: 4},
			{},
		}
	}
	o.ValidConfigs = append([]json.RawMessage{nil}, o.ValidConfigs...)
}

// Conformance runs the suite every Searcharr strategy must pass, over real
// gRPC (see Connect):
//
//   - Info: a valid name, a semantic version, a description, a config
//     schema that is a JSON object, known trigger and instance kinds.
//   - Validate accepts every valid config (and the empty one) and refuses
//     every invalid one with a ConfigError at the expected path.
//   - Plan, for every instance kind, valid config and budget: honours the
//     budget (intent count and total cost), returns well-formed intents
//     (a command the instance kind supports, non-empty items matching the
//     command's ids, no item in two intents, a reason, a finite score),
//     decides every item it searches, and gives the same plan for the same
//     input.
//   - Plan stops promptly with an error when its context is cancelled while
//     it reads the Library.
//
// Each check is a subtest, so a failure names what broke.
func Conformance(t *testing.T, s sdk.Strategy, opts Options) {
	t.Helper()
	obs := &observed{inner: s, returned: make(chan error, 1)}
	remote := Connect(t, obs)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	info, err := remote.Info(ctx)
	if err != nil {
		t.Fatalf("Info: %v", err)
	}
	opts.setDefaults(info)

	t.Run("Info", func(t *testing.T) { checkInfo(t, remote, info) })
	t.Run("Validate", func(t *testing.T) { checkValidate(t, remote, opts) })
	for _, kind := range opts.InstanceKinds {
		for ci, config := range opts.ValidConfigs {
			for _, budget := range opts.Budgets {
				name := fmt.Sprintf("Plan/%s/config-%d/intents-%d-cost-%d", kind, ci, budget.MaxIntents, budget.MaxCost)
				t.Run(name, func(t *testing.T) {
					checkPlan(t, remote, opts, kind, config, budget)
				})
			}
		}
		t.Run(fmt.Sprintf("Plan/%s/empty-library", kind), func(t *testing.T) {
			checkEmptyLibrary(t, remote, opts, kind)
		})
		t.Run(fmt.Sprintf("Plan/%s/cancellation", kind), func(t *testing.T) {
			checkCancellation(t, remote, obs, opts, kind)
		})
	}
}

// request builds the PlanRequest the suite sends.
func (o *Options) request(kind sdk.InstanceKind, config json.RawMessage, budget sdk.Budget, lib sdk.Library) sdk.PlanRequest {
	return sdk.PlanRequest{
		Trigger:  sdk.Trigger{Kind: sdk.TriggerSchedule, ID: "conformance", At: o.Now},
		Instance: sdk.Instance{ID: 1, Name: string(kind) + "-conformance", Kind: kind},
		Config:   config,
		Budget:   budget,
		Now:      o.Now,
		Library:  lib,
	}
}

// observed wraps the strategy on the plugin side of the wire so that the
// suite sees when its Plan really returns, not only when the host gives up.
type observed struct {
	inner sdk.Strategy
	// returned receives the error of each Plan as it returns, unless it
	// already holds one.
	returned chan error
}

func (o *observed) Info(ctx context.Context) (sdk.Info, error) { return o.inner.Info(ctx) }

func (o *observed) Validate(ctx context.Context, c json.RawMessage) error {
	return o.inner.Validate(ctx, c)
}

func (o *observed) Plan(ctx context.Context, r sdk.PlanRequest) (sdk.Plan, error) {
	p, err := o.inner.Plan(ctx, r)
	select {
	case o.returned <- err:
	default:
	}
	return p, err
}
