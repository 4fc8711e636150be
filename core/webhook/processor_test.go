package webhook

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
	"github.com/vibequality/searcharr/internal/cputest"
)

type fakePauser struct {
	mu      sync.Mutex
	paused  map[int64]string
	resumes int
}

func (f *fakePauser) Pause(id int64, reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.paused == nil {
		f.paused = map[int64]string{}
	}
	f.paused[id] = reason
}

func (f *fakePauser) Resume(id int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.paused, id)
	f.resumes++
}

func (f *fakePauser) reason(id int64) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.paused[id]
	return r, ok
}

type fakeWanted struct {
	mu    sync.Mutex
	calls []int64
}

func (f *fakeWanted) Invalidate(id int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, id)
}

func (f *fakeWanted) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

type fakeEpisodes map[int64][]domain.ItemKey

func (f fakeEpisodes) SeriesEpisodes(_ context.Context, _, seriesID int64) ([]domain.ItemKey, error) {
	return f[seriesID], nil
}

type procHarness struct {
	fixture
	pub    *recordingPublisher
	pauser *fakePauser
	wanted *fakeWanted
	proc   *Processor
}

func newProcHarness(t testing.TB, st *store.Store, episodes SeriesEpisodes) *procHarness {
	t.Helper()
	h := &procHarness{fixture: newFixture(t, st), pub: &recordingPublisher{}, pauser: &fakePauser{}, wanted: &fakeWanted{}}
	var err error
	h.proc, err = NewProcessor(ProcessorDeps{
		Deliveries: st.WebhookDeliveries(), Outcomes: st, Subscriptions: st.Queues(), Instances: st.Instances(),
		Publisher: h.pub, Dispatch: h.pauser, Wanted: h.wanted, Episodes: episodes, Logger: quiet,
	}, ProcessorConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// deliver stores a delivery as the receiver would and returns its id.
func (h *procHarness) deliver(t testing.TB, body []byte) int64 {
	t.Helper()
	d, _, err := h.st.WebhookDeliveries().Insert(context.Background(), domain.WebhookDelivery{
		InstanceID: h.instance.ID, EventType: "any", DedupeKey: fmt.Sprint(time.Now().UnixNano()), Payload: body,
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func (h *procHarness) process(t *testing.T, id int64) {
	t.Helper()
	if err := h.proc.Process(context.Background(), id); err != nil {
		t.Fatal(err)
	}
}

// searched records a run of the fixture's queue that sent one search of
// items.
func (h *procHarness) searched(t *testing.T, items ...domain.ItemKey) domain.Run {
	t.Helper()
	ctx := context.Background()
	run, err := h.st.Runs().Create(ctx, domain.Run{QueueID: h.queue.ID, InstanceID: h.instance.ID, Strategy: "missing", Trigger: domain.TriggerSchedule})
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := h.st.Commands().InsertPending(ctx, domain.DispatchedCommand{IdempotencyKey: fmt.Sprint("run", run.ID), RunID: run.ID,
		QueueID: h.queue.ID, InstanceID: h.instance.ID, Name: domain.CmdEpisodeSearch, Cost: len(items), Items: items})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-time.Minute)
	if err := h.st.Commands().RecordDispatch(ctx, domain.DispatchRecord{CommandID: c.ID, SentAt: at, CooldownUntil: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return run
}

func (h *procHarness) itemsFound(t *testing.T, runID int64) int {
	t.Helper()
	r, err := h.st.Runs().Get(context.Background(), runID)
	if err != nil {
		t.Fatal(err)
	}
	return r.Counts.ItemsFound
}

func episode(id int64) domain.ItemKey { return domain.ItemKey{Type: domain.ItemEpisode, ID: id} }

func TestProcessorCountsOutcomesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newProcHarness(t, st, nil)
		ctx := context.Background()
		run := h.searched(t, episode(1045), episode(1046))

		grab := h.deliver(t, readContract(t, "sonarr-Grab.json"))
		h.process(t, grab)
		h.process(t, grab) // a replay
		if n := h.itemsFound(t, run.ID); n != 1 {
			t.Fatalf("items_found after the grab = %d, want 1", n)
		}
		// Its Download (same download id) and a second delivery of the
		// same Grab body change nothing.
		h.process(t, h.deliver(t, readContract(t, "sonarr-Download.json")))
		h.process(t, h.deliver(t, readContract(t, "sonarr-Grab.json")))
		if n := h.itemsFound(t, run.ID); n != 1 {
			t.Fatalf("items_found after the download = %d, want 1", n)
		}
		// Import complete of a season pack: 1046 is new, 1045 counted once
		// per run already.
		h.process(t, h.deliver(t, readContract(t, "sonarr-Download-importcomplete.json")))
		if n := h.itemsFound(t, run.ID); n != 2 {
			t.Fatalf("items_found after the pack = %d, want 2", n)
		}
		states, err := st.ItemStates().Get(ctx, h.instance.ID, []domain.ItemKey{episode(1045), episode(1046)})
		if err != nil {
			t.Fatal(err)
		}
		if states[episode(1045)].GrabCount != 2 || states[episode(1046)].GrabCount != 1 || states[episode(1045)].LastGrabAt == nil {
			t.Fatalf("states %+v", states)
		}
		if got := h.pub.kinds(domain.TopicNotifications); len(got) != 2 || got[0] != domain.EventGrabFound {
			t.Fatalf("notifications %v, want two grab_found", got)
		}
		n := h.pub.on(domain.TopicNotifications)[0].payload.(domain.WebhookNotification)
		if len(n.RunIDs) != 1 || n.RunIDs[0] != run.ID || !strings.Contains(n.Title, "S01E05") && n.Title == "" {
			t.Fatalf("notification %+v", n)
		}
		if h.wanted.count() != 4 {
			t.Fatalf("wanted lists invalidated %d times, want once per grab or download processed (4)", h.wanted.count())
		}
		if left, _ := st.WebhookDeliveries().ListUnprocessed(ctx, 0); len(left) != 0 {
			t.Fatalf("%d deliveries left unprocessed", len(left))
		}
	})
}

func TestProcessorRadarrOutcome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newProcHarness(t, st, nil)
		run := h.searched(t, domain.ItemKey{Type: domain.ItemMovie, ID: 42})
		h.process(t, h.deliver(t, readContract(t, "radarr-Grab.json")))
		h.process(t, h.deliver(t, readContract(t, "radarr-Download.json")))
		if n := h.itemsFound(t, run.ID); n != 1 {
			t.Fatalf("items_found = %d, want 1", n)
		}
	})
}

// A delivery answered but never processed (the process died) is published
// again at start and has its effect once.
func TestProcessorReplaysUnprocessedAtStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newProcHarness(t, st, nil)
		run := h.searched(t, episode(1045))
		id := h.deliver(t, readContract(t, "sonarr-Grab.json"))
		ctx := context.Background()
		if err := h.proc.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer h.proc.Stop()
		msgs := h.pub.on(domain.TopicWebhooks)
		if len(msgs) != 1 || msgs[0].payload.(domain.WebhookDeliveryEvent).DeliveryID != id {
			t.Fatalf("republished %+v", msgs)
		}
		// The bus may deliver it more than once.
		h.process(t, id)
		h.process(t, id)
		if n := h.itemsFound(t, run.ID); n != 1 {
			t.Fatalf("items_found = %d, want 1", n)
		}
		d, err := st.WebhookDeliveries().Get(ctx, id)
		if err != nil || d.ProcessedAt == nil {
			t.Fatalf("delivery %+v, %v", d, err)
		}
	})
}

type failingOutcomes struct{}

func (failingOutcomes) RecordOutcome(context.Context, domain.Outcome, time.Duration) (domain.OutcomeResult, error) {
	return domain.OutcomeResult{}, errors.New("database gone")
}

func TestProcessorLeavesFailedDeliveriesInTheInbox(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newProcHarness(t, st, nil)
	h.proc.deps.Outcomes = failingOutcomes{}
	id := h.deliver(t, readContract(t, "sonarr-Grab.json"))
	if err := h.proc.Process(context.Background(), id); err == nil {
		t.Fatal("want an error")
	}
	d, err := st.WebhookDeliveries().Get(context.Background(), id)
	if err != nil || d.ProcessedAt != nil || d.Attempts != 1 || !strings.Contains(d.Error, "database gone") {
		t.Fatalf("delivery %+v, %v", d, err)
	}
}

func TestProcessorHealthPausesAndResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newProcHarness(t, st, nil)
		id := h.instance.ID
		h.process(t, h.deliver(t, readContract(t, "sonarr-Health.json")))
		reason, paused := h.pauser.reason(id)
		if !paused || !strings.Contains(reason, "IndexerSearchCheck") {
			t.Fatalf("paused=%v reason=%q", paused, reason)
		}
		// A second failing indexer check; restoring one keeps the pause.
		h.process(t, h.deliver(t, []byte(`{"eventType":"Health","level":"error","message":"all indexers down","type":"IndexerStatusCheck"}`)))
		h.process(t, h.deliver(t, []byte(`{"eventType":"HealthRestored","level":"error","message":"ok","type":"IndexerStatusCheck"}`)))
		if _, paused := h.pauser.reason(id); !paused {
			t.Fatal("resumed while another indexer check still fails")
		}
		h.process(t, h.deliver(t, readContract(t, "sonarr-HealthRestored.json")))
		if _, paused := h.pauser.reason(id); paused || h.pauser.resumes != 1 {
			t.Fatalf("still paused, or resumed %d times", h.pauser.resumes)
		}
		// Other checks and levels leave dispatch alone.
		h.process(t, h.deliver(t, []byte(`{"eventType":"Health","level":"warning","message":"disk","type":"DiskSpaceCheck"}`)))
		h.process(t, h.deliver(t, []byte(`{"eventType":"Health","level":"notice","message":"x","type":"IndexerRssCheck"}`)))
		if _, paused := h.pauser.reason(id); paused {
			t.Fatal("paused by a non-indexer check or a notice")
		}
		want := []domain.EventKind{domain.EventInstanceUnhealthy, domain.EventInstanceUnhealthy, domain.EventInstanceRecovered}
		if got := h.pub.kinds(domain.TopicNotifications); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("notifications %v, want %v", got, want)
		}
	})
}

func TestProcessorNotifiesTestAndManualInteraction(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newProcHarness(t, st, nil)
	h.process(t, h.deliver(t, readContract(t, "radarr-Test.json")))
	h.process(t, h.deliver(t, readContract(t, "sonarr-ManualInteractionRequired.json")))
	want := []domain.EventKind{domain.EventWebhookTest, domain.EventManualInteraction}
	if got := h.pub.kinds(domain.TopicNotifications); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("notifications %v, want %v", got, want)
	}
	in, err := st.Instances().Get(context.Background(), h.instance.ID)
	if err != nil || in.WebhookLastTestAt == nil {
		t.Fatalf("last test %v, %v", in.WebhookLastTestAt, err)
	}
	n := h.pub.on(domain.TopicNotifications)[1].payload.(domain.WebhookNotification)
	if n.Message == "" || len(n.Items) != 1 || n.Items[0] != episode(1045) {
		t.Fatalf("manual interaction notification %+v", n)
	}
	if h.wanted.count() != 0 || len(h.pub.triggers()) != 0 {
		t.Fatal("test or manual interaction changed the library or triggered a queue")
	}
}

func TestProcessorTriggersSubscribedQueues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newProcHarness(t, st, fakeEpisodes{1: {episode(7), episode(8)}})
		ctx := context.Background()
		other, err := st.Queues().Create(ctx, domain.Queue{InstanceID: h.instance.ID, Name: "other", Strategy: "missing", IsActive: true, MaxItemsPerRun: 5})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Queues().SetSubscriptions(ctx, h.queue.ID, []domain.QueueSubscription{
			{EventType: domain.HookEpisodeFileDelete, Condition: `event.deleteReason == "manual"`},
			{EventType: domain.HookEpisodeFileDelete}, // folded: one trigger per queue
			{EventType: domain.HookSeriesAdd},
			{EventType: domain.HookHealthRestored},
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Queues().SetSubscriptions(ctx, other.ID, []domain.QueueSubscription{
			{EventType: domain.HookEpisodeFileDelete, Condition: `event.deleteReason == "missingFromDisk"`},
		}); err != nil {
			t.Fatal(err)
		}

		h.process(t, h.deliver(t, readContract(t, "sonarr-EpisodeFileDelete.json")))
		got := h.pub.triggers()
		if len(got) != 1 {
			t.Fatalf("triggers %+v, want one for queue %d", got, h.queue.ID)
		}
		tr := got[0]
		if tr.Kind != domain.TriggerWebhook || tr.QueueID != h.queue.ID || tr.InstanceID != h.instance.ID ||
			tr.Event != "EpisodeFileDelete" || len(tr.Items) != 1 || tr.Items[0] != episode(1045) {
			t.Fatalf("trigger %+v", tr)
		}

		h.process(t, h.deliver(t, []byte(`{"eventType":"EpisodeFileDelete","series":{"id":1,"title":"S"},"episodes":[{"id":9}],"deleteReason":"missingFromDisk"}`)))
		if got := h.pub.triggers(); len(got) != 3 || got[1].QueueID != h.queue.ID || got[2].QueueID != other.ID || got[2].Items[0] != episode(9) {
			t.Fatalf("triggers %+v, want both queues for missingFromDisk", got)
		}

		// SeriesAdd names the series' episodes.
		h.process(t, h.deliver(t, []byte(`{"eventType":"SeriesAdd","series":{"id":1,"title":"New"}}`)))
		got = h.pub.triggers()
		if len(got) != 4 || fmt.Sprint(got[3].Items) != fmt.Sprint([]domain.ItemKey{episode(7), episode(8)}) {
			t.Fatalf("series add trigger %+v", got[len(got)-1])
		}
		// A series without episodes names nothing: no run.
		h.process(t, h.deliver(t, []byte(`{"eventType":"SeriesAdd","series":{"id":2,"title":"Empty"}}`)))
		if len(h.pub.triggers()) != 4 {
			t.Fatal("a SeriesAdd naming no episode triggered a run")
		}
		// HealthRestored names no items: the queue runs as scheduled.
		h.process(t, h.deliver(t, readContract(t, "sonarr-HealthRestored.json")))
		got = h.pub.triggers()
		if len(got) != 5 || got[4].Items != nil || got[4].Event != "HealthRestored" {
			t.Fatalf("health restored trigger %+v", got[len(got)-1])
		}
		// A paused queue hears nothing.
		if _, err := st.Queues().Pause(ctx, h.queue.ID); err != nil {
			t.Fatal(err)
		}
		h.process(t, h.deliver(t, readContract(t, "sonarr-HealthRestored.json")))
		if len(h.pub.triggers()) != 5 {
			t.Fatal("a paused queue was triggered")
		}
	})
}

// A condition that fails at run time (a field of an unexpected type) is
// false, and the delivery is still processed.
func TestProcessorConditionErrorsAreFalse(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	h := newProcHarness(t, st, nil)
	if _, err := st.Queues().SetSubscriptions(context.Background(), h.queue.ID, []domain.QueueSubscription{
		{EventType: domain.HookEpisodeFileDelete, Condition: `event.series.id > 3`},
	}); err != nil {
		t.Fatal(err)
	}
	id := h.deliver(t, []byte(`{"eventType":"EpisodeFileDelete","series":"odd","episodes":[{"id":9}]}`))
	// series is not an object: the receiver refuses such a body; stored
	// anyway, it fails parsing, the same at every try: it is parked in the
	// inbox with the reason, for inspection.
	h.process(t, id)
	if d, err := st.WebhookDeliveries().Get(context.Background(), id); err != nil || d.ParkedAt == nil || d.Attempts != 1 || d.Error == "" {
		t.Fatalf("unparsable delivery = %+v, %v; want it parked with the reason", d, err)
	}
	h.process(t, h.deliver(t, []byte(`{"eventType":"EpisodeFileDelete","series":{"id":1,"title":"x"},"episodes":[{"id":9}]}`)))
	if len(h.pub.triggers()) != 0 {
		t.Fatal("condition false, yet triggered")
	}
	h.process(t, h.deliver(t, []byte(`{"eventType":"EpisodeFileDelete","series":{"id":4,"title":"x"},"episodes":[{"id":9}]}`)))
	if len(h.pub.triggers()) != 1 {
		t.Fatal("condition true, not triggered")
	}
}

type parkCounter struct {
	mu     sync.Mutex
	events []string
}

func (c *parkCounter) WebhookParked(event string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, event)
}

func (c *parkCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.events)
}

// A condition over its budget stops, the other queues still get their
// trigger, and the delivery is parked with the reason: not published again
// by the sweep nor at start, and no work keeps running.
func TestProcessorParksConditionsOverBudget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newProcHarness(t, st, nil)
		parked := &parkCounter{}
		h.proc.deps.Metrics = parked
		ctx := context.Background()
		other, err := st.Queues().Create(ctx, domain.Queue{InstanceID: h.instance.ID, Name: "other", Strategy: "missing", IsActive: true, MaxItemsPerRun: 5})
		if err != nil {
			t.Fatal(err)
		}
		// Saved through the store, past the API's checks: one that the
		// bounds refuse since, one within them that the event makes big.
		if _, err := st.Queues().SetSubscriptions(ctx, h.queue.ID, []domain.QueueSubscription{
			{EventType: domain.HookEpisodeFileDelete, Condition: `all(event.episodes, {all(event.episodes, {true})})`},
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Queues().SetSubscriptions(ctx, other.ID, []domain.QueueSubscription{
			{EventType: domain.HookEpisodeFileDelete},
			{EventType: domain.HookMovieFileDelete, Condition: `let r = 1..9000; all(r, {all(r, {all(r, {true})})})`},
		}); err != nil {
			t.Fatal(err)
		}
		episodes := make([]string, 1000)
		for i := range episodes {
			episodes[i] = fmt.Sprintf(`{"id":%d}`, i+1)
		}
		big := h.deliver(t, []byte(`{"eventType":"EpisodeFileDelete","series":{"id":1,"title":"S"},"episodes":[`+strings.Join(episodes, ",")+`],"deleteReason":"manual"}`))
		dos := h.deliver(t, []byte(`{"eventType":"MovieFileDelete","movie":{"id":3,"title":"M"},"deleteReason":"manual"}`))
		for _, id := range []int64{big, dos} {
			done := make(chan error, 1)
			go func() { done <- h.proc.Process(ctx, id) }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("delivery %d still processing after 30 s", id)
			}
			d, err := st.WebhookDeliveries().Get(ctx, id)
			if err != nil || d.ParkedAt == nil || d.ProcessedAt != nil || !strings.Contains(d.Error, "budget") || d.Attempts != 1 {
				t.Fatalf("delivery %+v, %v; want it parked over the budget", d, err)
			}
		}
		if got := h.pub.triggers(); len(got) != 1 || got[0].QueueID != other.ID {
			t.Fatalf("triggers %+v, want the other queue's only", got)
		}
		if parked.count() != 2 {
			t.Fatalf("%d parked deliveries counted, want 2", parked.count())
		}
		// Neither the start nor the sweep publishes them again; processing
		// them again does nothing.
		h.proc.deps.Now = func() time.Time { return time.Now().Add(time.Hour) }
		for _, atStart := range []bool{true, false} {
			if err := h.proc.sweep(ctx, 0, atStart); err != nil {
				t.Fatal(err)
			}
		}
		if msgs := h.pub.on(domain.TopicWebhooks); len(msgs) != 0 {
			t.Fatalf("parked deliveries published again: %+v", msgs)
		}
		h.process(t, big)
		if d, _ := st.WebhookDeliveries().Get(ctx, big); d.Attempts != 1 || len(h.pub.triggers()) != 1 {
			t.Fatalf("a parked delivery was tried again: %+v", d)
		}
		cputest.AssertIdle(t)
	})
}

// stuckOutcomes never records: each attempt ends at its timeout.
type stuckOutcomes struct{}

func (stuckOutcomes) RecordOutcome(ctx context.Context, _ domain.Outcome, _ time.Duration) (domain.OutcomeResult, error) {
	<-ctx.Done()
	return domain.OutcomeResult{}, ctx.Err()
}

// Attempts are counted as they start: a delivery whose attempts never
// finish, or time out, is parked after MaxAttempts with the reason, and
// the sweep leaves an attempt under way to itself.
func TestProcessorParksDeliveriesThatNeverFinish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newProcHarness(t, st, nil)
		parked := &parkCounter{}
		h.proc.deps.Metrics = parked
		h.proc.cfg.MaxAttempts, h.proc.cfg.AttemptTimeout = 3, 100*time.Millisecond
		now := time.Now()
		h.proc.deps.Now = func() time.Time { return now }
		ctx := context.Background()

		// An attempt that hangs (here: one that took the process down)
		// counts, and the sweep leaves it alone while it may be running.
		crashed := h.deliver(t, readContract(t, "sonarr-Grab.json"))
		if _, err := st.WebhookDeliveries().StartAttempt(ctx, crashed, now); err != nil {
			t.Fatal(err)
		}
		if err := h.proc.sweep(ctx, 0, false); err != nil {
			t.Fatal(err)
		}
		if msgs := h.pub.on(domain.TopicWebhooks); len(msgs) != 0 {
			t.Fatalf("an attempt under way was published again: %+v", msgs)
		}
		// Two more crashed attempts, replayed by a restart and by a sweep
		// once the attempt timed out: the next sweep parks it instead of
		// publishing it.
		for i := range 2 {
			if i == 1 {
				now = now.Add(time.Hour)
			}
			if err := h.proc.sweep(ctx, 0, i == 0); err != nil {
				t.Fatal(err)
			}
			if _, err := st.WebhookDeliveries().StartAttempt(ctx, crashed, now); err != nil {
				t.Fatal(err)
			}
		}
		if err := h.proc.sweep(ctx, 0, true); err != nil {
			t.Fatal(err)
		}
		d, err := st.WebhookDeliveries().Get(ctx, crashed)
		if err != nil || d.ParkedAt == nil || d.Attempts != 3 || !strings.Contains(d.Error, "gave up after 3 attempts; last: the attempt did not finish") {
			t.Fatalf("crashed delivery = %+v, %v; want it parked", d, err)
		}
		if n := len(h.pub.on(domain.TopicWebhooks)); n != 2 {
			t.Fatalf("published %d times, want twice (between the attempts)", n)
		}

		// Attempts that time out are failures: tried MaxAttempts times,
		// then parked by the next delivery of the message.
		h.proc.deps.Outcomes = stuckOutcomes{}
		stuck := h.deliver(t, readContract(t, "sonarr-Grab.json"))
		for i := range 3 {
			if err := h.proc.Process(ctx, stuck); err == nil || !strings.Contains(err.Error(), "took longer than") {
				t.Fatalf("attempt %d = %v, want it timed out", i+1, err)
			}
		}
		if err := h.proc.Process(ctx, stuck); err != nil {
			t.Fatal(err)
		}
		d, err = st.WebhookDeliveries().Get(ctx, stuck)
		if err != nil || d.ParkedAt == nil || d.Attempts != 3 || !strings.Contains(d.Error, "gave up after 3 attempts; last: attempt took longer than 100ms") {
			t.Fatalf("stuck delivery = %+v, %v; want it parked", d, err)
		}
		if parked.count() != 2 {
			t.Fatalf("%d parked deliveries counted, want 2", parked.count())
		}
		if left, _ := st.WebhookDeliveries().ListUnprocessed(ctx, 0); len(left) != 0 {
			t.Fatalf("deliveries left to replay: %+v", left)
		}
	})
}
