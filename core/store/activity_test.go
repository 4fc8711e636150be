package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func TestActivityDailyCountsOnlyTheOwnersSearchesAndFinds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice := newSeed(t, s, "alice")
		bob := newSeed(t, s, "bob")
		today := time.Now().UTC().Truncate(24 * time.Hour).Add(time.Hour)
		yesterday := today.Add(-24 * time.Hour)
		long := today.Add(-40 * 24 * time.Hour)

		run := newRun(t, s, alice)
		sendCommand(t, s, alice, run, yesterday, ep(1), ep(2))
		sendCommand(t, s, alice, run, today, ep(3))
		sendCommand(t, s, alice, run, long, ep(4))
		bobRun := newRun(t, s, bob)
		sendCommand(t, s, bob, bobRun, today, ep(1), ep(2), ep(3))
		// A pending command was never sent: it counts nowhere.
		if _, _, err := s.Commands().InsertPending(ctx, domain.DispatchedCommand{IdempotencyKey: "pending", RunID: run.ID,
			InstanceID: alice.instance.ID, Name: domain.CmdEpisodeSearch, Cost: 1, Items: []domain.ItemKey{ep(9)}}); err != nil {
			t.Fatal(err)
		}
		for _, o := range []domain.Outcome{
			{InstanceID: alice.instance.ID, Key: "a1", EventType: domain.HookGrab, Items: []domain.ItemKey{ep(1), ep(3)}, At: today.Add(time.Minute)},
			{InstanceID: bob.instance.ID, Key: "b1", EventType: domain.HookGrab, Items: []domain.ItemKey{ep(1), ep(2)}, At: today.Add(time.Minute)},
		} {
			if _, err := s.RecordOutcome(ctx, o, 0); err != nil {
				t.Fatal(err)
			}
		}

		days, err := s.Activity().Daily(ctx, alice.user.ID, today.Add(-30*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := []domain.ActivityDay{
			{Date: yesterday.Format(time.DateOnly), Commands: 1, IndexerSearches: 2},
			{Date: today.Format(time.DateOnly), Commands: 1, IndexerSearches: 1, ItemsFound: 2},
		}
		if len(days) != len(want) {
			t.Fatalf("days = %+v, want %+v", days, want)
		}
		for i := range want {
			if days[i] != want[i] {
				t.Errorf("day %d = %+v, want %+v", i, days[i], want[i])
			}
		}
	})
}

func TestActivityLastWebhookEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice := newSeed(t, s, "alice")
		bob := newSeed(t, s, "bob")
		for _, d := range []domain.WebhookDelivery{
			{InstanceID: alice.instance.ID, EventType: "Grab", DedupeKey: "1", Payload: []byte("{}")},
			{InstanceID: alice.instance.ID, EventType: "Download", DedupeKey: "2", Payload: []byte("{}")},
			{InstanceID: bob.instance.ID, EventType: "Grab", DedupeKey: "3", Payload: []byte("{}")},
		} {
			if _, _, err := s.WebhookDeliveries().Insert(ctx, d, 0); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Activity().LastWebhookEvents(ctx, alice.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[alice.instance.ID].IsZero() || time.Since(got[alice.instance.ID]) > time.Minute {
			t.Fatalf("last webhook events = %v, want alice's instance only, just now", got)
		}
	})
}

func TestRunItemOutcomes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "outcomes")
		now := time.Now().UTC()
		first := newRun(t, s, sd)
		kept := func(id int64) domain.RunItem {
			return domain.RunItem{Key: ep(id), Title: "t", Decision: domain.DecisionKept, ReasonCode: domain.ReasonSearched, Command: domain.CmdEpisodeSearch}
		}
		dropped := domain.RunItem{Key: ep(4), Decision: domain.DecisionDropped, ReasonCode: domain.ReasonCooldown}
		if err := s.RunItems().Insert(ctx, first.ID, []domain.RunItem{kept(1), kept(2), kept(3), dropped}); err != nil {
			t.Fatal(err)
		}
		sendCommand(t, s, sd, first, now.Add(-3*time.Hour), ep(1), ep(2), ep(3))
		// Episode 2 is searched again by a later run, which the grab matches.
		second := newRun(t, s, sd)
		sendCommand(t, s, sd, second, now.Add(-2*time.Hour), ep(2), ep(4))
		grab1 := now.Add(-150 * time.Minute)
		grab2 := now.Add(-time.Hour)
		for _, o := range []domain.Outcome{
			{InstanceID: sd.instance.ID, Key: "g1", EventType: domain.HookGrab, Items: []domain.ItemKey{ep(1)}, At: grab1},
			{InstanceID: sd.instance.ID, Key: "g2", EventType: domain.HookGrab, Items: []domain.ItemKey{ep(2), ep(4)}, At: grab2},
			// A later grab of episode 1 leaves its first find in place.
			{InstanceID: sd.instance.ID, Key: "g3", EventType: domain.HookGrab, Items: []domain.ItemKey{ep(1)}, At: now},
		} {
			if _, err := s.RecordOutcome(ctx, o, 0); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.RunItems().Outcomes(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("outcomes = %+v, want episodes 1 and 2 (3 was not found, 4 not searched by this run)", got)
		}
		if o := got[ep(1)]; !o.Found || o.RunID != first.ID || !o.FoundAt.Equal(grab1.Truncate(time.Microsecond)) {
			t.Errorf("episode 1 = %+v, want found by run %d at %s", o, first.ID, grab1)
		}
		if o := got[ep(2)]; !o.Found || o.RunID != second.ID || !o.FoundAt.Equal(grab2.Truncate(time.Microsecond)) {
			t.Errorf("episode 2 = %+v, want found by the later run %d at %s", o, second.ID, grab2)
		}
		// A run that recorded no decisions has no outcomes.
		got, err = s.RunItems().Outcomes(ctx, second)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("outcomes of a run without decisions = %+v, want none", got)
		}
	})
}
