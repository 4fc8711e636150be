package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// BenchmarkDashboardReads measures the history reads behind GET
// /api/dashboard on SQLite, for a user with 30 days of activity: 300 runs,
// 3,000 commands sent and 600 items found, plus another user's as much.
func BenchmarkDashboardReads(b *testing.B) {
	ctx := context.Background()
	s := storetest.Open(b, store.DialectSQLite)
	var owner int64
	for u, name := range []string{"alice", "bob"} {
		sd := newSeed(b, s, name)
		if u == 0 {
			owner = sd.user.ID
		}
		now := time.Now().UTC()
		for r := range 300 {
			run, err := s.Runs().Create(ctx, domain.Run{QueueID: sd.queue.ID, QueueName: "q", InstanceID: sd.instance.ID,
				Strategy: "missing", Trigger: domain.TriggerSchedule, Status: domain.RunRunning})
			if err != nil {
				b.Fatal(err)
			}
			at := now.Add(-time.Duration(r) * 2 * time.Hour)
			for c := range 10 {
				id := int64(r*10 + c + 1)
				item := domain.ItemKey{Type: domain.ItemEpisode, ID: id}
				cmd, _, err := s.Commands().InsertPending(ctx, domain.DispatchedCommand{IdempotencyKey: fmt.Sprint(name, id),
					RunID: run.ID, QueueID: sd.queue.ID, InstanceID: sd.instance.ID, Name: domain.CmdEpisodeSearch, Cost: 1,
					Items: []domain.ItemKey{item}})
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Commands().RecordDispatch(ctx, domain.DispatchRecord{CommandID: cmd.ID, SentAt: at, CooldownUntil: at.Add(time.Hour)}); err != nil {
					b.Fatal(err)
				}
				if c < 2 {
					if _, err := s.RecordOutcome(ctx, domain.Outcome{InstanceID: sd.instance.ID, Key: fmt.Sprint("g", id),
						EventType: domain.HookGrab, Items: []domain.ItemKey{item}, At: at.Add(time.Minute)}, 0); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := s.Runs().Finish(ctx, run.ID, domain.RunSucceeded, ""); err != nil {
				b.Fatal(err)
			}
		}
	}
	from := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -29)
	b.Run("daily", func(b *testing.B) {
		for b.Loop() {
			if days, err := s.Activity().Daily(ctx, owner, from); err != nil || len(days) == 0 {
				b.Fatal(days, err)
			}
		}
	})
	b.Run("last_webhooks", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Activity().LastWebhookEvents(ctx, owner); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("run_lists", func(b *testing.B) {
		for b.Loop() {
			for _, st := range []domain.RunStatus{domain.RunRunning, domain.RunPending, ""} {
				if _, err := s.Runs().List(ctx, domain.RunFilter{OwnerID: owner, Status: st, Limit: 40}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
