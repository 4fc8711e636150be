package sdktest

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

func checkPlan(t *testing.T, s sdk.Strategy, opts Options, kind sdk.InstanceKind, config json.RawMessage, budget sdk.Budget) {
	plan := mustPlan(t, s, opts, kind, config, budget)
	checkBudget(t, plan, budget)
	checkIntents(t, plan, kind)
	checkDecisions(t, plan)

	again := mustPlan(t, s, opts, kind, config, budget)
	if !reflect.DeepEqual(plan, again) {
		t.Errorf("the same input gave different plans:\nfirst  %+v\nsecond %+v", plan, again)
	}
}

func mustPlan(t *testing.T, s sdk.Strategy, opts Options, kind sdk.InstanceKind, config json.RawMessage, budget sdk.Budget) sdk.Plan {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
	defer cancel()
	plan, err := s.Plan(ctx, opts.request(kind, config, budget, opts.Library(kind)))
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return plan
}

func checkBudget(t *testing.T, plan sdk.Plan, b sdk.Budget) {
	cost := 0
	for _, in := range plan.Intents {
		cost += in.Cost()
	}
	if b.MaxIntents > 0 && len(plan.Intents) > b.MaxIntents {
		t.Errorf("%d intents, budget allows %d", len(plan.Intents), b.MaxIntents)
	}
	if b.MaxCost > 0 && cost > b.MaxCost {
		t.Errorf("intents cost %d searches, budget allows %d", cost, b.MaxCost)
	}
}

// allowedCommands are the commands each instance kind accepts.
var allowedCommands = map[sdk.InstanceKind][]sdk.CommandName{
	sdk.Sonarr: {sdk.EpisodeSearch, sdk.SeasonSearch, sdk.SeriesSearch},
	sdk.Radarr: {sdk.MoviesSearch},
}

func checkIntents(t *testing.T, plan sdk.Plan, kind sdk.InstanceKind) {
	itemType := sdk.Episode
	if kind == sdk.Radarr {
		itemType = sdk.Movie
	}
	seen := make(map[sdk.ItemKey]int)
	for i, in := range plan.Intents {
		c := in.Command
		allowed := false
		for _, name := range allowedCommands[kind] {
			allowed = allowed || c.Name == name
		}
		if !allowed {
			t.Errorf("intent %d: command %q is not a %s search command", i, c.Name, kind)
		}
		if len(in.Items) == 0 {
			t.Errorf("intent %d: no items", i)
		}
		if strings.TrimSpace(in.Reason) == "" {
			t.Errorf("intent %d: no reason", i)
		}
		if math.IsNaN(in.Score) || math.IsInf(in.Score, 0) {
			t.Errorf("intent %d: score %v is not finite", i, in.Score)
		}
		for _, k := range in.Items {
			if k.Type != itemType {
				t.Errorf("intent %d: item %s is not a %s", i, k, itemType)
			}
			if prev, dup := seen[k]; dup {
				t.Errorf("intent %d: item %s is already in intent %d", i, k, prev)
			}
			seen[k] = i
		}
		switch c.Name {
		case sdk.EpisodeSearch:
			checkIDs(t, i, c.EpisodeIDs, in.Items)
		case sdk.MoviesSearch:
			checkIDs(t, i, c.MovieIDs, in.Items)
		case sdk.SeasonSearch, sdk.SeriesSearch:
			if c.SeriesID <= 0 {
				t.Errorf("intent %d: %s without a series id", i, c.Name)
			}
		}
	}
}

// checkIDs requires the command's ids to be exactly the intent's items.
func checkIDs(t *testing.T, i int, ids []int64, items []sdk.ItemKey) {
	want := make(map[int64]bool, len(items))
	for _, k := range items {
		want[k.ID] = true
	}
	got := make(map[int64]bool, len(ids))
	for _, id := range ids {
		got[id] = true
	}
	if len(ids) != len(items) || !reflect.DeepEqual(got, want) {
		t.Errorf("intent %d: command ids %v do not match its items %v", i, ids, items)
	}
}

func checkDecisions(t *testing.T, plan sdk.Plan) {
	kept := make(map[sdk.ItemKey]bool)
	for i, d := range plan.Decisions {
		if strings.TrimSpace(d.Reason) == "" {
			t.Errorf("decision %d (%s): no reason", i, d.Item)
		}
		if d.Kept {
			kept[d.Item] = true
		}
	}
	for i, in := range plan.Intents {
		for _, k := range in.Items {
			if !kept[k] {
				t.Errorf("intent %d: item %s has no kept decision", i, k)
			}
		}
	}
}

func checkEmptyLibrary(t *testing.T, s sdk.Strategy, opts Options, kind sdk.InstanceKind) {
	ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
	defer cancel()
	plan, err := s.Plan(ctx, opts.request(kind, nil, sdk.Budget{}, NewLibrary(LibraryData{})))
	if err != nil {
		t.Fatalf("Plan over an empty library: %v", err)
	}
	if len(plan.Intents) > 0 {
		t.Errorf("Plan over an empty library asked for %d searches", len(plan.Intents))
	}
}

// checkCancellation cancels the run during the strategy's first Library
// call (or shortly after Plan starts, for strategies that read nothing) and
// requires the strategy itself, on the plugin side, to return an error
// promptly.
func checkCancellation(t *testing.T, s sdk.Strategy, obs *observed, opts Options, kind sdk.InstanceKind) {
	select {
	case <-obs.returned:
	default:
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	lib := hookLibrary{inner: opts.Library(kind), before: func(callCtx context.Context, _ string) error {
		once.Do(cancel)
		<-callCtx.Done()
		return callCtx.Err()
	}}
	timer := time.AfterFunc(50*time.Millisecond, cancel)
	defer timer.Stop()

	_, hostErr := s.Plan(ctx, opts.request(kind, nil, sdk.Budget{}, lib))
	if hostErr == nil {
		t.Log("Plan finished before it could be cancelled; nothing to check")
		return
	}
	if !errors.Is(hostErr, context.Canceled) {
		t.Errorf("host saw %v, want context.Canceled", hostErr)
	}
	select {
	case err := <-obs.returned:
		if err == nil {
			t.Error("the strategy's Plan returned no error although its context was cancelled")
		}
	case <-time.After(5 * time.Second):
		t.Error("the strategy's Plan did not return within 5s of its context being cancelled")
	}
}
