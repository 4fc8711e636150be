package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func TestRunLifecycleAndCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		run := newRun(t, s, sd)
		if run.Status != domain.RunPending || run.OwnerID != sd.user.ID || run.StartedAt != nil {
			t.Fatalf("new run = %+v", run)
		}
		if err := s.Runs().Start(ctx, run.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Runs().AddCounts(ctx, run.ID, domain.RunCounts{ItemsConsidered: 10, ItemsSelected: 4}); err != nil {
			t.Fatal(err)
		}
		if err := s.Runs().AddCounts(ctx, run.ID, domain.RunCounts{CommandsSent: 2, IndexerSearches: 4, ItemsFound: 1}); err != nil {
			t.Fatal(err)
		}
		if err := s.Runs().Finish(ctx, run.ID, domain.RunSucceeded, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.Runs().Finish(ctx, run.ID, domain.RunFailed, "late"); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("finish twice: err = %v, want ErrConflict", err)
		}
		if err := s.Runs().Finish(ctx, run.ID, domain.RunRunning, ""); !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("finish as running: err = %v, want ErrInvalid", err)
		}
		got, err := s.Runs().Get(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := domain.RunCounts{ItemsConsidered: 10, ItemsSelected: 4, CommandsSent: 2, IndexerSearches: 4, ItemsFound: 1}
		if got.Status != domain.RunSucceeded || got.Counts != want || got.StartedAt == nil || got.EndedAt == nil {
			t.Fatalf("finished run = %+v", got)
		}

		// History survives the queue's deletion.
		if err := s.Queues().Delete(ctx, sd.queue.ID); err != nil {
			t.Fatal(err)
		}
		got, err = s.Runs().Get(ctx, run.ID)
		if err != nil || got.QueueID != 0 || got.QueueName != sd.queue.Name {
			t.Fatalf("run after queue deletion = %+v, %v", got, err)
		}
	})
}

func TestRunListFilters(t *testing.T) {
	clock := &fakeClock{}
	storetest.EachWith(t, func(o *store.Options) { o.Now = clock.Now }, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clock.t = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		alice, bob := newSeed(t, s, "alice"), newSeed(t, s, "bob")
		var ids []int64
		for i := range 5 {
			clock.t = clock.t.Add(time.Minute)
			r := newRun(t, s, alice)
			ids = append(ids, r.ID)
			if i%2 == 0 {
				if err := s.Runs().Finish(ctx, r.ID, domain.RunFailed, "boom"); err != nil {
					t.Fatal(err)
				}
			}
		}
		newRun(t, s, bob)

		list, err := s.Runs().List(ctx, domain.RunFilter{OwnerID: alice.user.ID})
		if err != nil || len(list) != 5 {
			t.Fatalf("alice's runs = %d, %v", len(list), err)
		}
		if list[0].ID != ids[4] || list[4].ID != ids[0] {
			t.Fatalf("not newest first: %d..%d", list[0].ID, list[4].ID)
		}
		failed, _ := s.Runs().List(ctx, domain.RunFilter{InstanceID: alice.instance.ID, Status: domain.RunFailed})
		if len(failed) != 3 {
			t.Fatalf("failed runs = %d, want 3", len(failed))
		}
		page, _ := s.Runs().List(ctx, domain.RunFilter{QueueID: alice.queue.ID, Limit: 2, Offset: 1})
		if len(page) != 2 || page[0].ID != ids[3] {
			t.Fatalf("page = %+v", page)
		}
		from := time.Date(2025, 3, 1, 12, 2, 0, 0, time.UTC)
		to := from.Add(2 * time.Minute)
		window, _ := s.Runs().List(ctx, domain.RunFilter{OwnerID: alice.user.ID, CreatedFrom: &from, CreatedTo: &to})
		if len(window) != 2 {
			t.Fatalf("runs in window = %d, want 2", len(window))
		}
		n, err := s.Runs().Count(ctx, domain.RunFilter{Strategy: "missing", Limit: 1})
		if err != nil || n != 6 {
			t.Fatalf("count = %d, %v; want 6", n, err)
		}

		clock.t = clock.t.Add(time.Hour)
		removed, err := s.Runs().DeleteBefore(ctx, from)
		if err != nil || removed != 1 {
			t.Fatalf("deleted %d, %v; want the one finished run before %s", removed, err, from)
		}
	})
}

func TestFailOrphanedRuns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		other, err := s.Queues().Create(ctx, domain.Queue{InstanceID: sd.instance.ID, Name: "other", Strategy: "missing", IsActive: true})
		if err != nil {
			t.Fatal(err)
		}
		live, dead := newRun(t, s, sd), newRun(t, s, sd)
		if err := s.Queues().AcquireRun(ctx, sd.queue.ID, live.ID, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		expired, err := s.Runs().Create(ctx, domain.Run{QueueID: other.ID, InstanceID: sd.instance.ID, Strategy: "missing", Trigger: domain.TriggerAPI, Status: domain.RunRunning})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Queues().AcquireRun(ctx, other.ID, expired.ID, time.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		n, err := s.Runs().FailOrphaned(ctx, time.Now().Add(time.Second), "interrupted by a restart")
		if err != nil || n != 2 {
			t.Fatalf("closed %d, %v; want the dead and the expired run", n, err)
		}
		for _, c := range []struct {
			id   int64
			want domain.RunStatus
		}{{live.ID, domain.RunPending}, {dead.ID, domain.RunFailed}, {expired.ID, domain.RunFailed}} {
			got, _ := s.Runs().Get(ctx, c.id)
			if got.Status != c.want {
				t.Errorf("run %d status %s, want %s", c.id, got.Status, c.want)
			}
		}
	})
}

func TestRunItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		run := newRun(t, s, sd)
		items := make([]domain.RunItem, 1200)
		for i := range items {
			items[i] = domain.RunItem{Key: domain.ItemKey{Type: domain.ItemEpisode, ID: int64(i + 1)}, Decision: domain.DecisionDropped, Reason: "cooldown"}
		}
		items[0] = domain.RunItem{Key: domain.ItemKey{Type: domain.ItemEpisode, ID: 1}, Title: "Pilot", Decision: domain.DecisionKept, Reason: "oldest aired", Score: 0.75, Command: domain.CmdEpisodeSearch}
		if err := s.RunItems().Insert(ctx, run.ID, items); err != nil {
			t.Fatal(err)
		}
		got, err := s.RunItems().ListByRun(ctx, run.ID, 0, 0)
		if err != nil || len(got) != len(items) {
			t.Fatalf("items = %d, %v", len(got), err)
		}
		first := got[0]
		first.ID, first.RunID = 0, 0
		if first != items[0] {
			t.Fatalf("first item = %+v, want %+v", first, items[0])
		}
		page, _ := s.RunItems().ListByRun(ctx, run.ID, 10, 1190)
		if len(page) != 10 || page[9].Key.ID != 1200 {
			t.Fatalf("last page = %+v", page)
		}
	})
}
