package arr_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/arr/fakearr"
	"github.com/vibequality/searcharr/core/domain"
)

// simStart is the manual clock's start in the simulator tests.
var simStart = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

// simEnv is an in-process simulator with one Sonarr under /tv/sonarr and
// one Radarr under /films, behind an httptest server.
type simEnv struct {
	sim    *fakearr.Sim
	clock  *fakearr.ManualClock // nil with the real clock
	origin string
}

func simInstances() []fakearr.InstanceConfig {
	return []fakearr.InstanceConfig{
		{Kind: domain.KindSonarr, Name: "sonarr", URLBase: "/tv/sonarr", Seed: 11, Episodes: 3000,
			MissingRatio: 0.3, CutoffRatio: 0.3, FindChance: 1, CommandDuration: time.Second, ImportDelay: 24 * time.Hour},
		{Kind: domain.KindRadarr, Name: "radarr", URLBase: "/films", Seed: 11, Movies: 600,
			MissingRatio: 0.3, CutoffRatio: 0.3, FindChance: 1, CommandDuration: time.Second, ImportDelay: 24 * time.Hour},
	}
}

// newSimEnv starts a simulator; manual selects a ManualClock at simStart,
// otherwise the real clock runs.
func newSimEnv(t *testing.T, manual bool) *simEnv {
	t.Helper()
	e := &simEnv{}
	cfg := fakearr.Config{Instances: simInstances()}
	if manual {
		e.clock = fakearr.NewManualClock(simStart)
		cfg.Clock = e.clock
	}
	sim, err := fakearr.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(func() {
		srv.Close()
		_ = sim.Close()
	})
	e.sim, e.origin = sim, srv.URL
	return e
}

// client returns a client for the named instance, configured from what the
// simulator reports about it; mod may change the config.
func (e *simEnv) client(t *testing.T, name string, mod func(*arr.Config)) *arr.Client {
	t.Helper()
	info := e.sim.Instance(name).Info(e.origin)
	cfg := arr.Config{Kind: info.Kind, URL: info.URL, APIKey: info.APIKey, Timeout: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	c, err := arr.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	arr.SetBackoff(c, time.Millisecond, 5*time.Millisecond)
	return c
}

// requests returns the logged requests of one instance whose path ends
// with suffix ("" for all).
func (e *simEnv) requests(instance, suffix string) []fakearr.Request {
	return e.requestsAfter(instance, suffix, 0)
}

// requestsAfter is requests limited to sequence numbers above seq.
func (e *simEnv) requestsAfter(instance, suffix string, seq uint64) []fakearr.Request {
	var out []fakearr.Request
	for _, r := range e.sim.Requests() {
		if r.Instance == instance && r.Seq > seq && strings.HasSuffix(r.Path, suffix) {
			out = append(out, r)
		}
	}
	return out
}

// lastSeq is the sequence number of the newest logged request.
func (e *simEnv) lastSeq() uint64 {
	reqs := e.sim.Requests()
	if len(reqs) == 0 {
		return 0
	}
	return reqs[len(reqs)-1].Seq
}

// waitCommand polls Command until the command has ended, advancing the
// manual clock between polls, and returns every status it saw.
func (e *simEnv) waitCommand(t *testing.T, c *arr.Client, id int64) (arr.CommandStatus, []string) {
	t.Helper()
	var seen []string
	for range 200 {
		st, err := c.Command(t.Context(), id)
		if err != nil {
			t.Fatalf("Command(%d): %v", id, err)
		}
		if st.ID != id {
			t.Fatalf("Command(%d) answered id %d", id, st.ID)
		}
		if len(seen) == 0 || seen[len(seen)-1] != st.Status {
			seen = append(seen, st.Status)
		}
		if st.Done() {
			return st, seen
		}
		e.clock.Advance(250 * time.Millisecond)
	}
	t.Fatalf("command %d did not end; statuses %v", id, seen)
	return arr.CommandStatus{}, nil
}

// sendAndWait posts cmd, checks it was accepted as queued, waits for it to
// end and checks it succeeded with a message starting with prefix.
func (e *simEnv) sendAndWait(t *testing.T, c *arr.Client, cmd domain.Command, prefix string) arr.CommandStatus {
	t.Helper()
	st, err := c.SendCommand(t.Context(), cmd)
	if err != nil {
		t.Fatalf("SendCommand %s: %v", cmd.Name, err)
	}
	if st.ID <= 0 || st.Status != "queued" || st.Name != string(cmd.Name) {
		t.Fatalf("SendCommand %s: got %+v, want a queued command with an id", cmd.Name, st)
	}
	end, seen := e.waitCommand(t, c, st.ID)
	if !end.Succeeded() || !strings.HasPrefix(end.Message, prefix) {
		t.Fatalf("%s ended %s/%s %q, want success with %q", cmd.Name, end.Status, end.Result, end.Message, prefix)
	}
	if !slices.Contains(seen, "completed") || seen[0] == "completed" {
		t.Errorf("%s: statuses seen %v, want it to run before completing", cmd.Name, seen)
	}
	if end.Started == nil || end.Ended == nil || end.Ended.Before(*end.Started) {
		t.Errorf("%s: started %v ended %v", cmd.Name, end.Started, end.Ended)
	}
	return end
}

// wantedAll reads a whole wanted list in one page.
func wantedAll(t *testing.T, c *arr.Client, list arr.WantedList, q arr.WantedQuery) arr.WantedPage {
	t.Helper()
	q.PageSize = 100_000
	var (
		p   arr.WantedPage
		err error
	)
	if list == arr.ListCutoff {
		p, err = c.WantedCutoff(t.Context(), q)
	} else {
		p, err = c.WantedMissing(t.Context(), q)
	}
	if err != nil {
		t.Fatalf("wanted/%s %+v: %v", list, q, err)
	}
	if p.Records != len(p.Items) || p.TotalRecords != len(p.Items) {
		t.Fatalf("wanted/%s: %d records, %d items, totalRecords %d", list, p.Records, len(p.Items), p.TotalRecords)
	}
	return p
}

func itemIDs(items []domain.Item) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = it.Key.ID
	}
	return out
}

func intsToIDs(ids []int) []int64 {
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[i] = int64(id)
	}
	return out
}

// checkSortOrders reads the missing list with every key in both
// directions and checks that the simulator applied the key the client
// sent (not a fallback), that descending is ascending reversed, that every
// order holds the same items as the simulator's list, and that the values
// a domain.Item carries are in order.
func checkSortOrders(t *testing.T, c *arr.Client, keys []string, want []int, value map[string]func(domain.Item) *time.Time) {
	t.Helper()
	wantSet := slices.Sorted(slices.Values(intsToIDs(want)))
	for _, key := range keys {
		asc := wantedAll(t, c, arr.ListMissing, arr.WantedQuery{SortKey: key, SortDirection: arr.SortAscending})
		desc := wantedAll(t, c, arr.ListMissing, arr.WantedQuery{SortKey: key, SortDirection: arr.SortDescending})
		for _, p := range []struct {
			page arr.WantedPage
			dir  arr.SortDirection
		}{{asc, arr.SortAscending}, {desc, arr.SortDescending}} {
			if p.page.SortKey != key || p.page.SortDirection != p.dir {
				t.Errorf("sort %s %s: the answer says %s %s", key, p.dir, p.page.SortKey, p.page.SortDirection)
			}
		}
		a, d := itemIDs(asc.Items), itemIDs(desc.Items)
		slices.Reverse(d)
		if !slices.Equal(a, d) {
			t.Errorf("sort %s: descending is not ascending reversed", key)
		}
		if got := slices.Sorted(slices.Values(a)); !slices.Equal(got, wantSet) {
			t.Errorf("sort %s: %d items, not the simulator's %d wanted items", key, len(got), len(wantSet))
		}
		get := value[key]
		if get == nil {
			continue
		}
		var prev *time.Time
		for _, it := range asc.Items {
			v := get(it)
			if v == nil {
				continue
			}
			if prev != nil && v.Before(*prev) {
				t.Errorf("sort %s ascending: item %d (%s) after %s", key, it.Key.ID, v, prev)
				break
			}
			prev = v
		}
	}
}

// checkWalk walks the whole missing list with a page size that leaves a
// partial last page and compares it with the simulator's own list.
func checkWalk(t *testing.T, e *simEnv, c *arr.Client, name string, want []int) {
	t.Helper()
	const size = 97
	seq := e.lastSeq()
	var got []int64
	err := c.WalkWanted(t.Context(), arr.ListMissing, arr.WantedQuery{PageSize: size}, func(it domain.Item) error {
		got = append(got, it.Key.ID)
		return nil
	})
	if err != nil {
		t.Fatalf("WalkWanted: %v", err)
	}
	if len(got) != len(want) || !slices.Equal(got, intsToIDs(want)) {
		t.Fatalf("WalkWanted: %d items, want the simulator's %d in its default order", len(got), len(want))
	}
	pages := (len(want) + size - 1) / size
	if n := len(e.requestsAfter(name, "/wanted/missing", seq)); n != pages {
		t.Errorf("WalkWanted made %d requests for %d items at pageSize %d, want %d", n, len(want), size, pages)
	}

	count := 0
	info, err := c.Wanted(t.Context(), arr.ListMissing, arr.WantedQuery{Page: 2, PageSize: size}, func(domain.Item) error {
		count++
		return nil
	})
	if err != nil || info.Page != 2 || count != size || info.TotalRecords != len(want) {
		t.Fatalf("Wanted page 2: %+v, %d items, %v", info, count, err)
	}
	stop := 0
	err = c.WalkWanted(t.Context(), arr.ListMissing, arr.WantedQuery{PageSize: size}, func(domain.Item) error {
		stop++
		if stop == size+3 {
			return arr.ErrStopWalk
		}
		return nil
	})
	if err != nil || stop != size+3 {
		t.Fatalf("WalkWanted stopped: %d items, %v", stop, err)
	}
}

// checkRequestLog asserts what every request to an instance carried: the
// key in the X-Api-Key header only, the URL base, and the sort parameters
// on every wanted-list read.
func checkRequestLog(t *testing.T, reqs []fakearr.Request, info fakearr.InstanceInfo) {
	t.Helper()
	if len(reqs) == 0 {
		t.Fatal("the request log is empty")
	}
	for _, r := range reqs {
		q, err := url.ParseQuery(r.RawQuery)
		if err != nil {
			t.Errorf("%s %s: bad query %q", r.Method, r.Path, r.RawQuery)
		}
		if strings.Contains(r.Path, info.APIKey) || strings.Contains(r.RawQuery, info.APIKey) || q.Has("apikey") {
			t.Errorf("%s %s?%s: the API key travels in the URL", r.Method, r.Path, r.RawQuery)
		}
		if got := r.Header.Get("X-Api-Key"); got != info.APIKey {
			t.Errorf("%s %s: X-Api-Key %q", r.Method, r.Path, got)
		}
		if !strings.HasPrefix(r.Path, info.URLBase+"/api/v3/") {
			t.Errorf("%s %s: not under %s/api/v3/", r.Method, r.Path, info.URLBase)
		}
		if strings.Contains(r.Path, "/wanted/") && (q.Get("sortKey") == "" || q.Get("sortDirection") == "") {
			t.Errorf("%s %s?%s: sortKey or sortDirection missing", r.Method, r.Path, r.RawQuery)
		}
	}
}

// commandPosts counts the POSTs to /command in a request log.
func commandPosts(reqs []fakearr.Request) int {
	n := 0
	for _, r := range reqs {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/api/v3/command") {
			n++
		}
	}
	return n
}

// checkQueueAndHistory checks the queue and the grab history after
// searches that grabbed the given items.
func checkQueueAndHistory(t *testing.T, c *arr.Client, in *fakearr.Instance, grabbed []domain.ItemKey, since time.Time) {
	t.Helper()
	ctx := t.Context()
	st, err := c.QueueStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Count != in.QueueLen() || st.TotalCount != st.Count || st.Count < len(grabbed) {
		t.Errorf("QueueStatus %+v; the simulator holds %d records, %d items were grabbed", st, in.QueueLen(), len(grabbed))
	}
	page, err := c.Queue(ctx, arr.QueueQuery{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalRecords != in.QueueLen() || len(page.Records) != page.TotalRecords || page.SortKey == "" {
		t.Errorf("Queue: %+v with %d records; the simulator holds %d", page.PageInfo, len(page.Records), in.QueueLen())
	}
	distinct := map[domain.ItemKey]bool{}
	for i := range page.Records {
		k, ok := page.Records[i].ItemKey()
		if !ok || page.Records[i].DownloadID == "" {
			t.Errorf("queue record %+v: no item or download id", page.Records[i])
		}
		distinct[k] = true
	}
	keys, err := c.QueuedItems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != len(distinct) {
		t.Errorf("QueuedItems: %d keys, the queue holds %d distinct items", len(keys), len(distinct))
	}
	hist, err := c.History(ctx, since)
	if err != nil {
		t.Fatal(err)
	}
	inHistory := map[domain.ItemKey]bool{}
	for i := range hist {
		if hist[i].EventType != arr.HistoryEventGrabbed || hist[i].Date.Before(since) {
			t.Errorf("history record %+v: want grabs since %s", hist[i], since)
		}
		k, _ := hist[i].ItemKey()
		inHistory[k] = true
	}
	for _, k := range grabbed {
		if !slices.Contains(keys, k) {
			t.Errorf("QueuedItems lacks grabbed %v", k)
		}
		if !inHistory[k] {
			t.Errorf("History lacks the grab of %v", k)
		}
	}
	later, err := c.History(ctx, since.Add(48*time.Hour))
	if err != nil || len(later) != 0 {
		t.Errorf("History since a later time: %d records, %v", len(later), err)
	}
}

func checkStatus(t *testing.T, c *arr.Client, app, base string) {
	t.Helper()
	res, err := c.Test(t.Context())
	if err != nil {
		t.Fatalf("Test: %v", err)
	}
	if res.App != app || res.Version == "" || res.InstanceName == "" {
		t.Errorf("Test: %+v", res)
	}
	st, err := c.SystemStatus(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if st.AppName != app || st.URLBase != base || st.Version != res.Version {
		t.Errorf("SystemStatus: appName %q urlBase %q version %q", st.AppName, st.URLBase, st.Version)
	}
}

func checkTagsAndProfiles(t *testing.T, c *arr.Client) {
	t.Helper()
	tags, err := c.Tags(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := c.QualityProfiles(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(tags) == 0 || len(profiles) == 0 {
		t.Fatalf("%d tags, %d quality profiles", len(tags), len(profiles))
	}
	ids := map[int64]bool{}
	for _, tag := range tags {
		if tag.ID <= 0 || tag.Label == "" || ids[tag.ID] {
			t.Errorf("tag %+v: want a unique positive id and a label", tag)
		}
		ids[tag.ID] = true
	}
	for _, p := range profiles {
		if p.ID <= 0 || p.Name == "" || len(p.Items) == 0 || p.Cutoff == 0 {
			t.Errorf("quality profile %d %q: %d items, cutoff %d", p.ID, p.Name, len(p.Items), p.Cutoff)
		}
	}
}

// ctxDone is a canceled context, for checking that calls give up at once.
func ctxDone() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
