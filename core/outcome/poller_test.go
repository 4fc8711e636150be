package outcome

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/arr/fakearr"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type countingCache struct {
	mu sync.Mutex
	n  int
}

func (c *countingCache) Invalidate(int64) { c.mu.Lock(); c.n++; c.mu.Unlock() }

// simulated starts a simulated instance and returns it with a client.
func simulated(t *testing.T, kind domain.InstanceKind) (*fakearr.Instance, *arr.Client) {
	t.Helper()
	sim, err := fakearr.New(fakearr.Config{Instances: []fakearr.InstanceConfig{{
		Kind: kind, Seed: 3, Episodes: 300, Movies: 100, MissingRatio: 0.5, FindChance: 1,
		CommandDuration: 10 * time.Millisecond, ImportDelay: time.Hour,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(func() { srv.Close(); _ = sim.Close() })
	in := sim.Instances()[0]
	cl, err := arr.New(arr.Config{Kind: kind, URL: srv.URL + in.URLBase(), APIKey: in.APIKey()})
	if err != nil {
		t.Fatal(err)
	}
	return in, cl
}

// searchMissing sends one search of the first n missing items through the
// client, records it as a run's command in st, and waits for the arr to
// finish it.
func searchMissing(t *testing.T, st *store.Store, cl *arr.Client, instanceID, queueID int64, kind domain.InstanceKind, n int) domain.Run {
	t.Helper()
	ctx := context.Background()
	page, err := cl.WantedMissing(ctx, arr.WantedQuery{PageSize: n})
	if err != nil || len(page.Items) < n {
		t.Fatalf("wanted: %d items, %v", len(page.Items), err)
	}
	var keys []domain.ItemKey
	cmd := domain.Command{Name: domain.CmdEpisodeSearch}
	if kind == domain.KindRadarr {
		cmd.Name = domain.CmdMoviesSearch
	}
	for _, it := range page.Items[:n] {
		keys = append(keys, it.Key)
		if kind == domain.KindRadarr {
			cmd.MovieIDs = append(cmd.MovieIDs, it.Key.ID)
		} else {
			cmd.EpisodeIDs = append(cmd.EpisodeIDs, it.Key.ID)
		}
	}
	run, err := st.Runs().Create(ctx, domain.Run{QueueID: queueID, InstanceID: instanceID, Strategy: "missing", Trigger: domain.TriggerAPI})
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := st.Commands().InsertPending(ctx, domain.DispatchedCommand{IdempotencyKey: fmt.Sprint("r", run.ID), RunID: run.ID,
		QueueID: queueID, InstanceID: instanceID, Name: cmd.Name, Cost: n, Items: keys})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := cl.SendCommand(ctx, cmd)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Commands().RecordDispatch(ctx, domain.DispatchRecord{CommandID: c.ID, ArrCommandID: sent.ID, SentAt: time.Now(), CooldownUntil: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		s, err := cl.Command(ctx, sent.ID)
		if err == nil && s.Status == "completed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("command %d did not complete: %+v %v", sent.ID, s, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return run
}

func TestPollerCountsTheArrsGrabsOnce(t *testing.T) {
	for _, kind := range []domain.InstanceKind{domain.KindSonarr, domain.KindRadarr} {
		t.Run(string(kind), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				sim, cl := simulated(t, kind)
				u, err := st.Users().Create(ctx, domain.User{Username: "poll", PasswordHash: "x"})
				if err != nil {
					t.Fatal(err)
				}
				in, err := st.Instances().Create(ctx, domain.Instance{OwnerID: u.ID, Name: "arr", Kind: kind, URL: "http://arr",
					TimeoutSeconds: 30, RatePerSecond: 1, Burst: 1}, domain.Secret("k"))
				if err != nil {
					t.Fatal(err)
				}
				q, err := st.Queues().Create(ctx, domain.Queue{InstanceID: in.ID, Name: "q", Strategy: "missing", IsActive: true, MaxItemsPerRun: 5})
				if err != nil {
					t.Fatal(err)
				}
				cache := &countingCache{}
				p, err := New(Deps{Store: st, Logger: quiet, Wanted: cache,
					History: HistoryFunc(func(ctx context.Context, id int64, since time.Time) ([]arr.HistoryRecord, error) {
						if id != in.ID {
							return nil, fmt.Errorf("unexpected instance %d", id)
						}
						return cl.History(ctx, since)
					})}, Config{})
				if err != nil {
					t.Fatal(err)
				}

				run := searchMissing(t, st, cl, in.ID, q.ID, kind, 4)
				grabs := sim.Counters().Grabs
				if grabs == 0 {
					t.Fatal("the simulator grabbed nothing")
				}
				if err := p.PollAll(ctx); err != nil {
					t.Fatal(err)
				}
				if found, err := p.Poll(ctx, in.ID); err != nil || found != 0 {
					t.Fatalf("second poll found %d, %v; want nothing new", found, err)
				}
				r, err := st.Runs().Get(ctx, run.ID)
				if err != nil {
					t.Fatal(err)
				}
				if r.Counts.ItemsFound != grabs {
					t.Fatalf("items_found = %d, the simulator grabbed %d", r.Counts.ItemsFound, grabs)
				}
				if cache.n != 1 {
					t.Fatalf("wanted lists invalidated %d times, want 1", cache.n)
				}
				if _, ok, err := st.OutcomePollMark(ctx, in.ID); !ok || err != nil {
					t.Fatalf("no poll mark: %v", err)
				}

				// A Grab webhook of the same download, arriving late, adds
				// nothing: the same download id is one outcome.
				hist, err := cl.History(ctx, time.Now().Add(-time.Hour))
				if err != nil || len(hist) == 0 {
					t.Fatalf("history %d, %v", len(hist), err)
				}
				k, _ := hist[0].ItemKey()
				res, err := st.RecordOutcome(ctx, domain.Outcome{InstanceID: in.ID, Key: "download:" + hist[0].DownloadID,
					EventType: domain.HookGrab, Source: domain.OutcomeFromWebhook, Items: []domain.ItemKey{k}, At: time.Now()}, 0)
				if err != nil || len(res.Matches) != 0 {
					t.Fatalf("webhook after poll = %+v, %v", res, err)
				}

				// An instance that sends webhooks is not polled.
				if err := st.Instances().MarkWebhookTest(ctx, in.ID, time.Now()); err != nil {
					t.Fatal(err)
				}
				searchMissing(t, st, cl, in.ID, q.ID, kind, 2)
				if err := p.PollAll(ctx); err != nil {
					t.Fatal(err)
				}
				if cache.n != 1 {
					t.Fatal("an instance with webhooks was polled")
				}
			})
		})
	}
}

func TestPollerStartStop(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	calls := make(chan int64, 10)
	p, err := New(Deps{Store: st, Logger: quiet, History: HistoryFunc(func(ctx context.Context, id int64, since time.Time) ([]arr.HistoryRecord, error) {
		calls <- id
		return nil, nil
	})}, Config{Interval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u, _ := st.Users().Create(ctx, domain.User{Username: "u", PasswordHash: "x"})
	in, err := st.Instances().Create(ctx, domain.Instance{OwnerID: u.ID, Name: "a", Kind: domain.KindSonarr, URL: "http://a", TimeoutSeconds: 1, RatePerSecond: 1, Burst: 1}, "k")
	if err != nil {
		t.Fatal(err)
	}
	p.Start(ctx)
	for i := 0; i < 2; i++ {
		select {
		case id := <-calls:
			if id != in.ID {
				t.Fatalf("polled %d", id)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no poll")
		}
	}
	p.Stop()
	p.Stop()
}
