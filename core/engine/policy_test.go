package engine_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/engine"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

// libPlanner reads the whole missing list, as a strategy would, then
// answers with a fixed plan.
type libPlanner struct {
	plan   sdk.Plan
	states []sdk.SearchState
}

func (p *libPlanner) Plan(ctx context.Context, strategy string, req sdk.PlanRequest) (sdk.Plan, error) {
	if _, err := req.Library.WantedMissing(ctx, sdk.WantedQuery{PageSize: 1000, IncludeUnmonitored: true}); err != nil {
		return sdk.Plan{}, err
	}
	var keys []sdk.ItemKey
	for _, in := range p.plan.Intents {
		keys = append(keys, in.Items...)
	}
	states, err := req.Library.SearchState(ctx, keys)
	p.states = states
	return p.plan, err
}

type fixedLibraries struct{ lib sdk.Library }

func (l fixedLibraries) Library(ctx context.Context, inst domain.Instance) (sdk.Library, error) {
	return l.lib, nil
}

// policyFixture is a queue on a store, an engine whose strategy reads lib,
// and helpers that make history.
type policyFixture struct {
	*fixture
	lib     *sdktest.Library
	planner *libPlanner
}

func newPolicyFixture(t *testing.T, st *store.Store, q domain.Queue, data sdktest.LibraryData) *policyFixture {
	t.Helper()
	base := setup(t, st, q)
	pf := &policyFixture{fixture: base, lib: sdktest.NewLibrary(data), planner: &libPlanner{}}
	var err error
	pf.eng, err = engine.New(engine.Deps{
		Store: st, Planner: pf.planner, Libraries: fixedLibraries{pf.lib}, Waker: base.waker,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return pf.now },
	}, engine.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return pf
}

var commandSeq int

// searched records that queueID searched the items at `at`, resting until
// `until`.
func (f *policyFixture) searched(t *testing.T, queueID int64, at, until time.Time, ids ...int64) {
	t.Helper()
	ctx := context.Background()
	commandSeq++
	keys := make([]domain.ItemKey, len(ids))
	for i, id := range ids {
		keys[i] = domain.ItemKey{Type: domain.ItemEpisode, ID: id}
	}
	c, _, err := f.st.Commands().InsertPending(ctx, domain.DispatchedCommand{
		IdempotencyKey: "seed:" + time.Now().String() + string(rune('a'+commandSeq)), InstanceID: f.queue.InstanceID, QueueID: queueID,
		Name: domain.CmdEpisodeSearch, Body: []byte(`{"name":"EpisodeSearch"}`), Cost: len(ids),
		Items: keys, Status: domain.CommandPending, CreatedAt: at,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.RecordDispatch(ctx, domain.DispatchRecord{CommandID: c.ID, ArrCommandID: int64(commandSeq), SentAt: at, CooldownUntil: until}); err != nil {
		t.Fatal(err)
	}
}

func (f *policyFixture) grabbed(t *testing.T, at time.Time, ids ...int64) {
	t.Helper()
	keys := make([]domain.ItemKey, len(ids))
	for i, id := range ids {
		keys[i] = domain.ItemKey{Type: domain.ItemEpisode, ID: id}
	}
	if err := f.st.ItemStates().RecordGrab(context.Background(), f.queue.InstanceID, keys, at, nil); err != nil {
		t.Fatal(err)
	}
}

func (f *policyFixture) exclude(t *testing.T, kind domain.ExclusionKind, id int64, expires *time.Time) {
	t.Helper()
	if _, err := f.st.Exclusions().Create(context.Background(), domain.Exclusion{
		OwnerID: f.queue.OwnerID, InstanceID: f.queue.InstanceID, Kind: kind, TargetID: id, Reason: "user", ExpiresAt: expires,
	}); err != nil {
		t.Fatal(err)
	}
}

func (f *policyFixture) otherQueue(t *testing.T) int64 {
	t.Helper()
	q, err := f.st.Queues().Create(context.Background(), domain.Queue{
		InstanceID: f.queue.InstanceID, Name: "other", Strategy: "missing", IsActive: true, CooldownHours: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return q.ID
}

func codes(items []domain.RunItem) map[int64]domain.ReasonCode {
	out := map[int64]domain.ReasonCode{}
	for _, it := range items {
		out[it.Key.ID] = it.ReasonCode
	}
	return out
}

func TestPolicyRules(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	day := 24 * time.Hour
	// The library: series 1 (episodes 1-6), series 2 unmonitored (7),
	// series 3 (8-9), an unmonitored episode (10), an unaired one (11),
	// episodes 12-20 of series 4 aired long ago.
	lib := func() []sdk.Item {
		var items []sdk.Item
		for id := int64(1); id <= 6; id++ {
			items = append(items, sdktest.Episode(id, 1, 1, int(id), sdktest.At(ago(400*day))))
		}
		unmonitoredSeries := sdktest.Episode(7, 2, 1, 1, sdktest.At(ago(400*day)))
		unmonitoredSeries.SeriesMonitored = false
		items = append(items, unmonitoredSeries,
			sdktest.Episode(8, 3, 1, 1, sdktest.At(ago(3*day))),
			sdktest.Episode(9, 3, 1, 2, sdktest.At(ago(3*day))))
		unmonitored := sdktest.Episode(10, 1, 2, 1, sdktest.At(ago(400*day)))
		unmonitored.Monitored = false
		items = append(items, unmonitored, sdktest.Episode(11, 1, 2, 2, sdktest.At(now.Add(day))))
		for id := int64(12); id <= 20; id++ {
			items = append(items, sdktest.Episode(id, 4, 1, int(id), sdktest.At(ago(400*day))))
		}
		return items
	}
	one := func(ids ...int64) sdk.Plan {
		var p sdk.Plan
		for i, id := range ids {
			p.Intents = append(p.Intents, intent(float64(100-i), id))
		}
		return p
	}
	cases := []struct {
		name     string
		queue    domain.Queue
		plan     sdk.Plan
		queued   []int64
		override bool
		prepare  func(t *testing.T, f *policyFixture)
		want     map[int64]domain.ReasonCode
		commands [][]int64
	}{
		{
			name:  "exclusions of an episode, a series, and an expired one",
			queue: domain.Queue{CooldownHours: 24},
			plan:  one(1, 2, 8, 3),
			prepare: func(t *testing.T, f *policyFixture) {
				f.exclude(t, domain.ExcludeEpisode, 1, nil)
				f.exclude(t, domain.ExcludeSeries, 3, sdktest.At(now.Add(day)))
				f.exclude(t, domain.ExcludeEpisode, 3, sdktest.At(ago(time.Hour)))
			},
			want:     map[int64]domain.ReasonCode{1: domain.ReasonExcluded, 2: domain.ReasonSearched, 8: domain.ReasonExcluded, 3: domain.ReasonSearched},
			commands: [][]int64{{2}, {3}},
		},
		{
			name:  "a season search of an excluded series is dropped, of a series with one excluded episode split into episodes",
			queue: domain.Queue{CooldownHours: 24},
			plan: sdk.Plan{Intents: []sdk.Intent{
				{Command: sdk.SearchSeason(3, 1), Items: episodes(8, 9), Reason: "season", Score: 2},
				{Command: sdk.SearchSeason(1, 1), Items: episodes(1, 2, 3), Reason: "season", Score: 1},
			}},
			prepare: func(t *testing.T, f *policyFixture) {
				f.exclude(t, domain.ExcludeSeries, 3, nil)
				f.exclude(t, domain.ExcludeEpisode, 2, nil)
			},
			want:     map[int64]domain.ReasonCode{8: domain.ReasonExcluded, 9: domain.ReasonExcluded, 1: domain.ReasonSearched, 2: domain.ReasonExcluded, 3: domain.ReasonSearched},
			commands: [][]int64{{1, 3}},
		},
		{
			name:     "unmonitored episodes and series, unaired episodes",
			queue:    domain.Queue{},
			plan:     one(7, 10, 11, 12),
			want:     map[int64]domain.ReasonCode{7: domain.ReasonUnmonitored, 10: domain.ReasonUnmonitored, 11: domain.ReasonFuture, 12: domain.ReasonSearched},
			commands: [][]int64{{12}},
		},
		{
			name:     "a queue that opts in searches unmonitored items",
			queue:    domain.Queue{IncludeUnmonitored: true},
			plan:     one(7, 10),
			want:     map[int64]domain.ReasonCode{7: domain.ReasonSearched, 10: domain.ReasonSearched},
			commands: [][]int64{{7}, {10}},
		},
		{
			name:     "items in the download queue",
			queue:    domain.Queue{},
			plan:     one(1, 2),
			queued:   []int64{2},
			want:     map[int64]domain.ReasonCode{1: domain.ReasonSearched, 2: domain.ReasonQueued},
			commands: [][]int64{{1}},
		},
		{
			name:  "flat cooldown and grabs since the last search",
			queue: domain.Queue{CooldownHours: 24},
			plan:  one(1, 2, 3, 4, 5),
			prepare: func(t *testing.T, f *policyFixture) {
				f.searched(t, f.queue.ID, ago(2*time.Hour), now.Add(22*time.Hour), 1)
				f.searched(t, f.queue.ID, ago(25*time.Hour), ago(time.Hour), 2)
				f.searched(t, f.queue.ID, ago(30*time.Hour), ago(6*time.Hour), 3, 4)
				f.grabbed(t, ago(5*time.Hour), 3)  // recent grab: leave it be
				f.grabbed(t, ago(29*time.Hour), 4) // a day later still missing: search again
			},
			want: map[int64]domain.ReasonCode{
				1: domain.ReasonCooldown, 2: domain.ReasonSearched, 3: domain.ReasonGrabbed, 4: domain.ReasonSearched, 5: domain.ReasonSearched,
			},
			commands: [][]int64{{2}, {4}, {5}},
		},
		{
			name:  "a search waiting for the dispatcher counts as cooling down",
			queue: domain.Queue{},
			plan:  one(1, 2),
			prepare: func(t *testing.T, f *policyFixture) {
				if _, _, err := f.st.Commands().InsertPending(context.Background(), domain.DispatchedCommand{
					IdempotencyKey: "waiting", InstanceID: f.queue.InstanceID, Name: domain.CmdEpisodeSearch,
					Body: []byte(`{}`), Cost: 1, Items: []domain.ItemKey{{Type: domain.ItemEpisode, ID: 2}},
					Status: domain.CommandPending, CreatedAt: now,
				}); err != nil {
					t.Fatal(err)
				}
			},
			want:     map[int64]domain.ReasonCode{1: domain.ReasonSearched, 2: domain.ReasonCooldown},
			commands: [][]int64{{1}},
		},
		{
			name:  "adaptive cooldown: young items return sooner, fruitless searches double the wait",
			queue: domain.Queue{CooldownMode: domain.CooldownAdaptive, CooldownHours: 1},
			plan:  one(8, 9, 12, 13),
			prepare: func(t *testing.T, f *policyFixture) {
				// 8 aired 3 days ago: 12 h base, one search 13 h ago.
				f.searched(t, f.queue.ID, ago(13*time.Hour), ago(10*time.Hour), 8)
				// 9: three searches, the last 13 h ago: 48 h.
				f.searched(t, f.queue.ID, ago(80*time.Hour), ago(77*time.Hour), 9)
				f.searched(t, f.queue.ID, ago(40*time.Hour), ago(37*time.Hour), 9)
				f.searched(t, f.queue.ID, ago(13*time.Hour), ago(10*time.Hour), 9)
				// 12 aired over a year ago: 7 d base, searched 3 days ago.
				f.searched(t, f.queue.ID, ago(3*day), ago(3*day-3*time.Hour), 12)
				// 13: searched twice before a grab 9 d ago, once after it, 8 d ago.
				f.searched(t, f.queue.ID, ago(20*day), ago(20*day), 13)
				f.searched(t, f.queue.ID, ago(15*day), ago(15*day), 13)
				f.grabbed(t, ago(9*day), 13)
				f.searched(t, f.queue.ID, ago(8*day), ago(8*day-3*time.Hour), 13)
			},
			want: map[int64]domain.ReasonCode{
				8: domain.ReasonSearched, 9: domain.ReasonCooldown, 12: domain.ReasonCooldown, 13: domain.ReasonSearched,
			},
			commands: [][]int64{{8}, {13}},
		},
		{
			name:  "a queue with its own cooldown ignores the other queues' searches",
			queue: domain.Queue{CooldownHours: 24, OwnCooldown: true},
			plan:  one(1, 2),
			prepare: func(t *testing.T, f *policyFixture) {
				other := f.otherQueue(t)
				f.searched(t, other, ago(time.Hour), now.Add(23*time.Hour), 1)
				f.searched(t, f.queue.ID, ago(time.Hour), now.Add(23*time.Hour), 2)
			},
			want:     map[int64]domain.ReasonCode{1: domain.ReasonSearched, 2: domain.ReasonCooldown},
			commands: [][]int64{{1}},
		},
		{
			name:  "a shared cooldown holds whichever queue searched",
			queue: domain.Queue{CooldownHours: 24},
			plan:  one(1),
			prepare: func(t *testing.T, f *policyFixture) {
				f.searched(t, f.otherQueue(t), ago(2*time.Hour), ago(time.Hour), 1)
			},
			want: map[int64]domain.ReasonCode{1: domain.ReasonCooldown},
		},
		{
			name:     "override_cooldown searches resting items, never queued ones",
			queue:    domain.Queue{CooldownHours: 24},
			plan:     one(1, 2),
			queued:   []int64{2},
			override: true,
			prepare: func(t *testing.T, f *policyFixture) {
				f.searched(t, f.queue.ID, ago(time.Hour), now.Add(23*time.Hour), 1)
			},
			want:     map[int64]domain.ReasonCode{1: domain.ReasonSearched, 2: domain.ReasonQueued},
			commands: [][]int64{{1}},
		},
		{
			name:  "budgets of items and of searches; a smaller intent fills what a larger one could not",
			queue: domain.Queue{MaxItemsPerRun: 4, MaxSearchesPerRun: 2},
			plan: sdk.Plan{Intents: []sdk.Intent{
				{Command: sdk.SearchSeason(4, 1), Items: episodes(12, 13, 14), Reason: "season", Score: 10},
				{Command: sdk.SearchSeason(1, 1), Items: episodes(1, 2, 3), Reason: "season", Score: 9},
				intent(8, 4, 5), // two searches, over the remaining one
				intent(7, 6),
				intent(6, 15),
			}},
			want: map[int64]domain.ReasonCode{
				12: domain.ReasonSearched, 13: domain.ReasonSearched, 14: domain.ReasonSearched,
				1: domain.ReasonOverBudget, 2: domain.ReasonOverBudget, 3: domain.ReasonOverBudget,
				4: domain.ReasonOverBudget, 5: domain.ReasonOverBudget, 6: domain.ReasonSearched, 15: domain.ReasonOverBudget,
			},
			commands: [][]int64{nil, {6}},
		},
		{
			name:  "duplicates fold into the better intent; the strategy's own codes are kept",
			queue: domain.Queue{},
			plan: sdk.Plan{
				Intents: []sdk.Intent{intent(5, 1, 2), intent(4, 2, 3)},
				Decisions: []sdk.Decision{
					{Item: sdk.EpisodeKey(11), Reason: "future: airs tomorrow"},
					{Item: sdk.EpisodeKey(16), Reason: "not_available: not yet"},
					{Item: sdk.EpisodeKey(17), Reason: "no code here"},
					{Item: sdk.EpisodeKey(18), Kept: true, Reason: "searched: but never asked for"},
				},
			},
			want: map[int64]domain.ReasonCode{
				1: domain.ReasonSearched, 2: domain.ReasonSearched, 3: domain.ReasonSearched,
				11: domain.ReasonFuture, 16: domain.ReasonNotAvailable, 17: domain.ReasonFiltered, 18: domain.ReasonFiltered,
			},
			commands: [][]int64{{1, 2}, {3}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				data := sdktest.LibraryData{Items: lib()}
				for _, id := range tc.queued {
					data.Queue = append(data.Queue, sdk.QueueRecord{Item: sdk.EpisodeKey(id), Status: "downloading"})
				}
				f := newPolicyFixture(t, st, tc.queue, data)
				f.now = now
				f.planner.plan = tc.plan
				if tc.prepare != nil {
					tc.prepare(t, f)
				}
				run, items, err := f.eng.Preview(ctx, f.queue.ID, engine.PreviewOptions{OverrideCooldown: tc.override})
				if err != nil {
					t.Fatal(err)
				}
				got := codes(items)
				// Every decision, kept or dropped, by the policy or by
				// the strategy, is labelled with its item's title.
				titles := map[int64]string{}
				for _, it := range data.Items {
					titles[it.Key.ID] = fmt.Sprintf("%s S%02dE%02d · %s", it.SeriesTitle, it.SeasonNumber, it.EpisodeNumber, it.Title)
				}
				for _, it := range items {
					if it.Title != titles[it.Key.ID] {
						t.Errorf("item %d (%s) titled %q, want %q", it.Key.ID, it.ReasonCode, it.Title, titles[it.Key.ID])
					}
				}
				if len(got) != len(tc.want) {
					t.Errorf("decisions = %v, want %v", got, tc.want)
				}
				for id, want := range tc.want {
					if got[id] != want {
						t.Errorf("item %d: %q, want %q (all: %+v)", id, got[id], want, items)
					}
				}
				if !run.DryRun || run.Status != domain.RunSucceeded || run.Counts.ItemsConsidered != len(tc.want) {
					t.Errorf("preview run = %+v", run)
				}
				skipped := 0
				for _, c := range domain.ReasonCodes {
					if c != domain.ReasonDuplicate {
						skipped += run.Counts.Skipped.Get(c)
					}
				}
				if run.Counts.ItemsSelected+skipped != run.Counts.ItemsConsidered {
					t.Errorf("counts do not add up: %+v", run.Counts)
				}
				if pending, _ := st.Commands().ListPending(ctx, f.queue.InstanceID); len(pending) > 0 && tc.name != "a search waiting for the dispatcher counts as cooling down" {
					t.Fatalf("a preview queued %d commands", len(pending))
				}

				// The real run agrees with the preview, item by item,
				// and sends exactly the kept searches.
				before, _ := st.Commands().ListPending(ctx, f.queue.InstanceID)
				if err := f.eng.HandleTrigger(ctx, domain.TriggerEvent{Kind: domain.TriggerAPI, QueueID: f.queue.ID, OverrideCooldown: tc.override, At: now}); err != nil {
					t.Fatal(err)
				}
				real := lastRun(t, st)
				realItems, err := st.RunItems().ListByRun(ctx, real.ID, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				if len(realItems) != len(items) {
					t.Fatalf("real run decided %d items, preview %d", len(realItems), len(items))
				}
				for i := range items {
					a, b := items[i], realItems[i]
					if a.Key != b.Key || a.Decision != b.Decision || a.ReasonCode != b.ReasonCode || a.Reason != b.Reason || a.Command != b.Command || a.Title != b.Title {
						t.Errorf("decision %d: preview %+v, real %+v", i, a, b)
					}
				}
				after, _ := st.Commands().ListPending(ctx, f.queue.InstanceID)
				var sent [][]int64
				for _, c := range after[len(before):] {
					cmd, err := domain.DecodeCommandBody(c.Body)
					if err != nil {
						t.Fatal(err)
					}
					sent = append(sent, cmd.EpisodeIDs)
				}
				if len(sent) != len(tc.commands) {
					t.Fatalf("commands = %v, want %v", sent, tc.commands)
				}
				for i := range sent {
					if len(sent[i]) != len(tc.commands[i]) {
						t.Fatalf("commands = %v, want %v", sent, tc.commands)
					}
					for j := range sent[i] {
						if sent[i][j] != tc.commands[i][j] {
							t.Fatalf("commands = %v, want %v", sent, tc.commands)
						}
					}
				}
			})
		})
	}
}
