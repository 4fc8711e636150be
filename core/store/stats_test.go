package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// TestRunStats: totals, success rate, items, average duration, per
// strategy, per instance and per day, scoped by the filter and without dry runs.
func TestRunStats(t *testing.T) {
	clock := &fakeClock{}
	storetest.EachWith(t, func(o *store.Options) { o.Now = clock.Now }, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice, bob := newSeed(t, s, "alice"), newSeed(t, s, "bob")
		day1 := time.Date(2025, 3, 1, 23, 0, 0, 0, time.UTC)
		day2 := day1.Add(2 * time.Hour) // 2025-03-02 01:00
		run := func(sd seed, at time.Time, strategy string, status domain.RunStatus, took time.Duration, selected, found int, dry bool) {
			t.Helper()
			clock.t = at
			r, err := s.Runs().Create(ctx, domain.Run{QueueID: sd.queue.ID, InstanceID: sd.instance.ID,
				Strategy: strategy, Trigger: domain.TriggerAPI, Status: domain.RunRunning, DryRun: dry})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Runs().AddCounts(ctx, r.ID, domain.RunCounts{ItemsSelected: selected, IndexerSearches: selected, ItemsFound: found}); err != nil {
				t.Fatal(err)
			}
			if status.Finished() {
				clock.t = at.Add(took)
				if err := s.Runs().Finish(ctx, r.ID, status, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		run(alice, day1, "missing", domain.RunSucceeded, 10*time.Second, 5, 2, false)
		run(alice, day1.Add(time.Minute), "missing", domain.RunFailed, 20*time.Second, 1, 0, false)
		run(alice, day2, "cutoff", domain.RunSucceeded, 30*time.Second, 4, 1, false)
		run(alice, day2.Add(time.Minute), "cutoff", domain.RunRunning, 0, 3, 0, false)
		run(alice, day2.Add(2*time.Minute), "missing", domain.RunSucceeded, time.Hour, 50, 0, true) // dry run: left out
		run(bob, day2, "missing", domain.RunSucceeded, time.Hour, 99, 99, false)

		st, err := s.Runs().Stats(ctx, domain.RunFilter{OwnerID: alice.user.ID, Status: domain.RunFailed, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 4 || st.Succeeded != 2 || st.Failed != 1 || st.Unfinished != 1 {
			t.Fatalf("counts = %+v", st)
		}
		if st.ItemsSearched != 13 || st.IndexerSearches != 13 || st.ItemsFound != 3 {
			t.Fatalf("items = %d searched, %d found", st.ItemsSearched, st.ItemsFound)
		}
		if st.AverageDuration != 20*time.Second {
			t.Fatalf("average duration = %s, want 20s", st.AverageDuration)
		}
		if r := st.SuccessRate(); r < 0.66 || r > 0.67 {
			t.Fatalf("success rate = %f", r)
		}
		if len(st.ByStrategy) != 2 || st.ByStrategy[0].Strategy != "cutoff" || st.ByStrategy[0].Total != 2 ||
			st.ByStrategy[1].Strategy != "missing" || st.ByStrategy[1].Failed != 1 || st.ByStrategy[1].ItemsSearched != 6 {
			t.Fatalf("by strategy = %+v", st.ByStrategy)
		}
		if len(st.ByInstance) != 1 || st.ByInstance[0].InstanceID != alice.instance.ID || st.ByInstance[0].Total != 4 ||
			st.ByInstance[0].IndexerSearches != 13 || st.ByInstance[0].ItemsFound != 3 || st.ByInstance[0].Failed != 1 {
			t.Fatalf("by instance = %+v, want alice's one instance", st.ByInstance)
		}
		if st.ByStrategy[0].IndexerSearches != 7 {
			t.Fatalf("cutoff indexer searches = %d, want 7", st.ByStrategy[0].IndexerSearches)
		}
		if len(st.Daily) != 2 || st.Daily[0].Date != "2025-03-01" || st.Daily[0].Total != 2 ||
			st.Daily[1].Date != "2025-03-02" || st.Daily[1].Total != 2 || st.Daily[1].ItemsFound != 1 {
			t.Fatalf("daily = %+v", st.Daily)
		}

		from := time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)
		st, err = s.Runs().Stats(ctx, domain.RunFilter{OwnerID: alice.user.ID, Strategy: "cutoff", CreatedFrom: &from})
		if err != nil || st.Total != 2 || len(st.Daily) != 1 || len(st.ByStrategy) != 1 {
			t.Fatalf("filtered stats = %+v, %v", st, err)
		}
		none, err := s.Runs().Stats(ctx, domain.RunFilter{OwnerID: 424242})
		if err != nil || none.Total != 0 || none.AverageDuration != 0 || none.SuccessRate() != 0 || len(none.Daily) != 0 {
			t.Fatalf("stats of nobody = %+v, %v", none, err)
		}
	})
}

// TestDeleteOwnedBefore removes only the owner's finished runs created
// before the cut.
func TestDeleteOwnedBefore(t *testing.T) {
	clock := &fakeClock{}
	storetest.EachWith(t, func(o *store.Options) { o.Now = clock.Now }, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clock.t = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		alice, bob := newSeed(t, s, "alice"), newSeed(t, s, "bob")
		old := newRun(t, s, alice)
		oldPending := newRun(t, s, alice)
		bobOld := newRun(t, s, bob)
		for _, id := range []int64{old.ID, bobOld.ID} {
			if err := s.Runs().Finish(ctx, id, domain.RunSucceeded, ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.RunItems().Insert(ctx, old.ID, []domain.RunItem{{Key: domain.ItemKey{Type: domain.ItemEpisode, ID: 1}, Decision: domain.DecisionKept}}); err != nil {
			t.Fatal(err)
		}
		clock.t = clock.t.AddDate(0, 0, 10)
		recent := newRun(t, s, alice)
		if err := s.Runs().Finish(ctx, recent.ID, domain.RunFailed, "x"); err != nil {
			t.Fatal(err)
		}

		n, err := s.Runs().DeleteOwnedBefore(ctx, alice.user.ID, clock.t.AddDate(0, 0, -5))
		if err != nil || n != 1 {
			t.Fatalf("deleted %d, %v; want alice's one old finished run", n, err)
		}
		for _, id := range []int64{oldPending.ID, bobOld.ID, recent.ID} {
			if _, err := s.Runs().Get(ctx, id); err != nil {
				t.Errorf("run %d gone: %v", id, err)
			}
		}
		if items, err := s.RunItems().ListByRun(ctx, old.ID, 10, 0); err != nil || len(items) != 0 {
			t.Fatalf("items of the deleted run = %d, %v", len(items), err)
		}
	})
}
