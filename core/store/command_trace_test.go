package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func TestCommandsCarryTheirRunsCorrelationAndStrategy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		run, err := s.Runs().Create(ctx, domain.Run{
			QueueID: sd.queue.ID, QueueName: sd.queue.Name, InstanceID: sd.instance.ID,
			Strategy: "missing", Trigger: domain.TriggerAPI, CorrelationID: "corr-1",
		})
		if err != nil {
			t.Fatal(err)
		}
		cmd, _, err := s.Commands().InsertPending(ctx, pending(sd, run, "k1", 1))
		if err != nil {
			t.Fatal(err)
		}
		loose := pending(sd, domain.Run{}, "k2", 2)
		if _, _, err := s.Commands().InsertPending(ctx, loose); err != nil {
			t.Fatal(err)
		}
		list, err := s.FairPendingCommands(ctx, sd.instance.ID, 0, 10)
		if err != nil || len(list) != 2 {
			t.Fatalf("pending = %+v, %v", list, err)
		}
		for _, c := range list {
			want := domain.DispatchedCommand{}
			if c.RunID == run.ID {
				want.CorrelationID, want.Strategy = "corr-1", "missing"
			}
			if c.CorrelationID != want.CorrelationID || c.Strategy != want.Strategy {
				t.Errorf("command %d: correlation %q strategy %q, want %q %q", c.ID, c.CorrelationID, c.Strategy, want.CorrelationID, want.Strategy)
			}
		}
		if err := s.RecordDispatch(ctx, domain.DispatchRecord{CommandID: cmd.ID, ArrCommandID: 9, SentAt: time.Now(), CooldownUntil: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		sent, err := s.SentCommands(ctx, sd.instance.ID)
		if err != nil || len(sent) != 1 || sent[0].CorrelationID != "corr-1" || sent[0].Strategy != "missing" {
			t.Fatalf("sent = %+v, %v", sent, err)
		}
	})
}
