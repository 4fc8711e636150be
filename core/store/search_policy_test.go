package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func TestQueuePolicySettingsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		if sd.queue.CooldownMode != domain.CooldownFlat || sd.queue.OwnCooldown || sd.queue.IncludeUnmonitored || sd.queue.MaxSearchesPerRun != 0 {
			t.Fatalf("defaults = %+v", sd.queue)
		}
		q := sd.queue
		q.CooldownMode, q.OwnCooldown, q.IncludeUnmonitored, q.MaxSearchesPerRun = domain.CooldownAdaptive, true, true, 7
		got, err := s.Queues().Update(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if got.CooldownMode != domain.CooldownAdaptive || !got.OwnCooldown || !got.IncludeUnmonitored || got.MaxSearchesPerRun != 7 {
			t.Fatalf("updated = %+v", got)
		}
		if d, err := s.CooldownFor(ctx, q.ID); err != nil || d != domain.AdaptiveCooldownMin {
			t.Fatalf("adaptive queue stores a cooldown of %v (%v), want the shortest adaptive one", d, err)
		}
	})
}

func TestRunSkippedCountsAndReasonCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		run := newRun(t, s, sd)
		var skipped domain.SkipCounts
		skipped.Add(domain.ReasonCooldown, 3)
		skipped.Add(domain.ReasonOverBudget, 2)
		if err := s.Runs().AddCounts(ctx, run.ID, domain.RunCounts{ItemsConsidered: 6, ItemsSelected: 1, Skipped: skipped}); err != nil {
			t.Fatal(err)
		}
		if err := s.Runs().AddCounts(ctx, run.ID, domain.RunCounts{ItemsSearched: 1, CommandsSent: 1}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Runs().Get(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Counts.Skipped != skipped || got.Counts.ItemsSearched != 1 || got.Counts.Skipped.Total() != 5 {
			t.Fatalf("counts = %+v", got.Counts)
		}
		items := []domain.RunItem{
			{Key: domain.ItemKey{Type: domain.ItemEpisode, ID: 1}, Decision: domain.DecisionKept, ReasonCode: domain.ReasonSearched, Reason: "missing"},
			{Key: domain.ItemKey{Type: domain.ItemEpisode, ID: 2}, Decision: domain.DecisionDropped, ReasonCode: domain.ReasonCooldown, Reason: "cooling down"},
		}
		if err := s.RunItems().Insert(ctx, run.ID, items); err != nil {
			t.Fatal(err)
		}
		back, err := s.ListRunItems(ctx, run.ID)
		if err != nil || len(back) != 2 || back[0].ReasonCode != domain.ReasonSearched || back[1].ReasonCode != domain.ReasonCooldown {
			t.Fatalf("items = %+v (%v)", back, err)
		}
	})
}

func TestSearchHistoryPendingAndSearchedItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		run := newRun(t, s, sd)
		ep := func(id int64) domain.ItemKey { return domain.ItemKey{Type: domain.ItemEpisode, ID: id} }
		t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		insert := func(key string, queueID int64, items ...domain.ItemKey) domain.DispatchedCommand {
			c, _, err := s.Commands().InsertPending(ctx, domain.DispatchedCommand{
				IdempotencyKey: key, RunID: run.ID, QueueID: queueID, InstanceID: sd.instance.ID, Name: domain.CmdEpisodeSearch,
				Body: []byte(`{}`), Cost: len(items), Items: items, Status: domain.CommandPending, CreatedAt: t0,
			})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		a := insert("a", sd.queue.ID, ep(1), ep(2))
		b := insert("b", 0, ep(1))
		insert("c", sd.queue.ID, ep(3))
		for i, c := range []domain.DispatchedCommand{a, b} {
			if err := s.RecordDispatch(ctx, domain.DispatchRecord{CommandID: c.ID, ArrCommandID: int64(i + 1), SentAt: t0.Add(time.Duration(i) * time.Hour), CooldownUntil: t0}); err != nil {
				t.Fatal(err)
			}
		}
		all, err := s.SearchHistory(ctx, sd.instance.ID, 0, []domain.ItemKey{ep(1), ep(2), ep(3)})
		if err != nil {
			t.Fatal(err)
		}
		if len(all[ep(1)]) != 2 || !all[ep(1)][1].Equal(t0.Add(time.Hour)) || len(all[ep(2)]) != 1 || len(all[ep(3)]) != 0 {
			t.Fatalf("history = %v", all)
		}
		own, err := s.SearchHistory(ctx, sd.instance.ID, sd.queue.ID, []domain.ItemKey{ep(1)})
		if err != nil || len(own[ep(1)]) != 1 {
			t.Fatalf("own history = %v (%v)", own, err)
		}
		pending, err := s.PendingItems(ctx, sd.instance.ID)
		if err != nil || len(pending) != 1 || !pending[ep(3)] {
			t.Fatalf("pending = %v (%v)", pending, err)
		}
		if n, err := s.RunSearchedItems(ctx, run.ID); err != nil || n != 2 {
			t.Fatalf("searched items = %d (%v), want 2", n, err)
		}
	})
}
