package engine

import (
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

// budget is what one run may send.
type budget struct {
	items    int // items covered by the commands
	searches int // indexer searches (the commands' cost)
}

// verdict is the outcome of the policy over one plan.
type verdict struct {
	kept      []keptIntent
	decisions []domain.RunItem
	counts    domain.RunCounts
}

// applyPolicy is the host's half of every plan, which no plugin can skip.
// Intents are taken best first (stable for equal scores). Each item of an
// intent is checked once, in this order: excluded, unmonitored (unless the
// queue opts in), not aired yet, in the download queue, already waiting in
// a pending command, grabbed since its last search, cooling down (unless
// overridden). Items a better intent already covers are folded away as
// duplicates. An intent that no longer fits the run's budget of items or
// searches is dropped, and its items stay open for a later, smaller intent.
// Every item gets exactly one decision; the strategy's own decisions fill in
// the items no intent named.
func (e *Engine) applyPolicy(f *facts, plan sdk.Plan, b budget) (verdict, error) {
	intents := append([]sdk.Intent(nil), plan.Intents...)
	sort.SliceStable(intents, func(i, j int) bool { return intents[i].Score > intents[j].Score })

	var (
		v         verdict
		decided   = map[domain.ItemKey]bool{}
		keptSet   = map[domain.ItemKey]bool{}
		overflow  = map[domain.ItemKey]string{}
		order     []domain.ItemKey // items dropped over budget, first seen first
		spent     budget
		recordRow = func(it domain.RunItem) {
			decided[it.Key] = true
			delete(overflow, it.Key)
			v.decisions = append(v.decisions, it)
		}
	)
	for _, in := range intents {
		cmd := commandFromSDK(in.Command)
		var (
			items    []domain.ItemKey
			excluded bool
		)
		for _, sk := range in.Items {
			k := keyFromSDK(sk)
			if decided[k] {
				if keptSet[k] {
					v.counts.Skipped.Add(domain.ReasonDuplicate, 1)
				}
				continue
			}
			if code, detail, drop := f.check(k, cmd, e.cfg.DefaultCooldown); drop {
				recordRow(domain.RunItem{Key: k, Decision: domain.DecisionDropped, ReasonCode: code, Reason: detail, Score: in.Score})
				excluded = excluded || code == domain.ReasonExcluded
				continue
			}
			items = append(items, k)
		}
		if excluded && (cmd.Name == domain.CmdSeasonSearch || cmd.Name == domain.CmdSeriesSearch) {
			// A season pack would bring the excluded episodes along:
			// search the other episodes one by one instead.
			cmd = domain.Command{Name: domain.CmdEpisodeSearch}
			for _, k := range items {
				cmd.EpisodeIDs = append(cmd.EpisodeIDs, k.ID)
			}
		}
		cmd = trimCommand(cmd, items)
		if len(items) == 0 || cmd.Cost() == 0 {
			continue
		}
		if spent.searches+cmd.Cost() > b.searches || spent.items+len(items) > b.items {
			reason := fmt.Sprintf("over the run budget of %d searches", b.searches)
			if spent.items+len(items) > b.items {
				reason = fmt.Sprintf("over the run budget of %d items", b.items)
			}
			for _, k := range items {
				if _, ok := overflow[k]; !ok {
					order = append(order, k)
				}
				overflow[k] = reason
			}
			continue
		}
		body, err := domain.EncodeCommandBody(cmd)
		if err != nil {
			return verdict{}, err
		}
		spent.searches += cmd.Cost()
		spent.items += len(items)
		v.kept = append(v.kept, keptIntent{command: cmd, body: body, items: items})
		for _, k := range items {
			keptSet[k] = true
		}
		_, detail := domain.ParseReason(in.Reason, domain.ReasonSearched)
		for _, k := range items {
			recordRow(domain.RunItem{
				Key: k, Decision: domain.DecisionKept, ReasonCode: domain.ReasonSearched,
				Reason: detail, Score: in.Score, Command: cmd.Name,
			})
		}
	}
	for _, k := range order {
		if reason, ok := overflow[k]; ok && !decided[k] {
			recordRow(domain.RunItem{Key: k, Decision: domain.DecisionDropped, ReasonCode: domain.ReasonOverBudget, Reason: reason})
		}
	}
	for _, d := range plan.Decisions {
		k := keyFromSDK(d.Item)
		if decided[k] {
			continue
		}
		code, detail := domain.ParseReason(d.Reason, domain.ReasonFiltered)
		if d.Kept || code == domain.ReasonSearched {
			code, detail = domain.ReasonFiltered, "kept by the strategy but not in any intent"
		}
		recordRow(domain.RunItem{Key: k, Decision: domain.DecisionDropped, ReasonCode: code, Reason: detail})
	}
	for _, it := range v.decisions {
		if it.Decision == domain.DecisionKept {
			v.counts.ItemsSelected++
		} else {
			v.counts.Skipped.Add(it.ReasonCode, 1)
		}
	}
	v.counts.ItemsConsidered = len(v.decisions)
	return v, nil
}

// check applies the item-level rules to one item of an intent.
func (f *facts) check(k domain.ItemKey, cmd domain.Command, defaultCooldown time.Duration) (domain.ReasonCode, string, bool) {
	it, known := f.items[k]
	if reason, ok := f.exclusion(k, it, cmd); ok {
		return domain.ReasonExcluded, reason, true
	}
	if known && !f.queue.IncludeUnmonitored && !monitored(it) {
		return domain.ReasonUnmonitored, "not monitored", true
	}
	if known && k.Type == domain.ItemEpisode && it.AirDateUTC != nil && it.AirDateUTC.After(f.now) {
		return domain.ReasonFuture, "airs " + it.AirDateUTC.Format(time.RFC3339), true
	}
	if f.queued[k] {
		return domain.ReasonQueued, "in the download queue", true
	}
	if f.pending[k] {
		return domain.ReasonCooldown, "cooling down: a search for it is waiting to be sent", true
	}
	s := f.states[k]
	last, sinceGrab := f.lastSearch(k)
	window := f.window(k, sinceGrab, defaultCooldown)
	if s.LastGrabAt != nil && (last == nil || s.LastGrabAt.After(*last)) && f.now.Before(s.LastGrabAt.Add(window)) {
		return domain.ReasonGrabbed, "grabbed " + s.LastGrabAt.Format(time.RFC3339) + ", after its last search", true
	}
	if until := f.cooldownUntil(k, defaultCooldown); until != nil {
		return domain.ReasonCooldown, "cooling down until " + until.Format(time.RFC3339), true
	}
	return "", "", false
}

// exclusion reports the exclusion covering the item: the episode itself,
// its series (from the item or from a season or series search), or the
// movie.
func (f *facts) exclusion(k domain.ItemKey, it sdk.Item, cmd domain.Command) (string, bool) {
	describe := func(x domain.Exclusion, what string) (string, bool) {
		s := what + " excluded"
		if x.Reason != "" {
			s += " (" + x.Reason + ")"
		}
		if x.ExpiresAt != nil {
			s += " until " + x.ExpiresAt.Format(time.RFC3339)
		}
		return s, true
	}
	switch k.Type {
	case domain.ItemMovie:
		if x, ok := f.excluded[exclusionTarget{domain.ExcludeMovie, k.ID}]; ok {
			return describe(x, "movie")
		}
	case domain.ItemEpisode:
		if x, ok := f.excluded[exclusionTarget{domain.ExcludeEpisode, k.ID}]; ok {
			return describe(x, "episode")
		}
		series := it.SeriesID
		if series == 0 {
			series = cmd.SeriesID
		}
		if x, ok := f.excluded[exclusionTarget{domain.ExcludeSeries, series}]; ok && series != 0 {
			return describe(x, "series")
		}
	}
	return "", false
}

// monitored is true for a monitored movie, or a monitored episode of a
// monitored series.
func monitored(it sdk.Item) bool {
	if it.Key.Type == sdk.Episode {
		return it.Monitored && it.SeriesMonitored
	}
	return it.Monitored
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
