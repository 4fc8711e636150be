package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func ep(id int64) domain.ItemKey { return domain.ItemKey{Type: domain.ItemEpisode, ID: id} }

// sendCommand records a command of run searching items, sent at at.
func sendCommand(t *testing.T, s *store.Store, sd seed, run domain.Run, at time.Time, items ...domain.ItemKey) domain.DispatchedCommand {
	t.Helper()
	ctx := context.Background()
	c, _, err := s.Commands().InsertPending(ctx, domain.DispatchedCommand{
		IdempotencyKey: fmt.Sprint("k", run.ID, at.UnixNano(), items), RunID: run.ID, QueueID: sd.queue.ID,
		InstanceID: sd.instance.ID, Name: domain.CmdEpisodeSearch, Cost: len(items), Items: items,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commands().RecordDispatch(ctx, domain.DispatchRecord{CommandID: c.ID, SentAt: at, CooldownUntil: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRecordOutcomeMatchesTheLatestSearchOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "outcome")
		now := time.Now().UTC()
		old := newRun(t, s, sd)
		recent := newRun(t, s, sd)
		sendCommand(t, s, sd, old, now.Add(-48*time.Hour), ep(1), ep(2))
		cmd := sendCommand(t, s, sd, recent, now.Add(-time.Hour), ep(1))
		// Searched too long ago: the grab is not attributed to it.
		sendCommand(t, s, sd, old, now.Add(-10*24*time.Hour), ep(3))

		grab := domain.Outcome{InstanceID: sd.instance.ID, Key: "dl-1", EventType: domain.HookGrab,
			Source: domain.OutcomeFromWebhook, Items: []domain.ItemKey{ep(1), ep(3), ep(1)}, At: now}
		res, err := s.RecordOutcome(ctx, grab, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Matches) != 2 || res.Found() != 1 {
			t.Fatalf("matches = %+v, want two items, one found", res.Matches)
		}
		if m := res.Matches[0]; m.Item != ep(1) || m.CommandID != cmd.ID || m.RunID != recent.ID || !m.Found {
			t.Fatalf("episode 1 matched %+v, want command %d of run %d", m, cmd.ID, recent.ID)
		}
		if m := res.Matches[1]; m.Item != ep(3) || m.RunID != 0 || m.Found {
			t.Fatalf("episode 3 matched %+v, want no search", m)
		}

		// The Download of the same download id changes nothing; another
		// download of the same item counts the grab but not the run again.
		dl := grab
		dl.EventType, dl.Items = domain.HookDownload, []domain.ItemKey{ep(1)}
		if res, err := s.RecordOutcome(ctx, dl, 0); err != nil || len(res.Matches) != 0 {
			t.Fatalf("replayed outcome = %+v, %v; want nothing new", res, err)
		}
		again := dl
		again.Key = "dl-2"
		if res, err := s.RecordOutcome(ctx, again, 0); err != nil || len(res.Matches) != 1 || res.Found() != 0 {
			t.Fatalf("second download = %+v, %v; want one new item, not found again", res, err)
		}

		r, err := s.Runs().Get(ctx, recent.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Counts.ItemsFound != 1 {
			t.Fatalf("recent run items_found = %d, want 1", r.Counts.ItemsFound)
		}
		if r, _ := s.Runs().Get(ctx, old.ID); r.Counts.ItemsFound != 0 {
			t.Fatalf("older run items_found = %d, want 0", r.Counts.ItemsFound)
		}
		found, err := s.OutcomesOfRun(ctx, recent.ID)
		if err != nil || len(found) != 1 || found[0] != ep(1) {
			t.Fatalf("outcomes of run = %v, %v", found, err)
		}
		states, err := s.ItemStates().Get(ctx, sd.instance.ID, []domain.ItemKey{ep(1), ep(3)})
		if err != nil {
			t.Fatal(err)
		}
		if st := states[ep(1)]; st.GrabCount != 2 || st.LastGrabAt == nil || st.SearchCount != 2 {
			t.Fatalf("state of episode 1 = %+v, want two grabs and two searches", st)
		}
		if st := states[ep(3)]; st.GrabCount != 1 {
			t.Fatalf("state of episode 3 = %+v, want one grab", st)
		}
	})
}

func TestRecordOutcomeNeedsAKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		_, err := s.RecordOutcome(context.Background(), domain.Outcome{InstanceID: 1, Items: []domain.ItemKey{ep(1)}}, 0)
		if !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("err = %v, want ErrInvalid", err)
		}
	})
}

func TestOutcomePollMarkAndTargets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		quiet := newSeed(t, s, "quiet")
		hooked := newSeed(t, s, "hooked")
		tested := newSeed(t, s, "tested")
		now := time.Now().UTC()
		if _, _, err := s.WebhookDeliveries().Insert(ctx, domain.WebhookDelivery{InstanceID: hooked.instance.ID, EventType: "Grab", DedupeKey: "x", Payload: []byte("{}")}, 0); err != nil {
			t.Fatal(err)
		}
		if err := s.Instances().MarkWebhookTest(ctx, tested.instance.ID, now.Add(-30*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		ids, err := s.InstancesWithoutWebhooks(ctx, now.Add(-24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 1 || ids[0] != quiet.instance.ID {
			t.Fatalf("instances to poll = %v, want only %d", ids, quiet.instance.ID)
		}

		if _, ok, err := s.OutcomePollMark(ctx, quiet.instance.ID); ok || err != nil {
			t.Fatalf("mark before the first poll: ok=%v err=%v", ok, err)
		}
		t1 := now.Add(-time.Hour).Truncate(time.Second)
		if err := s.SetOutcomePollMark(ctx, quiet.instance.ID, t1); err != nil {
			t.Fatal(err)
		}
		if err := s.SetOutcomePollMark(ctx, quiet.instance.ID, t1.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := s.OutcomePollMark(ctx, quiet.instance.ID); !ok || err != nil || !got.Equal(t1) {
			t.Fatalf("mark = %v %v %v, want %v (never moved back)", got, ok, err, t1)
		}
	})
}
