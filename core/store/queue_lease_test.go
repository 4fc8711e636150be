package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func TestAcquireRunOneWinner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		const contenders = 8
		runs := make([]domain.Run, contenders)
		for i := range runs {
			runs[i] = newRun(t, s, sd)
		}
		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			errs  = make([]error, contenders)
		)
		for i := range contenders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = s.Queues().AcquireRun(ctx, sd.queue.ID, runs[i].ID, time.Now().Add(time.Minute))
			}()
		}
		close(start)
		wg.Wait()
		winners := 0
		var winner int64
		for i, err := range errs {
			switch {
			case err == nil:
				winners++
				winner = runs[i].ID
			case !errors.Is(err, domain.ErrBusy):
				t.Fatalf("loser error = %v, want ErrBusy", err)
			}
		}
		if winners != 1 {
			t.Fatalf("%d runs acquired the queue, want exactly 1", winners)
		}
		q, err := s.Queues().Get(ctx, sd.queue.ID)
		if err != nil {
			t.Fatal(err)
		}
		if q.RunningRunID == nil || *q.RunningRunID != winner || q.Status != domain.QueueRunning {
			t.Fatalf("queue lease = %v status %s, want run %d running", q.RunningRunID, q.Status, winner)
		}
		due, err := s.Queues().DueQueues(ctx, time.Now().Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 0 {
			t.Fatalf("a leased queue is due: %v", due)
		}
	})
}

func TestExpiredLeaseCanBeTaken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		crashed, next := newRun(t, s, sd), newRun(t, s, sd)
		if err := s.Queues().AcquireRun(ctx, sd.queue.ID, crashed.ID, time.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := s.Queues().AcquireRun(ctx, sd.queue.ID, next.ID, time.Now().Add(time.Minute)); err != nil {
			t.Fatalf("expired lease not taken: %v", err)
		}
		// The crashed run lost its lease: it can neither extend nor release.
		if err := s.Queues().ExtendLease(ctx, sd.queue.ID, crashed.ID, time.Now().Add(time.Hour)); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("extend a lost lease: err = %v, want ErrConflict", err)
		}
		if _, err := s.Queues().ReleaseRun(ctx, sd.queue.ID, crashed.ID, domain.QueueRunResult{Succeeded: true}); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("release a lost lease: err = %v, want ErrConflict", err)
		}
		if err := s.Queues().ExtendLease(ctx, sd.queue.ID, next.ID, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		// Re-acquiring by the holder renews.
		if err := s.Queues().AcquireRun(ctx, sd.queue.ID, next.ID, time.Now().Add(time.Hour)); err != nil {
			t.Fatalf("holder renewing: %v", err)
		}
		if err := s.Queues().AcquireRun(ctx, 424242, next.ID, time.Now()); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown queue: err = %v, want ErrNotFound", err)
		}
	})
}

func TestReleaseRunRecordsResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		fail := func(n int) domain.Queue {
			t.Helper()
			run := newRun(t, s, sd)
			if err := s.Queues().AcquireRun(ctx, sd.queue.ID, run.ID, time.Now().Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			q, err := s.Queues().ReleaseRun(ctx, sd.queue.ID, run.ID, domain.QueueRunResult{
				Error: "sonarr unreachable", DeactivateAfter: 3, NextRun: ptr(time.Now().Add(time.Hour)),
			})
			if err != nil {
				t.Fatal(err)
			}
			if q.ConsecutiveFailures != n {
				t.Fatalf("failures = %d, want %d", q.ConsecutiveFailures, n)
			}
			return q
		}
		q := fail(1)
		if q.Status != domain.QueueFailed || !q.IsActive || q.LastError != "sonarr unreachable" || q.RunningRunID != nil || q.LastRun == nil {
			t.Fatalf("after one failure: %+v", q)
		}
		fail(2)
		q = fail(3)
		if q.IsActive || q.Status != domain.QueueDeactivated || q.StatusReason == "" {
			t.Fatalf("after three failures the queue should be deactivated: %+v", q)
		}

		q, err := s.Queues().Resume(ctx, sd.queue.ID, ptr(time.Now()))
		if err != nil {
			t.Fatal(err)
		}
		if !q.IsActive || q.ConsecutiveFailures != 0 || q.Status != domain.QueuePending || q.StatusReason != "" {
			t.Fatalf("after resume: %+v", q)
		}
		run := newRun(t, s, sd)
		if err := s.Queues().AcquireRun(ctx, sd.queue.ID, run.ID, time.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		next := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Microsecond)
		q, err = s.Queues().ReleaseRun(ctx, sd.queue.ID, run.ID, domain.QueueRunResult{Succeeded: true, NextRun: &next})
		if err != nil {
			t.Fatal(err)
		}
		if q.Status != domain.QueueCompleted || q.LastError != "" || q.ConsecutiveFailures != 0 || q.NextRun == nil || !q.NextRun.Equal(next) {
			t.Fatalf("after success: %+v", q)
		}
	})
}

func TestDueQueues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		now := time.Now().UTC()
		if err := s.Queues().SetNextRun(ctx, sd.queue.ID, ptr(now.Add(-time.Minute))); err != nil {
			t.Fatal(err)
		}
		later, err := s.Queues().Create(ctx, domain.Queue{InstanceID: sd.instance.ID, Name: "later", Strategy: "missing", IsActive: true, NextRun: ptr(now.Add(time.Hour))})
		if err != nil {
			t.Fatal(err)
		}
		paused, err := s.Queues().Create(ctx, domain.Queue{InstanceID: sd.instance.ID, Name: "paused", Strategy: "missing", IsActive: true, NextRun: ptr(now.Add(-time.Hour))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Queues().Pause(ctx, paused.ID); err != nil {
			t.Fatal(err)
		}
		due, err := s.Queues().DueQueues(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 1 || due[0].ID != sd.queue.ID || due[0].OwnerID != sd.user.ID {
			t.Fatalf("due = %+v, want only queue %d", due, sd.queue.ID)
		}
		due, _ = s.Queues().DueQueues(ctx, now.Add(2*time.Hour))
		if len(due) != 2 || due[1].ID != later.ID {
			t.Fatalf("due later = %d queues, want 2 ending with %d", len(due), later.ID)
		}
	})
}
