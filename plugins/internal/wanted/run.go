package wanted

import (
	"context"
	"fmt"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// Want says whether an item is on the strategy's wanted list: without a
// file for missing, below the cutoff for cutoff.
type Want func(it *sdk.Item) bool

// IsMissing wants items without a file.
func IsMissing(it *sdk.Item) bool { return !it.HasFile }

// IsBelowCutoff wants items with a file below the quality cutoff.
func IsBelowCutoff(it *sdk.Item) bool { return it.HasFile && it.CutoffNotMet }

// Run is the state of one Plan call: what is downloading, what Searcharr
// remembers, what was decided and the intents so far. Strategies create one
// per Plan with NewRun, offer it candidates best first, and return Plan().
// A Run is not safe for concurrent use.
type Run struct {
	opts   Options
	req    sdk.PlanRequest
	lib    sdk.Library
	now    time.Time
	cutoff time.Time // the latest release an item may have to be searched
	want   Want
	label  string
	// note, when set, adds to an item's description in reasons.
	note func(it *sdk.Item) string

	queued  map[sdk.ItemKey]bool
	states  map[sdk.ItemKey]sdk.SearchState
	decided map[sdk.ItemKey]bool
	// episodes caches Library.Episodes by series for grouping; groups
	// caches whether a season (or, with number -1, a series) qualified.
	episodes map[int64][]sdk.Item
	groups   map[groupKey]bool
	// stats, when UseSeasonStats was called, are the series' season
	// statistics, read on the first grouping; statsRead says they were.
	useStats  bool
	statsRead bool
	stats     map[int64][]sdk.Season
	// seen holds, by season, the wanted items of the pages read so far,
	// kept for season grouping with statistics (see groupSeen).
	seen map[groupKey][]*sdk.Item
	// packs indexes, by season, the SeasonSearch intents planned, which
	// episodes of the season offered later join.
	packs map[groupKey]int

	intents   []sdk.Intent
	decisions []sdk.Decision
	cost      int
	full      bool
	overflow  int
}

type groupKey struct {
	series int64
	season int
}

// NewRun starts a run: it reads the download queue. want picks the items
// the strategy is after and label names them in reasons ("missing",
// "below cutoff").
func NewRun(ctx context.Context, req sdk.PlanRequest, opts Options, want Want, label string) (*Run, error) {
	now := req.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	queued, err := loadQueue(ctx, req.Library)
	if err != nil {
		return nil, err
	}
	return &Run{
		opts:     opts,
		req:      req,
		lib:      req.Library,
		now:      now,
		cutoff:   now.Add(-time.Duration(opts.GraceHours) * time.Hour),
		want:     want,
		label:    label,
		queued:   queued,
		states:   make(map[sdk.ItemKey]sdk.SearchState),
		decided:  make(map[sdk.ItemKey]bool),
		episodes: make(map[int64][]sdk.Item),
		groups:   make(map[groupKey]bool),
		packs:    make(map[groupKey]int),
	}, nil
}

// UseSeasonStats lets grouping read the series' season statistics
// (Library.Series, once) instead of each series' episodes. A season whose
// statistics show fewer than two missing episodes cannot qualify for a
// season or series search. With season grouping, a season the statistics
// know is decided from its aired, monitored episode count and the season's
// episodes seen on the wanted pages read so far, without Library.Episodes
// (see groupSeen); series grouping still reads the episodes of a series
// that may qualify. Only for strategies that want missing items: the
// statistics count files, not cutoffs.
func (r *Run) UseSeasonStats() {
	r.useStats = true
	if r.opts.Grouping == BySeason {
		r.seen = make(map[groupKey][]*sdk.Item)
	}
}

// see records wanted items read from a list, for groupSeen. Items must stay
// where they are for the rest of the run.
func (r *Run) see(items []sdk.Item) {
	if r.seen == nil {
		return
	}
	for i := range items {
		it := &items[i]
		if it.Key.Type == sdk.Episode && it.SeasonNumber > 0 {
			k := groupKey{it.SeriesID, it.SeasonNumber}
			r.seen[k] = append(r.seen[k], it)
		}
	}
}

// Now is the run's reference time.
func (r *Run) Now() time.Time { return r.now }

// Full reports whether the budget allows no further intent.
func (r *Run) Full() bool { return r.full }

// Done reports whether the run needs no more candidates: the budget is full
// and a page's worth of candidates past it have been marked over_budget.
func (r *Run) Done() bool { return r.full && r.overflow >= r.opts.PageSize }

// Decided reports whether the item already has a decision.
func (r *Run) Decided(k sdk.ItemKey) bool { return r.decided[k] }

// State is what Searcharr remembers about an item, once LoadStates read it.
func (r *Run) State(k sdk.ItemKey) sdk.SearchState { return r.states[k] }

// stateBatch bounds the keys of one SearchState call.
const stateBatch = 1000

// LoadStates reads Searcharr's search state of the items not read yet.
func (r *Run) LoadStates(ctx context.Context, items []sdk.Item) error {
	var keys []sdk.ItemKey
	for i := range items {
		k := items[i].Key
		if _, ok := r.states[k]; !ok && !r.decided[k] {
			keys = append(keys, k)
			r.states[k] = sdk.SearchState{Key: k}
		}
	}
	for len(keys) > 0 {
		n := min(len(keys), stateBatch)
		states, err := r.lib.SearchState(ctx, keys[:n])
		if err != nil {
			return fmt.Errorf("read search state: %w", err)
		}
		for _, st := range states {
			r.states[st.Key] = st
		}
		keys = keys[n:]
	}
	return nil
}

// Skip records that an item was not kept, with a reason made by Reason.
// An item is decided once; later calls for it are ignored.
func (r *Run) Skip(k sdk.ItemKey, reason string) {
	if r.decided[k] {
		return
	}
	r.decided[k] = true
	r.decisions = append(r.decisions, sdk.Decision{Item: k, Reason: reason})
}

func (r *Run) keep(k sdk.ItemKey, reason string) {
	r.decided[k] = true
	r.decisions = append(r.decisions, sdk.Decision{Item: k, Kept: true, Reason: reason})
}

// Consider decides about one candidate: it skips it with the reason Check
// gives, or keeps it with Keep. Items already decided are passed over.
func (r *Run) Consider(ctx context.Context, it *sdk.Item) error {
	if r.decided[it.Key] {
		return nil
	}
	if reason, ok := r.Check(it); !ok {
		r.Skip(it.Key, reason)
		return nil
	}
	return r.Keep(ctx, it, "")
}

// Keep searches an item that passed Check, alone or in a season or series
// search as the grouping says, if the budget allows; otherwise it is marked
// over_budget. detail, when set, replaces the item's default description
// in reasons.
func (r *Run) Keep(ctx context.Context, it *sdk.Item, detail string) error {
	if r.decided[it.Key] {
		return nil
	}
	grouped := it.Key.Type == sdk.Episode && r.opts.Grouping != ByEpisode && it.SeasonNumber > 0
	if grouped && r.joinPack(it) {
		return nil
	}
	if r.full {
		r.overflow++
		r.Skip(it.Key, Reason(ReasonOverBudget, "the run's budget is spent"))
		return nil
	}
	if detail == "" {
		detail = r.Describe(it)
	}
	if grouped {
		grouped, err := r.group(ctx, it)
		if grouped || err != nil {
			return err
		}
	}
	cmd := sdk.SearchEpisodes(it.Key.ID)
	if it.Key.Type == sdk.Movie {
		cmd = sdk.SearchMovies(it.Key.ID)
	}
	r.emit(sdk.Intent{Command: cmd, Items: []sdk.ItemKey{it.Key}, Reason: detail}, Reason(ReasonSearched, detail))
	return nil
}

// emit adds an intent, keeping its items, if it fits, and reports whether
// it did; else its items are over budget.
func (r *Run) emit(in sdk.Intent, reason string) bool {
	if !r.req.Budget.Fits(len(r.intents)+1, r.cost+in.Cost()) {
		r.full = true
		for _, k := range in.Items {
			r.overflow++
			r.Skip(k, Reason(ReasonOverBudget, "the run's budget is spent"))
		}
		return false
	}
	r.intents = append(r.intents, in)
	r.cost += in.Cost()
	for _, k := range in.Items {
		r.keep(k, reason)
	}
	if !r.req.Budget.Fits(len(r.intents)+1, r.cost+1) {
		r.full = true
	}
	return true
}

// Annotate sets a function whose non-empty result is added to items'
// descriptions in reasons, such as "custom format score 10 < 50".
func (r *Run) Annotate(note func(it *sdk.Item) string) { r.note = note }

// Describe is an item's default detail, such as "missing, aired
// 2019-04-02".
func (r *Run) Describe(it *sdk.Item) string {
	label := r.label
	if r.note != nil {
		if n := r.note(it); n != "" {
			label += " (" + n + ")"
		}
	}
	rel := it.Released()
	switch {
	case rel == nil:
		return label + ", release date unknown"
	case it.Key.Type == sdk.Movie:
		return label + ", released " + rel.Format(Day)
	}
	return label + ", aired " + rel.Format(Day)
}

// Plan is the run's answer: intents best first, scored by rank, and every
// decision.
func (r *Run) Plan() sdk.Plan {
	for i := range r.intents {
		r.intents[i].Score = float64(len(r.intents) - i)
	}
	return sdk.Plan{Intents: r.intents, Decisions: r.decisions}
}
