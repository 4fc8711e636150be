package retention_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/retention"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

type events struct{ olderThan chan time.Duration }

func (e events) Prune(_ context.Context, olderThan time.Duration) (int64, error) {
	e.olderThan <- olderThan
	return 0, nil
}

// TestPrunerRunsAPassAtStart: once started, the pruner deletes at once a
// processed webhook delivery past its retention, and prunes the bus with
// the event retention.
func TestPrunerRunsAPassAtStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u, err := st.Users().Create(ctx, domain.User{Username: "alice", PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		inst, err := st.Instances().Create(ctx, domain.Instance{OwnerID: u.ID, Name: "sonarr", Kind: domain.KindSonarr,
			URL: "http://sonarr:8989", TimeoutSeconds: 5, RatePerSecond: 1, Burst: 1}, domain.Secret("key"))
		if err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-30 * 24 * time.Hour)
		d, _, err := st.WebhookDeliveries().Insert(ctx, domain.WebhookDelivery{InstanceID: inst.ID, EventType: "Grab", DedupeKey: "k", Payload: []byte("{}"), ReceivedAt: old}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.WebhookDeliveries().MarkProcessed(ctx, d.ID, old); err != nil {
			t.Fatal(err)
		}
		ev := events{olderThan: make(chan time.Duration, 1)}
		p, err := retention.New(retention.Deps{Store: st, Events: ev, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
			retention.Config{Retention: domain.Retention{Webhooks: 7 * 24 * time.Hour}, Events: 2 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		p.Start(ctx)
		defer p.Stop()
		select {
		case got := <-ev.olderThan:
			if got != 2*time.Hour {
				t.Fatalf("bus pruned past %s, want 2h", got)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("no pass at start")
		}
		if _, err := st.WebhookDeliveries().Get(ctx, d.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("old processed delivery still there: %v", err)
		}
	})
}
