// Command fewest-searches is a third-party Searcharr strategy: it searches
// the missing items Searcharr has searched least often, so that nothing
// starves while others are retried again and again.
package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/vibequality/searcharr/sdk"
)

func main() { sdk.Serve(fewestSearches{}) }

type fewestSearches struct{}

type config struct {
	// Candidates is how many wanted items (oldest first) are compared.
	Candidates int `json:"candidates"`
}

func parse(raw json.RawMessage) (config, error) {
	cfg := config{Candidates: 500}
	if len(bytes.TrimSpace(raw)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cfg); err != nil {
			return cfg, sdk.Invalid("", "want {\"candidates\": N}: %v", err)
		}
	}
	if cfg.Candidates < 1 || cfg.Candidates > 2000 {
		return cfg, sdk.Invalid("candidates", "must be between 1 and 2000")
	}
	return cfg, nil
}

func (fewestSearches) Info(context.Context) (sdk.Info, error) {
	return sdk.Info{
		Name:         "fewest-searches",
		Version:      "1.0.0",
		Description:  "Searches the missing items Searcharr has searched least often first.",
		ConfigSchema: json.RawMessage(`{"type":"object","additionalProperties":false,"properties":{"candidates":{"type":"integer","minimum":1,"maximum":2000,"default":500}}}`),
	}, nil
}

func (fewestSearches) Validate(_ context.Context, raw json.RawMessage) error {
	_, err := parse(raw)
	return err
}

func (fewestSearches) Plan(ctx context.Context, req sdk.PlanRequest) (sdk.Plan, error) {
	cfg, err := parse(req.Config)
	if err != nil {
		return sdk.Plan{}, err
	}
	page, err := req.Library.WantedMissing(ctx, sdk.WantedQuery{Page: 1, PageSize: cfg.Candidates})
	if err != nil {
		return sdk.Plan{}, err
	}
	var keys []sdk.ItemKey
	for _, it := range page.Items {
		if r := it.Released(); r != nil && !r.After(req.Now) && (it.Key.Type == sdk.Episode || it.IsAvailable) {
			keys = append(keys, it.Key)
		}
	}
	states, err := req.Library.SearchState(ctx, keys)
	if err != nil {
		return sdk.Plan{}, err
	}
	slices.SortStableFunc(states, func(a, b sdk.SearchState) int {
		return cmp.Or(cmp.Compare(a.Searches, b.Searches), cmp.Compare(a.Key.ID, b.Key.ID))
	})
	var plan sdk.Plan
	for _, s := range states {
		if !req.Budget.Fits(len(plan.Intents)+1, len(plan.Intents)+1) {
			break
		}
		cmd := sdk.SearchEpisodes(s.Key.ID)
		if s.Key.Type == sdk.Movie {
			cmd = sdk.SearchMovies(s.Key.ID)
		}
		reason := "searched " + strconv.Itoa(s.Searches) + " times by Searcharr"
		plan.Intents = append(plan.Intents, sdk.Intent{Command: cmd, Items: []sdk.ItemKey{s.Key}, Reason: reason, Score: -float64(s.Searches)})
		plan.Decisions = append(plan.Decisions, sdk.Decision{Item: s.Key, Kept: true, Reason: reason})
	}
	return plan, nil
}
