package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/plugins/missing"
	"github.com/vibequality/searcharr/plugins/recent"
	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

// The effectiveness model: a backlog of missing, monitored episodes whose
// releases appear on the indexers at different times: most are there from
// the start, some appear during the simulated month (a fresh episode airs
// and its release follows hours later, or an old one is re-uploaded), some
// never. A search finds an item once its release is there. The host
// searches every few hours within a daily indexer budget, holding each item
// to a 24-hour cooldown, as the engine's policy does.
type effectOptions struct {
	items, days, dailyBudget, runsPerDay int
	seed                                 uint64
	adaptive                             bool
}

// simItem is one missing episode.
type simItem struct {
	item        sdk.Item
	availableAt time.Time // zero: never
	found       *time.Time
	searches    int
	lastSearch  *time.Time
}

type effectStrategy struct {
	label string
	plan  func(ctx context.Context, req sdk.PlanRequest) (sdk.Plan, error)
}

func runEffect(args []string, out io.Writer) error {
	var o effectOptions
	fs := flag.NewFlagSet("effect", flag.ContinueOnError)
	fs.IntVar(&o.items, "items", 5000, "missing episodes in the backlog")
	fs.IntVar(&o.days, "days", 30, "simulated days")
	fs.IntVar(&o.dailyBudget, "daily-budget", 200, "indexer searches per day")
	fs.IntVar(&o.runsPerDay, "runs-per-day", 8, "runs per day (the budget is split evenly)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the backlog and of the random choices")
	fs.BoolVar(&o.adaptive, "adaptive", false, "adaptive cooldown instead of a flat 24 hours")
	if err := fs.Parse(args); err != nil {
		return err
	}
	strategies := []effectStrategy{{"baseline: random page of 100", nil}}
	for _, order := range []string{"oldest_aired", "newest_aired", "least_recently_searched", "recently_added", "random"} {
		cfg := json.RawMessage(fmt.Sprintf(`{"order":%q,"seed":3}`, order))
		s := missing.New()
		strategies = append(strategies, effectStrategy{"missing " + order, withConfig(s.Plan, cfg)})
	}
	strategies = append(strategies, effectStrategy{"recent (14 d window)", withConfig(recent.New().Plan, json.RawMessage(`{}`))})

	fmt.Fprintf(out, "backlog: %d missing episodes, %d days, %d indexer searches a day in %d runs, cooldown %s, seed %d\n\n",
		o.items, o.days, o.dailyBudget, o.runsPerDay, map[bool]string{false: "flat 24 h", true: "adaptive"}[o.adaptive], o.seed)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "strategy\tsearches\tfound\tfound per search\tfindable never found\tlongest starved (days)\tnever searched\t")
	for _, s := range strategies {
		r, err := simulate(o, s)
		if err != nil {
			return fmt.Errorf("simulate: %s: %w", s.label, err)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\t%d\t%.1f\t%d\t\n", s.label, r.searches, r.found,
			float64(r.found)/float64(max(r.searches, 1)), r.unfound, r.starved.Hours()/24, r.neverSearched)
	}
	return tw.Flush()
}

func withConfig(plan func(context.Context, sdk.PlanRequest) (sdk.Plan, error), cfg json.RawMessage) func(context.Context, sdk.PlanRequest) (sdk.Plan, error) {
	return func(ctx context.Context, req sdk.PlanRequest) (sdk.Plan, error) {
		req.Config = cfg
		return plan(ctx, req)
	}
}

// backlog builds the same library for every strategy: episodes aired over
// the three years before start (a tenth of them during the month), in
// series of ten.
func backlog(o effectOptions, start time.Time) []*simItem {
	rng := rand.New(rand.NewPCG(o.seed, 99))
	items := make([]*simItem, o.items)
	month := time.Duration(o.days) * 24 * time.Hour
	for i := range items {
		id := int64(i + 1)
		var aired time.Time
		if rng.Float64() < 0.1 {
			aired = start.Add(time.Duration(rng.Int64N(int64(month))))
		} else {
			aired = start.Add(-time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour))))
		}
		it := sdktest.Episode(id, 1+int64(i/10), 1, 1+i%10, &aired)
		added := aired.Add(-30 * 24 * time.Hour)
		if rng.Float64() < 0.3 {
			added = start.Add(-time.Duration(rng.Int64N(int64(60 * 24 * time.Hour))))
		}
		it.Added = &added
		s := &simItem{item: it}
		switch p := rng.Float64(); {
		case p < 0.15: // never released
		case p < 0.75 || aired.After(start): // there at once, or soon after airing
			s.availableAt = aired.Add(time.Duration(rng.Int64N(int64(12 * time.Hour))))
		default: // appears some time during the month
			s.availableAt = start.Add(time.Duration(rng.Int64N(int64(month))))
		}
		items[i] = s
	}
	return items
}

type effectResult struct {
	searches, found, unfound, neverSearched int
	starved                                 time.Duration
}

func simulate(o effectOptions, s effectStrategy) (effectResult, error) {
	ctx := context.Background()
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	items := backlog(o, start)
	byKey := make(map[sdk.ItemKey]*simItem, len(items))
	for _, it := range items {
		byKey[it.item.Key] = it
	}
	rng := rand.New(rand.NewPCG(o.seed, 7))
	var res effectResult
	step := 24 * time.Hour / time.Duration(o.runsPerDay)
	perRun := o.dailyBudget / o.runsPerDay
	end := start.Add(time.Duration(o.days) * 24 * time.Hour)
	for now := start; now.Before(end); now = now.Add(step) {
		var lib []sdk.Item
		var states []sdk.SearchState
		for _, it := range items {
			if it.found != nil {
				continue
			}
			v := it.item
			v.LastSearchTime = it.lastSearch
			lib = append(lib, v)
			if it.lastSearch != nil {
				until := it.lastSearch.Add(cooldown(o, it, now))
				states = append(states, sdk.SearchState{Key: v.Key, LastSearched: it.lastSearch, Searches: it.searches, CooldownUntil: &until})
			}
		}
		var picks []sdk.ItemKey
		if s.plan == nil {
			picks = baseline(rng, lib, now, perRun)
		} else {
			plan, err := s.plan(ctx, sdk.PlanRequest{
				Trigger:  sdk.Trigger{Kind: sdk.TriggerSchedule, At: now},
				Instance: sdk.Instance{ID: 1, Name: "sonarr", Kind: sdk.Sonarr},
				Budget:   sdk.Budget{MaxCost: perRun},
				Now:      now,
				Library:  sdktest.NewLibrary(sdktest.LibraryData{Items: lib, States: states}),
			})
			if err != nil {
				return res, err
			}
			for _, in := range plan.Intents {
				picks = append(picks, in.Items...)
			}
		}
		spent := 0
		for _, k := range picks {
			it := byKey[k]
			if spent == perRun || it == nil || it.found != nil || it.item.AirDateUTC.After(now) {
				continue
			}
			if it.lastSearch != nil && now.Before(it.lastSearch.Add(cooldown(o, it, now))) {
				continue // the host's cooldown
			}
			spent++
			res.searches++
			t := now
			it.lastSearch, it.searches = &t, it.searches+1
			if !it.availableAt.IsZero() && !now.Before(it.availableAt) {
				it.found = &t
				res.found++
			}
		}
	}
	for _, it := range items {
		if it.searches == 0 {
			res.neverSearched++
		}
		if it.availableAt.IsZero() || it.availableAt.After(end) {
			continue
		}
		from := it.availableAt
		if from.Before(start) {
			from = start
		}
		wait := end.Sub(from)
		if it.found != nil {
			wait = it.found.Sub(from)
		} else {
			res.unfound++
		}
		res.starved = max(res.starved, wait)
	}
	return res, nil
}

func cooldown(o effectOptions, it *simItem, now time.Time) time.Duration {
	if o.adaptive {
		return domain.AdaptiveCooldown(it.item.AirDateUTC, it.searches, now)
	}
	return 24 * time.Hour
}

// baseline is how the most popular peer selects: one random page of 100
// of the wanted list (newest aired first, as the arr sorts by default),
// then random items from it.
func baseline(rng *rand.Rand, lib []sdk.Item, now time.Time, n int) []sdk.ItemKey {
	var aired []sdk.Item
	for _, it := range lib {
		if !it.AirDateUTC.After(now) {
			aired = append(aired, it)
		}
	}
	sort.Slice(aired, func(i, j int) bool { return aired[i].AirDateUTC.After(*aired[j].AirDateUTC) })
	pages := (len(aired) + 99) / 100
	if pages == 0 {
		return nil
	}
	p := rng.IntN(pages)
	page := aired[p*100 : min((p+1)*100, len(aired))]
	keys := make([]sdk.ItemKey, len(page))
	for i, it := range page {
		keys[i] = it.Key
	}
	rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	return keys[:min(n, len(keys))]
}
