package store_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func TestClaimRunRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "claim")
		until := time.Now().Add(time.Hour)
		run, _, err := s.Runs().CreateLeased(ctx, domain.Run{QueueID: sd.queue.ID, InstanceID: sd.instance.ID,
			Strategy: "missing", Trigger: domain.TriggerAPI}, until)
		if err != nil {
			t.Fatal(err)
		}
		// A second run cannot be opened on the held queue.
		if _, holder, err := s.Runs().CreateLeased(ctx, domain.Run{QueueID: sd.queue.ID, InstanceID: sd.instance.ID,
			Strategy: "missing", Trigger: domain.TriggerAPI}, until); !errors.Is(err, domain.ErrBusy) || holder != run.ID {
			t.Fatalf("second leased run: holder %d, %v; want busy by run %d", holder, err, run.ID)
		}
		if runs, _ := s.Runs().List(ctx, domain.RunFilter{QueueID: sd.queue.ID}); len(runs) != 1 {
			t.Fatalf("%d runs written, want 1", len(runs))
		}

		claim := func(runID int64, holder, boot string, exclusive bool) error {
			return s.Queues().ClaimRun(ctx, sd.queue.ID, runID, domain.RunClaim{Holder: holder, Boot: boot, Until: until, Exclusive: exclusive})
		}
		// Reserved: the first engine takes it; another holder then cannot.
		if err := claim(run.ID, "host-a", "boot-1", false); err != nil {
			t.Fatalf("claim of a reserved run: %v", err)
		}
		if err := claim(run.ID, "host-b", "boot-9", false); !errors.Is(err, domain.ErrBusy) {
			t.Fatalf("claim by a live other replica = %v, want busy", err)
		}
		// The same installation started again takes it back.
		if err := claim(run.ID, "host-a", "boot-2", false); err != nil {
			t.Fatalf("claim by a later start: %v", err)
		}
		// Alone on the database, any start takes it back.
		if err := claim(run.ID, "host-c", "boot-3", true); err != nil {
			t.Fatalf("exclusive claim: %v", err)
		}
		// Another run never takes a live lease of an open run...
		other := newRun(t, s, sd)
		if err := claim(other.ID, "host-c", "boot-3", true); !errors.Is(err, domain.ErrBusy) {
			t.Fatalf("claim for another run = %v, want busy", err)
		}
		// ...but one whose run has ended holds nothing.
		if err := s.Runs().Finish(ctx, run.ID, domain.RunSucceeded, ""); err != nil {
			t.Fatal(err)
		}
		if err := claim(other.ID, "host-c", "boot-3", false); err != nil {
			t.Fatalf("claim after the holder ended: %v", err)
		}
	})
}

func TestRecordPlanIsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "plan")
		run := newRun(t, s, sd)
		key := domain.ItemKey{Type: domain.ItemEpisode, ID: 1}
		items := []domain.RunItem{{Key: key, Decision: domain.DecisionKept, Reason: "missing"}}
		good := domain.DispatchedCommand{IdempotencyKey: "run:plan:0", RunID: run.ID, QueueID: sd.queue.ID, InstanceID: sd.instance.ID,
			Name: domain.CmdEpisodeSearch, Cost: 1, Items: []domain.ItemKey{key}}
		bad := good
		bad.IdempotencyKey = "" // refused: the whole plan is
		err := s.Runs().RecordPlan(ctx, run.ID, items, []domain.DispatchedCommand{good, bad}, domain.RunCounts{ItemsSelected: 1})
		if err == nil {
			t.Fatal("a plan with a bad command was recorded")
		}
		got, _ := s.Runs().Get(ctx, run.ID)
		pending, _ := s.Commands().ListPending(ctx, sd.instance.ID)
		decisions, _ := s.RunItems().ListByRun(ctx, run.ID, 0, 0)
		if got.PlannedAt != nil || got.Counts.ItemsSelected != 0 || len(pending) != 0 || len(decisions) != 0 {
			t.Fatalf("after a failed plan: planned %v, selected %d, %d commands, %d decisions; want nothing",
				got.PlannedAt, got.Counts.ItemsSelected, len(pending), len(decisions))
		}
		if err := s.Runs().RecordPlan(ctx, run.ID, items, []domain.DispatchedCommand{good}, domain.RunCounts{ItemsSelected: 1}); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Runs().Get(ctx, run.ID)
		if got.PlannedAt == nil || got.Counts.ItemsSelected != 1 {
			t.Fatalf("run = %+v, want planned with 1 selected", got)
		}
		// A run is planned once.
		if err := s.Runs().RecordPlan(ctx, run.ID, nil, nil, domain.RunCounts{ItemsSelected: 1}); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("second plan = %v, want conflict", err)
		}

		// The sent counters follow the commands, and never go down.
		pending, _ = s.Commands().ListPending(ctx, sd.instance.ID)
		now := time.Now()
		if err := s.RecordDispatch(ctx, domain.DispatchRecord{CommandID: pending[0].ID, ArrCommandID: 7, SentAt: now, CooldownUntil: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := s.Runs().CountSent(ctx, run.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.EndCommand(ctx, pending[0].ID, domain.CommandFailed, "the arr reports the command failed", now); err != nil {
			t.Fatal(err)
		}
		if err := s.Runs().FinishWithCounts(ctx, run.ID, domain.RunSucceeded, ""); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Runs().Get(ctx, run.ID)
		if got.Counts.CommandsSent != 1 || got.Counts.IndexerSearches != 1 || got.Counts.ItemsSearched != 1 {
			t.Fatalf("counts = %+v, want the 1 command sent", got.Counts)
		}
	})
}

func TestPlanningLockExcludesOtherProcesses(t *testing.T) {
	for _, dialect := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(dialect, func(t *testing.T) {
			opts := storetest.Options(t, dialect)
			a := storetest.OpenWith(t, opts)
			stores := []*store.Store{a, a}
			if dialect == store.DialectPostgres {
				// Two processes sharing one database.
				stores[1] = storetest.OpenWith(t, opts)
			}
			var inside, overlap atomic.Int32
			done := make(chan error, 4)
			for i := range 4 {
				go func() {
					done <- stores[i%2].WithPlanningLock(context.Background(), 1, func(ctx context.Context) error {
						if inside.Add(1) > 1 {
							overlap.Store(1)
						}
						time.Sleep(30 * time.Millisecond)
						inside.Add(-1)
						return nil
					})
				}()
			}
			for range 4 {
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			}
			if overlap.Load() != 0 {
				t.Fatal("two holders of one instance's planning lock at once")
			}
			// Waiting ends with the context.
			ctx, cancel := context.WithCancel(context.Background())
			hold := make(chan struct{})
			release := make(chan struct{})
			go a.WithPlanningLock(context.Background(), 2, func(context.Context) error { close(hold); <-release; return nil })
			<-hold
			cancel()
			if err := a.WithPlanningLock(ctx, 2, func(context.Context) error { return nil }); err == nil {
				t.Fatal("a cancelled wait took the lock")
			}
			close(release)
		})
	}
}
