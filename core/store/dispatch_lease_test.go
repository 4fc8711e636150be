package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func TestDispatchLeaseOneHolderRenewedExpiredReleased(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		id := sd.instance.ID
		now := fixedTime()
		acquire := func(holder string, at time.Time) bool {
			t.Helper()
			ok, err := s.AcquireDispatchLease(ctx, id, holder, at, at.Add(30*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !acquire("a", now) {
			t.Fatal("a free lease was not taken")
		}
		if acquire("b", now.Add(10*time.Second)) {
			t.Fatal("b took a live lease held by a")
		}
		if !acquire("a", now.Add(20*time.Second)) {
			t.Fatal("a could not renew its lease")
		}
		// Renewed to now+50s: still live at now+40s, expired at now+50s.
		if acquire("b", now.Add(40*time.Second)) {
			t.Fatal("b took a renewed lease")
		}
		if !acquire("b", now.Add(50*time.Second)) {
			t.Fatal("b could not take an expired lease")
		}
		if acquire("a", now.Add(51*time.Second)) {
			t.Fatal("a took back a lease b holds")
		}
		// Releasing a lease one does not hold changes nothing.
		if err := s.ReleaseDispatchLease(ctx, id, "a"); err != nil {
			t.Fatal(err)
		}
		if acquire("a", now.Add(52*time.Second)) {
			t.Fatal("a's release freed b's lease")
		}
		if err := s.ReleaseDispatchLease(ctx, id, "b"); err != nil {
			t.Fatal(err)
		}
		if !acquire("a", now.Add(53*time.Second)) {
			t.Fatal("a released lease was not free")
		}
	})
}

func TestDispatchLeaseContendedHasOneWinner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		now := time.Now()
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := s.AcquireDispatchLease(ctx, sd.instance.ID, string(rune('a'+i)), now, now.Add(time.Minute))
				if err != nil {
					t.Error(err)
				}
				if ok {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if n := wins.Load(); n != 1 {
			t.Fatalf("%d holders took the lease, want 1", n)
		}
	})
}

func TestWithBudgetLockSerialisesHolders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var inside, most atomic.Int32
		var wg sync.WaitGroup
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := s.WithBudgetLock(ctx, "g1/shared", func(ctx context.Context) error {
					n := inside.Add(1)
					for {
						m := most.Load()
						if n <= m || most.CompareAndSwap(m, n) {
							break
						}
					}
					time.Sleep(5 * time.Millisecond)
					inside.Add(-1)
					return nil
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if most.Load() != 1 {
			t.Fatalf("%d holders inside the budget lock at once, want 1", most.Load())
		}
	})
}

func TestDispatchPausesPersist(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, b := newSeed(t, s, "alice"), newSeed(t, s, "bob")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.SetDispatchPause(ctx, a.instance.ID, "indexers failing", fixedTime()))
		must(s.SetDispatchPause(ctx, b.instance.ID, "by hand", fixedTime()))
		must(s.SetDispatchPause(ctx, a.instance.ID, "indexers failing: NZBgeek", fixedTime()))
		got, err := s.DispatchPauses(ctx, 0)
		must(err)
		if len(got) != 2 || got[a.instance.ID] != "indexers failing: NZBgeek" || got[b.instance.ID] != "by hand" {
			t.Fatalf("pauses = %v", got)
		}
		must(s.ClearDispatchPause(ctx, b.instance.ID))
		must(s.ClearDispatchPause(ctx, b.instance.ID))
		got, err = s.DispatchPauses(ctx, b.instance.ID)
		must(err)
		if len(got) != 0 {
			t.Fatalf("pauses of a resumed instance = %v", got)
		}
		got, err = s.DispatchPauses(ctx, a.instance.ID)
		must(err)
		if len(got) != 1 {
			t.Fatalf("pauses of a paused instance = %v", got)
		}
	})
}

func TestWithBudgetLockHoldsTheAdvisoryLockOnPostgres(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.DialectPostgres {
			t.Skip("advisory locks are PostgreSQL's")
		}
		ctx := context.Background()
		// Another process's view: a connection outside the store's lock.
		free := func() bool {
			t.Helper()
			var ok bool
			if err := s.DB().QueryRowContext(ctx, "SELECT pg_try_advisory_xact_lock(hashtext($1))", "budget g1/shared").Scan(&ok); err != nil {
				t.Fatal(err)
			}
			return ok
		}
		err := s.WithBudgetLock(ctx, "budget g1/shared", func(ctx context.Context) error {
			if free() {
				t.Error("the budget lock was free to another connection while held")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !free() {
			t.Fatal("the budget lock was still held after fn returned")
		}
	})
}

func TestPendingDispatchLeasesNameTheHolderOfEachInstanceWithPendingWork(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		held, free, idle := newSeed(t, s, "alice"), newSeed(t, s, "bob"), newSeed(t, s, "carol")
		for _, sd := range []seed{held, free} {
			run := newRun(t, s, sd)
			for _, key := range []string{"a", "b"} {
				if _, _, err := s.Commands().InsertPending(ctx, pending(sd, run, sd.user.Username+"/"+key, 1)); err != nil {
					t.Fatal(err)
				}
			}
		}
		until := fixedTime().Add(30 * time.Second)
		for _, sd := range []seed{held, idle} {
			if ok, err := s.AcquireDispatchLease(ctx, sd.instance.ID, "replica-1", fixedTime(), until); err != nil || !ok {
				t.Fatalf("lease taken = %v, %v", ok, err)
			}
		}
		got, err := s.PendingDispatchLeases(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("leases of pending work = %+v, want the two instances with pending commands", got)
		}
		byID := map[int64]domain.DispatchLease{}
		for _, l := range got {
			byID[l.InstanceID] = l
		}
		if l := byID[held.instance.ID]; l.Holder != "replica-1" || !l.Until.Equal(until) {
			t.Fatalf("held instance's lease = %+v, want replica-1 until %s", l, until)
		}
		if l, ok := byID[free.instance.ID]; !ok || l.Holder != "" || !l.Until.IsZero() {
			t.Fatalf("free instance's lease = %+v (listed %v), want no holder", l, ok)
		}
	})
}
