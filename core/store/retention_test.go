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

// TestPruneDeletesOnlyWhatIsPastItsRetention: a finished run, an ended
// command and a processed delivery older than their retention go; the same
// when recent, a pending command and an unprocessed delivery, however old,
// stay.
func TestPruneDeletesOnlyWhatIsPastItsRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		now := time.Now().UTC()
		old, recent := now.Add(-100*24*time.Hour), now.Add(-time.Hour)

		oldRun, newRun := newRun(t, s, sd), newRun(t, s, sd)
		for _, r := range []domain.Run{oldRun, newRun} {
			if err := s.Runs().Finish(ctx, r.ID, domain.RunSucceeded, ""); err != nil {
				t.Fatal(err)
			}
		}
		ended, _, err := s.Commands().InsertPending(ctx, pending(sd, oldRun, "ended", 1))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Commands().MarkEnded(ctx, ended.ID, domain.CommandCompleted, "", old); err != nil {
			t.Fatal(err)
		}
		fresh, _, err := s.Commands().InsertPending(ctx, pending(sd, newRun, "fresh", 2))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Commands().MarkEnded(ctx, fresh.ID, domain.CommandCompleted, "", recent); err != nil {
			t.Fatal(err)
		}
		waiting, _, err := s.Commands().InsertPending(ctx, pending(sd, oldRun, "waiting", 3))
		if err != nil {
			t.Fatal(err)
		}
		var deliveries []domain.WebhookDelivery
		for i, key := range []string{"old-done", "old-open", "new-done"} {
			d, _, err := s.WebhookDeliveries().Insert(ctx, domain.WebhookDelivery{InstanceID: sd.instance.ID, EventType: "Grab", DedupeKey: key, Payload: []byte("{}"), ReceivedAt: old}, 0)
			if err != nil {
				t.Fatal(err)
			}
			deliveries = append(deliveries, d)
			if i != 1 {
				at := old
				if i == 2 {
					at = recent
				}
				if err := s.WebhookDeliveries().MarkProcessed(ctx, d.ID, at); err != nil {
					t.Fatal(err)
				}
			}
		}
		// The old run was created long ago.
		if _, err := s.DB().ExecContext(ctx, rebind(s, "UPDATE runs SET created_at = ? WHERE id = ?"), old, oldRun.ID); err != nil {
			t.Fatal(err)
		}

		pruned, err := s.Prune(ctx, domain.Retention{History: 90 * 24 * time.Hour, Webhooks: 7 * 24 * time.Hour}, now)
		if err != nil {
			t.Fatal(err)
		}
		if pruned["runs"] != 1 || pruned["dispatched_commands"] != 1 || pruned["webhook_deliveries"] != 1 {
			t.Fatalf("pruned = %v, want one run, one command, one delivery", pruned)
		}
		gone := func(err error) bool { return errors.Is(err, domain.ErrNotFound) }
		if _, err := s.Runs().Get(ctx, oldRun.ID); !gone(err) {
			t.Errorf("old run kept: %v", err)
		}
		if _, err := s.Runs().Get(ctx, newRun.ID); err != nil {
			t.Errorf("recent run deleted: %v", err)
		}
		if _, err := s.Commands().Get(ctx, ended.ID); !gone(err) {
			t.Errorf("old ended command kept: %v", err)
		}
		for _, id := range []int64{fresh.ID, waiting.ID} {
			if _, err := s.Commands().Get(ctx, id); err != nil {
				t.Errorf("command %d deleted: %v", id, err)
			}
		}
		if _, err := s.WebhookDeliveries().Get(ctx, deliveries[0].ID); !gone(err) {
			t.Errorf("old processed delivery kept: %v", err)
		}
		for _, d := range deliveries[1:] {
			if _, err := s.WebhookDeliveries().Get(ctx, d.ID); err != nil {
				t.Errorf("delivery %s deleted: %v", d.DedupeKey, err)
			}
		}
		// Zero keeps everything forever.
		if pruned, err := s.Prune(ctx, domain.Retention{}, now.Add(1000*24*time.Hour)); err != nil || pruned["runs"]+pruned["dispatched_commands"]+pruned["webhook_deliveries"] != 0 {
			t.Fatalf("prune with no retention = %v, %v", pruned, err)
		}
	})
}

func rebind(s *store.Store, q string) string {
	if s.Dialect() != store.DialectPostgres {
		return q
	}
	out, n := []byte{}, 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			out = append(out, []byte("$"+string(rune('0'+n)))...)
			continue
		}
		out = append(out, q[i])
	}
	return string(out)
}
