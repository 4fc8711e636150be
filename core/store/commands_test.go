package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func episodes(ids ...int64) []domain.ItemKey {
	out := make([]domain.ItemKey, len(ids))
	for i, id := range ids {
		out[i] = domain.ItemKey{Type: domain.ItemEpisode, ID: id}
	}
	return out
}

func pending(sd seed, run domain.Run, key string, items ...int64) domain.DispatchedCommand {
	return domain.DispatchedCommand{
		IdempotencyKey: key, RunID: run.ID, QueueID: sd.queue.ID, InstanceID: sd.instance.ID,
		Name: domain.CmdEpisodeSearch, Body: json.RawMessage(`{"name":"EpisodeSearch","episodeIds":[1,2]}`),
		Cost: len(items), Items: episodes(items...),
	}
}

func TestInsertPendingIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		run := newRun(t, s, sd)

		first, created, err := s.Commands().InsertPending(ctx, pending(sd, run, "run1/ep1-2", 1, 2))
		if err != nil || !created {
			t.Fatalf("first insert: created=%v err=%v", created, err)
		}
		if first.Status != domain.CommandPending || len(first.Items) != 2 || first.RunID != run.ID {
			t.Fatalf("first = %+v", first)
		}

		var wg sync.WaitGroup
		results := make([]domain.DispatchedCommand, 6)
		flags := make([]bool, 6)
		errs := make([]error, 6)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], flags[i], errs[i] = s.Commands().InsertPending(ctx, pending(sd, run, "run1/ep1-2", 1, 2, 3))
			}()
		}
		wg.Wait()
		for i := range results {
			if errs[i] != nil {
				t.Fatalf("repeat insert: %v", errs[i])
			}
			if flags[i] || results[i].ID != first.ID || len(results[i].Items) != 2 {
				t.Fatalf("repeat insert returned created=%v %+v, want the existing command %d", flags[i], results[i], first.ID)
			}
		}
		pend, err := s.Commands().ListPending(ctx, sd.instance.ID)
		if err != nil || len(pend) != 1 {
			t.Fatalf("pending = %d, %v; want 1", len(pend), err)
		}
		var body map[string]any
		if err := json.Unmarshal(pend[0].Body, &body); err != nil || body["name"] != "EpisodeSearch" {
			t.Fatalf("body = %s, %v", pend[0].Body, err)
		}
		if _, _, err := s.Commands().InsertPending(ctx, domain.DispatchedCommand{InstanceID: sd.instance.ID}); !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("no key: err = %v, want ErrInvalid", err)
		}
	})
}

func TestRecordDispatchIsOneTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		run := newRun(t, s, sd)
		cmd, _, err := s.Commands().InsertPending(ctx, pending(sd, run, "k1", 1, 2))
		if err != nil {
			t.Fatal(err)
		}
		sent := time.Now().UTC().Truncate(time.Microsecond)
		cool := sent.Add(24 * time.Hour)
		if err := s.Commands().RecordDispatch(ctx, domain.DispatchRecord{CommandID: cmd.ID, ArrCommandID: 77, SentAt: sent, CooldownUntil: cool}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Commands().Get(ctx, cmd.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != domain.CommandSent || got.ArrCommandID != 77 || got.SentAt == nil || !got.SentAt.Equal(sent) {
			t.Fatalf("command after dispatch = %+v", got)
		}
		states, err := s.ItemStates().Get(ctx, sd.instance.ID, episodes(1, 2, 3))
		if err != nil {
			t.Fatal(err)
		}
		if len(states) != 2 {
			t.Fatalf("states = %v, want items 1 and 2", states)
		}
		for _, k := range episodes(1, 2) {
			st := states[k]
			if st.SearchCount != 1 || st.CooldownUntil == nil || !st.CooldownUntil.Equal(cool) || st.LastCommandID != cmd.ID || !st.CoolingDown(sent) {
				t.Fatalf("state of %s = %+v", k, st)
			}
		}

		// A second record of the same command changes nothing.
		err = s.Commands().RecordDispatch(ctx, domain.DispatchRecord{CommandID: cmd.ID, ArrCommandID: 78, SentAt: sent, CooldownUntil: cool})
		if !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("second record: err = %v, want ErrConflict", err)
		}
		states, _ = s.ItemStates().Get(ctx, sd.instance.ID, episodes(1))
		if states[episodes(1)[0]].SearchCount != 1 {
			t.Fatalf("search counted twice: %+v", states)
		}

		// A failure inside the transaction rolls the command back too: with
		// the item table gone, the item update fails after the command was
		// marked sent in the same transaction.
		orphan, _, err := s.Commands().InsertPending(ctx, pending(sd, run, "k2", 5))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, "DROP TABLE item_search_state"); err != nil {
			t.Fatal(err)
		}
		if err := s.Commands().RecordDispatch(ctx, domain.DispatchRecord{CommandID: orphan.ID, ArrCommandID: 79, SentAt: sent, CooldownUntil: cool}); err == nil {
			t.Fatal("record dispatch without the item table: want an error")
		}
		got, err = s.Commands().Get(ctx, orphan.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != domain.CommandPending || got.ArrCommandID != 0 {
			t.Fatalf("command marked sent although its items were not recorded: %+v", got)
		}
	})
}

func TestCommandLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		run := newRun(t, s, sd)
		cmd, _, err := s.Commands().InsertPending(ctx, pending(sd, run, "k", 1))
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if err := s.Commands().RecordDispatch(ctx, domain.DispatchRecord{CommandID: cmd.ID, ArrCommandID: 5, SentAt: now}); err != nil {
			t.Fatal(err)
		}
		if err := s.Commands().RecordDispatch(ctx, domain.DispatchRecord{CommandID: cmd.ID, ArrCommandID: 6, SentAt: now}); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("mark sent twice: err = %v, want ErrConflict", err)
		}
		inflight, err := s.Commands().ListByStatus(ctx, 0, domain.CommandSent)
		if err != nil || len(inflight) != 1 || inflight[0].ArrCommandID != 5 {
			t.Fatalf("in flight = %+v, %v", inflight, err)
		}
		if err := s.Commands().MarkEnded(ctx, cmd.ID, domain.CommandCompleted, "", now); err != nil {
			t.Fatal(err)
		}
		if err := s.Commands().MarkEnded(ctx, cmd.ID, domain.CommandFailed, "late", now); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("end twice: err = %v, want ErrConflict", err)
		}
		if err := s.Commands().MarkEnded(ctx, 999999, domain.CommandFailed, "", now); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown command: err = %v, want ErrNotFound", err)
		}
		got, _ := s.Commands().Get(ctx, cmd.ID)
		if got.Status != domain.CommandCompleted || got.EndedAt == nil {
			t.Fatalf("ended command = %+v", got)
		}
	})
}

func TestCountedCostRollingWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		other := newSeed(t, s, "bob")
		run := newRun(t, s, sd)
		now := time.Now().UTC()

		send := func(sd seed, key string, cost int, at time.Time) {
			t.Helper()
			items := make([]int64, cost)
			for i := range items {
				items[i] = int64(len(key)*100 + i + 1)
			}
			cmd, _, err := s.Commands().InsertPending(ctx, pending(sd, run, key, items...))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Commands().RecordDispatch(ctx, domain.DispatchRecord{CommandID: cmd.ID, ArrCommandID: 1, SentAt: at, CooldownUntil: at.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		send(sd, "a", 3, now.Add(-2*time.Hour))                                                     // outside the hour, inside the day
		send(sd, "bb", 2, now.Add(-30*time.Minute))                                                 // inside both
		send(sd, "ccc", 1, now.Add(-25*time.Hour))                                                  // outside both
		send(other, "dddd", 4, now.Add(-time.Minute))                                               // another instance
		if _, _, err := s.Commands().InsertPending(ctx, pending(sd, run, "eeeee", 7)); err != nil { // pending, not attempted
			t.Fatal(err)
		}
		attempted, _, err := s.Commands().InsertPending(ctx, pending(sd, run, "ggggggg", 9)) // attempted, may have been sent
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Commands().MarkAttempted(ctx, []int64{attempted.ID}, now.Add(-48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		failed, _, err := s.Commands().InsertPending(ctx, pending(sd, run, "ffffff", 8))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Commands().MarkEnded(ctx, failed.ID, domain.CommandFailed, "connection refused", now); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name  string
			ids   []int64
			since time.Time
			want  int
		}{
			{"hour", []int64{sd.instance.ID}, now.Add(-time.Hour), 2 + 1},
			{"day", []int64{sd.instance.ID}, now.Add(-24 * time.Hour), 3 + 2 + 1},
			{"group", []int64{sd.instance.ID, other.instance.ID}, now.Add(-time.Hour), 2 + 1 + 4},
			{"other", []int64{other.instance.ID}, now.Add(-time.Hour), 4},
			{"none", nil, now.Add(-time.Hour), 0},
			{"excluded", []int64{sd.instance.ID}, now.Add(-time.Hour), 2},
		} {
			if tc.name == "excluded" {
				got, err := s.Commands().CountedCost(ctx, tc.ids, tc.since, []int64{attempted.ID})
				if err != nil || got != tc.want {
					t.Errorf("%s: %d indexer searches (%v), want %d", tc.name, got, err, tc.want)
				}
				continue
			}
			got, err := s.Commands().CountedCost(ctx, tc.ids, tc.since, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s: %d indexer searches, want %d", tc.name, got, tc.want)
			}
		}
	})
}

func TestPendingInstancesListsEachInstanceOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, b, c := newSeed(t, s, "alice"), newSeed(t, s, "bob"), newSeed(t, s, "carol")
		for i, sd := range []seed{b, a, b, b, c} {
			cmd, _, err := s.Commands().InsertPending(ctx, pending(sd, newRun(t, s, sd), fmt.Sprintf("k%d", i), int64(i+1)))
			if err != nil {
				t.Fatal(err)
			}
			if sd.instance.ID == c.instance.ID {
				// carol's only command has ended: nothing pending.
				if err := s.Commands().MarkEnded(ctx, cmd.ID, domain.CommandFailed, "refused", time.Now()); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, err := s.InstancesWithPendingCommands(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []int64{min(a.instance.ID, b.instance.ID), max(a.instance.ID, b.instance.ID)}
		if !slices.Equal(got, want) {
			t.Fatalf("instances with pending commands = %v, want %v", got, want)
		}
	})
}
