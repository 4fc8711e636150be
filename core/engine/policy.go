package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/sdk"
)

// keptIntent is an intent the policy let through, trimmed to the items that
// may be searched.
type keptIntent struct {
	command domain.Command
	body    json.RawMessage
	items   []domain.ItemKey
}

// applyPolicy is the host's half of every plan, which no plugin can skip:
// intents are taken best first; an item already covered by a better intent
// or still cooling down from an earlier search is dropped; an intent that no
// longer fits the run's budget is dropped. Every item gets a decision.
func (e *Engine) applyPolicy(ctx context.Context, q domain.Queue, plan sdk.Plan, budget int, now time.Time) ([]keptIntent, []domain.RunItem, error) {
	intents := append([]sdk.Intent(nil), plan.Intents...)
	sort.SliceStable(intents, func(i, j int) bool { return intents[i].Score > intents[j].Score })

	var keys []domain.ItemKey
	for _, in := range intents {
		for _, k := range in.Items {
			keys = append(keys, keyFromSDK(k))
		}
	}
	states, err := e.deps.Store.GetItemStates(ctx, q.InstanceID, keys)
	if err != nil {
		return nil, nil, fmt.Errorf("unable to read search state: %w", err)
	}
	cooling := map[domain.ItemKey]time.Time{}
	for _, s := range states {
		if s.CoolingDown(now) {
			cooling[s.Key] = *s.CooldownUntil
		}
	}

	var (
		kept    []keptIntent
		records []domain.RunItem
		decided = map[domain.ItemKey]bool{}
		spent   int
	)
	drop := func(k domain.ItemKey, reason string) {
		decided[k] = true
		records = append(records, domain.RunItem{Key: k, Decision: domain.DecisionDropped, Reason: reason})
	}
	for _, in := range intents {
		cmd := commandFromSDK(in.Command)
		var items []domain.ItemKey
		for _, sk := range in.Items {
			k := keyFromSDK(sk)
			switch until, cool := cooling[k]; {
			case decided[k]:
				// Already kept or dropped by a better intent.
			case cool:
				drop(k, "cooling down until "+until.Format(time.RFC3339))
			default:
				items = append(items, k)
			}
		}
		cmd = trimCommand(cmd, items)
		if len(items) == 0 || cmd.Cost() == 0 {
			continue
		}
		if spent+cmd.Cost() > budget {
			for _, k := range items {
				drop(k, fmt.Sprintf("over the run budget of %d searches", budget))
			}
			continue
		}
		body, err := domain.EncodeCommandBody(cmd)
		if err != nil {
			return nil, nil, err
		}
		spent += cmd.Cost()
		kept = append(kept, keptIntent{command: cmd, body: body, items: items})
		for _, k := range items {
			decided[k] = true
			records = append(records, domain.RunItem{
				Key: k, Decision: domain.DecisionKept, Reason: in.Reason, Score: in.Score, Command: cmd.Name,
			})
		}
	}
	for _, d := range plan.Decisions {
		k := keyFromSDK(d.Item)
		if decided[k] {
			continue
		}
		reason := d.Reason
		if d.Kept {
			reason = "kept by the strategy but not in any intent"
		}
		drop(k, reason)
	}
	return kept, records, nil
}

// trimCommand narrows an EpisodeSearch or MoviesSearch to the items the
// policy kept. Season and series searches stay whole: they cost one search
// whatever they cover.
func trimCommand(c domain.Command, items []domain.ItemKey) domain.Command {
	keep := map[int64]bool{}
	for _, k := range items {
		keep[k.ID] = true
	}
	filter := func(ids []int64) []int64 {
		var out []int64
		for _, id := range ids {
			if keep[id] {
				out = append(out, id)
			}
		}
		return out
	}
	switch c.Name {
	case domain.CmdEpisodeSearch:
		c.EpisodeIDs = filter(c.EpisodeIDs)
	case domain.CmdMoviesSearch:
		c.MovieIDs = filter(c.MovieIDs)
	}
	return c
}
