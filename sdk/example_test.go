package sdk_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

// animeFirst is the tutorial's strategy from the package documentation.
type animeFirst struct{}

func (animeFirst) Info(context.Context) (sdk.Info, error) {
	return sdk.Info{
		Name:          "anime-first",
		Version:       "1.0.0",
		Description:   "Searches missing anime episodes before anything else.",
		ConfigSchema:  json.RawMessage(`{"type":"object","additionalProperties":false}`),
		InstanceKinds: []sdk.InstanceKind{sdk.Sonarr},
	}, nil
}

func (animeFirst) Validate(_ context.Context, config json.RawMessage) error {
	var opts map[string]any
	if len(config) > 0 && json.Unmarshal(config, &opts) != nil {
		return sdk.Invalid("", "must be a JSON object")
	}
	for key := range opts {
		return sdk.Invalid(key, "unknown option")
	}
	return nil
}

func (animeFirst) Plan(ctx context.Context, req sdk.PlanRequest) (sdk.Plan, error) {
	var plan sdk.Plan
	cost := 0
	for page := 1; ; page++ {
		res, err := req.Library.WantedMissing(ctx, sdk.WantedQuery{Page: page, PageSize: 250})
		if err != nil {
			return sdk.Plan{}, err
		}
		for _, it := range res.Items {
			aired := it.Released()
			if it.SeriesType != "anime" || aired == nil || aired.After(req.Now) {
				plan.Decisions = append(plan.Decisions, sdk.Decision{Item: it.Key, Reason: "filtered: not aired anime"})
				continue
			}
			intent := sdk.Intent{
				Command: sdk.SearchEpisodes(it.Key.ID),
				Items:   []sdk.ItemKey{it.Key},
				Reason:  "anime, aired " + aired.Format("2006-01-02"),
			}
			if !req.Budget.Fits(len(plan.Intents)+1, cost+intent.Cost()) {
				return plan, nil
			}
			cost += intent.Cost()
			plan.Intents = append(plan.Intents, intent)
			plan.Decisions = append(plan.Decisions, sdk.Decision{Item: it.Key, Kept: true, Reason: intent.Reason})
		}
		if len(res.Items) == 0 || page*res.PageSize >= res.TotalRecords {
			return plan, nil
		}
	}
}

// The tutorial's strategy passes the suite it recommends.
func TestTutorialConformance(t *testing.T) {
	sdktest.Conformance(t, animeFirst{}, sdktest.Options{
		InvalidConfigs: []sdktest.InvalidConfig{
			{Config: json.RawMessage(`{"colour":"blue"}`), Path: "colour"},
		},
	})
}

func TestTutorialAnimeFirst(t *testing.T) {
	day := sdktest.At(sdktest.DefaultNow.AddDate(0, 0, -3))
	anime := sdktest.Episode(1, 7, 1, 1, day)
	anime.SeriesType = "anime"
	lib := sdktest.NewLibrary(sdktest.LibraryData{
		Items: []sdk.Item{anime, sdktest.Episode(2, 8, 1, 1, day)},
	})
	s := sdktest.Connect(t, animeFirst{})
	plan, err := s.Plan(context.Background(), sdk.PlanRequest{
		Instance: sdk.Instance{Kind: sdk.Sonarr},
		Now:      sdktest.DefaultNow,
		Library:  lib,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Intents) != 1 || plan.Intents[0].Command.EpisodeIDs[0] != 1 {
		t.Fatalf("plan %+v, want one search for episode 1", plan)
	}
}

// A plugin's main function is one line.
func ExampleServe() {
	sdk.Serve(animeFirst{})
}
