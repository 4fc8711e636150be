package pluginhost

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/vibequality/searcharr/sdk"
)

// Limits on what a plan may hold, so that a runaway plugin cannot flood
// the host.
const (
	maxIntents     = 100_000
	maxDecisions   = 1_000_000
	maxReasonBytes = 1024
)

// commandKinds says which instance kind each command is sent to.
var commandKinds = map[sdk.CommandName]sdk.InstanceKind{
	sdk.EpisodeSearch: sdk.Sonarr,
	sdk.SeasonSearch:  sdk.Sonarr,
	sdk.SeriesSearch:  sdk.Sonarr,
	sdk.MoviesSearch:  sdk.Radarr,
}

// validatePlan checks a plan against the host's rules: known commands that
// fit the instance kind, non-empty items consistent with the command's
// ids, no item covered twice, finite scores, well-formed decisions.
func validatePlan(p sdk.Plan, kind sdk.InstanceKind) error {
	if len(p.Intents) > maxIntents {
		return fmt.Errorf("%d intents, at most %d allowed", len(p.Intents), maxIntents)
	}
	if len(p.Decisions) > maxDecisions {
		return fmt.Errorf("%d decisions, at most %d allowed", len(p.Decisions), maxDecisions)
	}
	covered := map[sdk.ItemKey]int{}
	for i, in := range p.Intents {
		if err := validateIntent(in, kind); err != nil {
			return fmt.Errorf("intent %d: %w", i, err)
		}
		for _, k := range in.Items {
			if j, dup := covered[k]; dup {
				return fmt.Errorf("intent %d: item %s already covered by intent %d", i, k, j)
			}
			covered[k] = i
		}
	}
	for i, d := range p.Decisions {
		if err := validateKey(d.Item, kind); err != nil {
			return fmt.Errorf("decision %d: %w", i, err)
		}
		if len(d.Reason) > maxReasonBytes {
			return fmt.Errorf("decision %d: reason longer than %d bytes", i, maxReasonBytes)
		}
	}
	return nil
}

func validateIntent(in sdk.Intent, kind sdk.InstanceKind) error {
	c := in.Command
	want, known := commandKinds[c.Name]
	if !known {
		return fmt.Errorf("unknown command %q", c.Name)
	}
	if kind != "" && want != kind {
		return fmt.Errorf("command %s cannot be sent to a %s instance", c.Name, kind)
	}
	if len(in.Items) == 0 {
		return errors.New("no items")
	}
	if math.IsNaN(in.Score) || math.IsInf(in.Score, 0) {
		return fmt.Errorf("score %v is not a finite number", in.Score)
	}
	if len(in.Reason) > maxReasonBytes {
		return fmt.Errorf("reason longer than %d bytes", maxReasonBytes)
	}
	seen := make(map[sdk.ItemKey]bool, len(in.Items))
	for _, k := range in.Items {
		if err := validateKey(k, kind); err != nil {
			return err
		}
		if seen[k] {
			return fmt.Errorf("item %s listed twice", k)
		}
		seen[k] = true
	}
	switch c.Name {
	case sdk.EpisodeSearch:
		if err := sameIDs(c.EpisodeIDs, in.Items, sdk.Episode); err != nil {
			return fmt.Errorf("EpisodeSearch: %w", err)
		}
		if c.SeriesID != 0 || c.SeasonNumber != 0 || len(c.MovieIDs) > 0 {
			return errors.New("EpisodeSearch sets fields of another command")
		}
	case sdk.MoviesSearch:
		if err := sameIDs(c.MovieIDs, in.Items, sdk.Movie); err != nil {
			return fmt.Errorf("MoviesSearch: %w", err)
		}
		if c.SeriesID != 0 || c.SeasonNumber != 0 || len(c.EpisodeIDs) > 0 {
			return errors.New("MoviesSearch sets fields of another command")
		}
	case sdk.SeasonSearch, sdk.SeriesSearch:
		if c.SeriesID <= 0 {
			return fmt.Errorf("%s: series id %d is not positive", c.Name, c.SeriesID)
		}
		if c.SeasonNumber < 0 {
			return fmt.Errorf("%s: season number %d is negative", c.Name, c.SeasonNumber)
		}
		if c.Name == sdk.SeriesSearch && c.SeasonNumber != 0 {
			return errors.New("SeriesSearch sets a season number")
		}
		if len(c.EpisodeIDs) > 0 || len(c.MovieIDs) > 0 {
			return fmt.Errorf("%s sets episode or movie ids", c.Name)
		}
		for _, k := range in.Items {
			if k.Type != sdk.Episode {
				return fmt.Errorf("%s covers %s, want episodes", c.Name, k)
			}
		}
	}
	return nil
}

// sameIDs checks that ids and items name the same set of items of type t,
// each once.
func sameIDs(ids []int64, items []sdk.ItemKey, t sdk.ItemType) error {
	if len(ids) == 0 {
		return errors.New("no ids")
	}
	if len(ids) != len(items) {
		return fmt.Errorf("%d ids but %d items", len(ids), len(items))
	}
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return fmt.Errorf("id %d listed twice", sorted[i])
		}
	}
	for _, k := range items {
		if k.Type != t {
			return fmt.Errorf("covers %s, want %ss", k, t)
		}
		if _, found := slices.BinarySearch(sorted, k.ID); !found {
			return fmt.Errorf("item %s is not in the command's ids", k)
		}
	}
	return nil
}

// validateKey checks an item key: a known type with a positive id, of the
// type the instance holds.
func validateKey(k sdk.ItemKey, kind sdk.InstanceKind) error {
	switch k.Type {
	case sdk.Episode, sdk.Movie:
	default:
		return fmt.Errorf("item %s has an unknown type", k)
	}
	if k.ID <= 0 {
		return fmt.Errorf("item %s has a non-positive id", k)
	}
	switch {
	case kind == sdk.Sonarr && k.Type != sdk.Episode,
		kind == sdk.Radarr && k.Type != sdk.Movie:
		return fmt.Errorf("item %s does not belong to a %s instance", k, kind)
	}
	return nil
}
