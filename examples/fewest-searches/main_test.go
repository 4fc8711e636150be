package main

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

func TestConformance(t *testing.T) {
	sdktest.Conformance(t, fewestSearches{}, sdktest.Options{
		ValidConfigs: []json.RawMessage{json.RawMessage(`{"candidates":20}`)},
		InvalidConfigs: []sdktest.InvalidConfig{
			{Config: json.RawMessage(`{"candidates":0}`), Path: "candidates"},
			{Config: json.RawMessage(`{"order":"x"}`), Path: ""},
		},
	})
}

func TestFewestSearchesFirst(t *testing.T) {
	items := sdktest.Backlog(sdk.Radarr, 4, sdktest.DefaultNow)
	lib := sdktest.NewLibrary(sdktest.LibraryData{
		Items: items,
		States: []sdk.SearchState{
			{Key: sdk.MovieKey(1), Searches: 5},
			{Key: sdk.MovieKey(2), Searches: 1},
			{Key: sdk.MovieKey(4), Searches: 2},
		},
	})
	s := sdktest.Connect(t, fewestSearches{})
	plan, err := s.Plan(context.Background(), sdk.PlanRequest{
		Instance: sdk.Instance{Kind: sdk.Radarr},
		Budget:   sdk.Budget{MaxIntents: 3},
		Now:      sdktest.DefaultNow,
		Library:  lib,
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, in := range plan.Intents {
		got = append(got, in.Command.MovieIDs...)
	}
	if want := []int64{3, 2, 4}; !reflect.DeepEqual(got, want) {
		t.Fatalf("searched movies %v, want %v", got, want)
	}
}
