package dispatch_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/dispatch"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func TestQueuesShareTheInstanceRoundRobin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		inst := instance(t, st, 1000, 1)
		e := &simEnv{t: t, st: st}
		var queues []int64
		for _, name := range []string{"big", "small", "tiny"} {
			q, err := st.Queues().Create(ctx, domain.Queue{InstanceID: inst.ID, Name: name, Strategy: "missing", IsActive: true})
			if err != nil {
				t.Fatal(err)
			}
			queues = append(queues, q.ID)
		}
		// The big queue wrote all its commands first.
		ep := int64(1)
		for i, n := range []int{30, 4, 4} {
			for k := 0; k < n; k++ {
				e.enqueue(inst, queues[i], episodeSearch(ep))
				ep++
			}
		}
		s := &sender{}
		start(t, st, s, &runs{seen: map[int64]int{}})
		waitFor(t, "every command", func() bool { return len(s.snapshot()) == 38 })
		// Episodes 1-30 are the big queue's, 31-34 small's, 35-38 tiny's:
		// within the first 12 sends each queue had 4.
		per := map[string]int{}
		for _, c := range s.snapshot()[:12] {
			switch id := c.cmd.EpisodeIDs[0]; {
			case id <= 30:
				per["big"]++
			case id <= 34:
				per["small"]++
			default:
				per["tiny"]++
			}
		}
		if per["big"] != 4 || per["small"] != 4 || per["tiny"] != 4 {
			t.Fatalf("first 12 sends per queue = %v, want 4 each", per)
		}
	})
}

func TestPauseHoldsResumeSendsAndStaleCommandsExpireWithAReason(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		inst := instance(t, st, 1000, 5)
		e := &simEnv{t: t, st: st}
		var offset atomic.Int64
		clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
		s := &sender{}
		d, err := dispatch.New(dispatch.Deps{Store: st, Connector: connector{s}, Now: clock,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
			dispatch.Config{HoldCheckInterval: 10 * time.Millisecond, PollInterval: 5 * time.Millisecond, PendingExpiry: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		d.Pause(inst.ID, "indexers failing: NZBgeek")
		if err := d.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Stop(context.Background()) })
		first := e.enqueue(inst, 0, episodeSearch(1))
		d.Wake(inst.ID)
		time.Sleep(150 * time.Millisecond)
		if n := len(s.snapshot()); n != 0 {
			t.Fatalf("%d commands sent while paused", n)
		}
		b, err := d.Budget(ctx, inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !b.Paused || b.Reasons[0] != domain.PauseManual || b.PauseMessage != "indexers failing: NZBgeek" || b.Pending != 1 {
			t.Fatalf("budget while paused = %+v", b)
		}
		d.Resume(inst.ID)
		waitFor(t, "the command after resume", func() bool { return len(s.snapshot()) == 1 })
		waitFor(t, "the sent command to complete", func() bool { return status(t, st, first.ID).Status == domain.CommandCompleted })

		// Paused past the pending expiry: the command is expired, with why.
		d.Pause(inst.ID, "indexers failing")
		stale := e.enqueue(inst, 0, episodeSearch(2))
		d.Wake(inst.ID)
		offset.Store(int64(2 * time.Hour))
		waitFor(t, "the stale command to expire", func() bool { return status(t, st, stale.ID).Status == domain.CommandExpired })
		if c := status(t, st, stale.ID); !strings.Contains(c.Error, "not sent within 1h0m0s") || !strings.Contains(c.Error, "indexers failing") {
			t.Fatalf("expired with %q, want the expiry and the pause reason", c.Error)
		}
	})
}
