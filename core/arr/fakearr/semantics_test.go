package fakearr

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSortKeyFallbackAndEffectiveKey(t *testing.T) {
	e := newEnv(t, sonarrCfg(), radarrCfg())
	cases := []struct {
		name, inst, sortKey, want string
	}{
		{"sonarr default", "sonarr", "", "episodes.airDateUtc"},
		{"sonarr unprefixed airDateUtc falls back", "sonarr", "airDateUtc", "episodes.airDateUtc"},
		{"sonarr unprefixed lastSearchTime falls back", "sonarr", "lastSearchTime", "episodes.airDateUtc"},
		{"sonarr prefixed lastSearchTime", "sonarr", "episodes.lastSearchTime", "episodes.lastSearchTime"},
		{"sonarr case-insensitive", "sonarr", "SERIES.SORTTITLE", "series.sortTitle"},
		{"radarr default", "radarr", "", "movieMetadata.sortTitle"},
		{"radarr unknown", "radarr", "title", "movieMetadata.sortTitle"},
		{"radarr lastSearchTime", "radarr", "movies.lastSearchTime", "movies.lastSearchTime"},
		{"radarr year", "radarr", "movieMetadata.year", "movieMetadata.year"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := e.page(c.inst, "/api/v3/wanted/missing?sortDirection=ascending&sortKey="+c.sortKey)
			if p.SortKey != c.want {
				t.Fatalf("sortKey = %q, want %q", p.SortKey, c.want)
			}
		})
	}
	// The fallback really sorts by the default key.
	p := e.page("sonarr", "/api/v3/wanted/missing?sortDirection=ascending&pageSize=50&sortKey=lastSearchTime")
	assertSorted(t, p.Records, "airDateUtc", true)
	p = e.page("sonarr", "/api/v3/wanted/missing?sortDirection=ascending&pageSize=200&sortKey=episodes.lastSearchTime")
	assertSorted(t, p.Records, "lastSearchTime", true)
}

// assertSorted checks records are ordered by a string field (absent sorts
// first ascending, as on SQLite).
func assertSorted(t *testing.T, recs []map[string]any, field string, asc bool) {
	t.Helper()
	for i := 1; i < len(recs); i++ {
		a, _ := recs[i-1][field].(string)
		b, _ := recs[i][field].(string)
		if (asc && a > b) || (!asc && a < b) {
			t.Fatalf("records %d,%d out of order by %s: %q then %q", i-1, i, field, a, b)
		}
	}
}

func TestDefaultDirectionIsDescending(t *testing.T) {
	e := newEnv(t, sonarrCfg(), radarrCfg())
	p := e.page("sonarr", "/api/v3/wanted/missing?pageSize=100")
	if p.SortDirection != "descending" {
		t.Fatalf("sortDirection = %q, want descending", p.SortDirection)
	}
	assertSorted(t, p.Records, "airDateUtc", false)
	p = e.page("sonarr", "/api/v3/wanted/missing?pageSize=100&sortDirection=default")
	if p.SortDirection != "ascending" {
		t.Fatalf("sortDirection=default answered %q, want ascending (the controller default)", p.SortDirection)
	}
	assertSorted(t, p.Records, "airDateUtc", true)
	r := e.page("radarr", "/api/v3/wanted/missing?pageSize=100")
	if r.SortDirection != "descending" {
		t.Fatalf("radarr sortDirection = %q", r.SortDirection)
	}
	assertSorted(t, r.Records, "sortTitle", false) // Z to A
}

func TestMonitoredFilter(t *testing.T) {
	e := newEnv(t, sonarrCfg(), radarrCfg())
	in := e.sim.Instance("sonarr")
	all := e.page("sonarr", "/api/v3/wanted/missing?pageSize=-1")
	def := e.page("sonarr", "/api/v3/wanted/missing?pageSize=100000&monitored=true")
	off := e.page("sonarr", "/api/v3/wanted/missing?pageSize=100000&monitored=false")
	if all.TotalRecords != def.TotalRecords {
		t.Fatalf("omitted monitored gave %d records, monitored=true %d", all.TotalRecords, def.TotalRecords)
	}
	if off.TotalRecords == 0 || def.TotalRecords == 0 {
		t.Fatalf("want both monitored and unmonitored missing episodes, got %d and %d", def.TotalRecords, off.TotalRecords)
	}
	seriesUnmonitoredOnly := 0
	for _, r := range def.Records {
		st, _ := in.Episode(num(r, "id"))
		if !st.Monitored || !st.SeriesMonitored {
			t.Fatalf("monitored=true returned episode %d (episode %v, series %v)", st.ID, st.Monitored, st.SeriesMonitored)
		}
	}
	for _, r := range off.Records {
		st, _ := in.Episode(num(r, "id"))
		if st.Monitored && st.SeriesMonitored {
			t.Fatalf("monitored=false returned fully monitored episode %d", st.ID)
		}
		if st.Monitored && !st.SeriesMonitored {
			seriesUnmonitoredOnly++
		}
	}
	if seriesUnmonitoredOnly == 0 {
		t.Fatal("monitored=false should include monitored episodes of unmonitored series")
	}
	// Radarr: movie.monitored only.
	rm := e.page("radarr", "/api/v3/wanted/missing?pageSize=1000&monitored=false")
	for _, r := range rm.Records {
		if r["monitored"] != false {
			t.Fatalf("radarr monitored=false returned monitored movie %v", r["id"])
		}
	}
}

func TestWhichEpisodesAppear(t *testing.T) {
	e := newEnv(t, sonarrCfg())
	now := e.clock.Now()
	for _, list := range []string{"missing", "cutoff"} {
		p := e.page("sonarr", "/api/v3/wanted/"+list+"?pageSize=-1&includeSeries=true")
		specials := 0
		for _, r := range p.Records {
			if num(r, "seasonNumber") == 0 {
				specials++
			}
			if list == "missing" {
				air, ok := r["airDateUtc"].(string)
				if !ok {
					t.Fatalf("missing episode %v without airDateUtc", r["id"])
				}
				at, _ := time.Parse(time.RFC3339, air)
				if at.Add(time.Duration(num(r, "runtime")) * time.Minute).After(now) {
					t.Fatalf("missing episode %v has not finished airing (%s)", r["id"], air)
				}
				if r["hasFile"] != false {
					t.Fatalf("missing episode %v has a file", r["id"])
				}
			} else if r["hasFile"] != true {
				t.Fatalf("cutoff episode %v has no file", r["id"])
			}
			if _, ok := r["series"].(map[string]any)["title"]; !ok {
				t.Fatal("includeSeries=true did not include series.title")
			}
		}
		if list == "missing" && specials == 0 {
			t.Fatal("missing should include specials")
		}
		if list == "cutoff" && specials != 0 {
			t.Fatalf("cutoff included %d specials", specials)
		}
	}
	p := e.page("sonarr", "/api/v3/wanted/missing?pageSize=5")
	if _, ok := p.Records[0]["series"]; ok {
		t.Fatal("series present without includeSeries")
	}
	c := e.page("sonarr", "/api/v3/wanted/cutoff?pageSize=5&includeEpisodeFile=true")
	f, ok := c.Records[0]["episodeFile"].(map[string]any)
	if !ok || f["qualityCutoffNotMet"] != true {
		t.Fatalf("cutoff with includeEpisodeFile: episodeFile = %v", c.Records[0]["episodeFile"])
	}
	// An episode airing now enters wanted/missing once it has aired.
	before := e.page("sonarr", "/api/v3/wanted/missing?pageSize=0").TotalRecords
	e.clock.Advance(30 * 24 * time.Hour)
	after := e.page("sonarr", "/api/v3/wanted/missing?pageSize=0").TotalRecords
	if after <= before {
		t.Fatalf("missing total did not grow as episodes aired: %d then %d", before, after)
	}
}

func TestPaging(t *testing.T) {
	e := newEnv(t, sonarrCfg())
	zero := e.page("sonarr", "/api/v3/wanted/missing?pageSize=0")
	if len(zero.Records) != 0 || zero.TotalRecords == 0 || zero.PageSize != 0 {
		t.Fatalf("pageSize=0: %d records of %d, pageSize %d", len(zero.Records), zero.TotalRecords, zero.PageSize)
	}
	big := e.page("sonarr", "/api/v3/wanted/missing?pageSize=100000")
	if len(big.Records) != big.TotalRecords {
		t.Fatalf("no pageSize cap: got %d of %d", len(big.Records), big.TotalRecords)
	}
	past := e.page("sonarr", "/api/v3/wanted/missing?pageSize=10&page=100000")
	if len(past.Records) != 0 || past.Page != 100000 {
		t.Fatalf("wanted page past the end: %d records, page %d", len(past.Records), past.Page)
	}
	p1 := e.page("sonarr", "/api/v3/wanted/missing?pageSize=7&page=1&sortDirection=ascending")
	p2 := e.page("sonarr", "/api/v3/wanted/missing?pageSize=7&page=2&sortDirection=ascending")
	if num(p1.Records[6], "id") == num(p2.Records[0], "id") {
		t.Fatal("pages overlap")
	}
	def := e.page("sonarr", "/api/v3/wanted/missing")
	if def.Page != 1 || def.PageSize != 10 || len(def.Records) != 10 {
		t.Fatalf("defaults: page %d pageSize %d records %d", def.Page, def.PageSize, len(def.Records))
	}
}

func TestQueuePagePastEndReturnsLastPage(t *testing.T) {
	cfg := sonarrCfg()
	cfg.FindChance = 1
	cfg.ImportDelay = time.Hour
	e := newEnv(t, cfg)
	in := e.sim.Instance("sonarr")
	ids := in.Wanted(false, true)[:5]
	postCommand(t, e, "sonarr", map[string]any{"name": "EpisodeSearch", "episodeIds": ids})
	e.clock.Advance(2 * time.Second)
	waitFor(t, func() bool { return in.QueueLen() == 5 })
	p := e.page("sonarr", "/api/v3/queue?pageSize=2&page=9")
	if p.Page != 3 || len(p.Records) != 1 || p.TotalRecords != 5 {
		t.Fatalf("queue past the end: page %d, %d records, total %d; want page 3, 1 record, total 5", p.Page, len(p.Records), p.TotalRecords)
	}
	var st map[string]any
	e.getJSON("sonarr", "/api/v3/queue/status", &st)
	if num(st, "totalCount") != 5 || num(st, "count") != 5 {
		t.Fatalf("queue/status = %v", st)
	}
}

func TestIsAvailable(t *testing.T) {
	const now = int64(1_800_000_000)
	d := day
	cases := []struct {
		name  string
		m     movie
		delay int
		want  bool
	}{
		{"tba always", movie{minAvailability: "tba"}, 0, true},
		{"announced always", movie{minAvailability: "announced", inCinemas: now + 100*d}, 0, true},
		{"inCinemas passed", movie{minAvailability: "inCinemas", inCinemas: now - d}, 0, true},
		{"inCinemas future", movie{minAvailability: "inCinemas", inCinemas: now + d}, 0, false},
		{"inCinemas with delay", movie{minAvailability: "inCinemas", inCinemas: now - d}, 2, false},
		{"inCinemas negative delay", movie{minAvailability: "inCinemas", inCinemas: now + d}, -2, true},
		{"inCinemas unknown uses release", movie{minAvailability: "inCinemas", digital: now - d}, 0, true},
		{"released by digital", movie{minAvailability: "released", inCinemas: now - 10*d, digital: now - d, physical: now + 30*d}, 0, true},
		{"released min of digital and physical", movie{minAvailability: "released", digital: now + 5*d, physical: now - d}, 0, true},
		{"released not yet", movie{minAvailability: "released", inCinemas: now - 10*d, digital: now + d}, 0, false},
		{"released falls back to inCinemas+90", movie{minAvailability: "released", inCinemas: now - 91*d}, 0, true},
		{"released inCinemas+90 not reached", movie{minAvailability: "released", inCinemas: now - 89*d}, 0, false},
		{"released without dates never", movie{minAvailability: "released"}, -1000, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.m.isAvailable(now, c.delay); got != c.want {
				t.Fatalf("isAvailable = %v, want %v", got, c.want)
			}
		})
	}
	// Served per request, and unavailable movies are not filtered out.
	e := newEnv(t, radarrCfg())
	p := e.page("radarr", "/api/v3/wanted/missing?pageSize=-1")
	var avail, unavail int
	for _, r := range p.Records {
		if r["isAvailable"] == true {
			avail++
		} else {
			unavail++
		}
		if num(r, "year") <= 0 {
			t.Fatalf("radarr missing included year %v", r["year"])
		}
	}
	if avail == 0 || unavail == 0 {
		t.Fatalf("want available and unavailable movies in wanted/missing, got %d and %d", avail, unavail)
	}
}

func TestAuth(t *testing.T) {
	e := newEnv(t, sonarrCfg())
	in := e.sim.Instance("sonarr")
	url := e.srv.URL + "/sonarr/api/v3/system/status"
	cases := []struct {
		name   string
		query  string
		header map[string]string
		want   int
	}{
		{"none", "", nil, 401},
		{"wrong header", "", map[string]string{"X-Api-Key": "nope"}, 401},
		{"query", "?apikey=" + in.APIKey(), nil, 200},
		{"header", "", map[string]string{"X-Api-Key": in.APIKey()}, 200},
		{"bearer", "", map[string]string{"Authorization": "Bearer " + in.APIKey()}, 200},
		{"query wins over header", "?apikey=nope", map[string]string{"X-Api-Key": in.APIKey()}, 401},
		{"header wins over bearer", "", map[string]string{"X-Api-Key": "nope", "Authorization": "Bearer " + in.APIKey()}, 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, url+c.query, nil)
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			status, _, body := e.raw(req)
			if status != c.want {
				t.Fatalf("status %d, want %d", status, c.want)
			}
			if status == 401 && len(body) != 0 {
				t.Fatalf("401 body %q, want empty", body)
			}
		})
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/sonarr/ping", nil)
	if status, _, body := e.raw(req); status != 200 || !strings.Contains(string(body), `"OK"`) {
		t.Fatalf("ping without key: %d %s", status, body)
	}
}

func TestErrorShapes(t *testing.T) {
	e := newEnv(t, sonarrCfg(), radarrCfg())
	for _, c := range []struct{ inst, path string }{
		{"sonarr", "/api/v3/series/999999"}, {"sonarr", "/api/v3/episode/999999"},
		{"sonarr", "/api/v3/command/4242"}, {"radarr", "/api/v3/movie/999999"},
	} {
		status, h, body := e.do(http.MethodGet, c.inst, c.path, "")
		var p map[string]any
		if status != 404 || json.Unmarshal(body, &p) != nil || p["title"] != "Not Found" || num(p, "status") != 404 || p["traceId"] == nil || p["type"] == nil {
			t.Fatalf("GET %s: %d %s", c.path, status, body)
		}
		if !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("404 content type %q", h.Get("Content-Type"))
		}
	}
	status, _, body := e.do(http.MethodGet, "sonarr", "/api/v3/wanted/missing?page=abc", "")
	var vp map[string]any
	if status != 400 || json.Unmarshal(body, &vp) != nil || vp["errors"].(map[string]any)["page"] == nil {
		t.Fatalf("page=abc: %d %s", status, body)
	}
	status, _, body = e.do(http.MethodPost, "sonarr", "/api/v3/command", `{"name":"  "}`)
	var arr []map[string]any
	if status != 400 || json.Unmarshal(body, &arr) != nil || len(arr) != 1 || arr[0]["propertyName"] != "Name" {
		t.Fatalf("blank name: %d %s", status, body)
	}
	status, _, body = e.do(http.MethodPost, "sonarr", "/api/v3/command", `{"name":"NoSuchThing"}`)
	if status != 500 || !strings.Contains(string(body), `"message":"Sequence contains no matching element"`) {
		t.Fatalf("unknown name: %d %s", status, body)
	}
	status, _, _ = e.do(http.MethodPost, "radarr", "/api/v3/command", `{"name":"EpisodeSearch"}`)
	if status != 500 {
		t.Fatalf("Sonarr command on Radarr: %d, want 500", status)
	}
	for _, bad := range []string{`{`, `[1,2]`, `{"name":"EpisodeSearch","episodeIds":"x"}`, "\x00\xff"} {
		if status, _, _ := e.do(http.MethodPost, "sonarr", "/api/v3/command", bad); status < 400 {
			t.Fatalf("bad body %q accepted: %d", bad, status)
		}
	}
	if status, _, _ := e.do(http.MethodGet, "sonarr", "/api/v3/nothing", ""); status != 404 {
		t.Fatalf("unknown route: %d", status)
	}
}

// postCommand posts a command and returns its decoded resource.
func postCommand(t *testing.T, e *env, inst string, body map[string]any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	status, h, resp := e.do(http.MethodPost, inst, "/api/v3/command", string(b))
	if status != http.StatusCreated {
		t.Fatalf("POST command: %d %s", status, resp)
	}
	var out map[string]any
	if err := json.Unmarshal(resp, &out); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("/api/v3/command/%d", num(out, "id")); !strings.HasSuffix(h.Get("Location"), want) {
		t.Fatalf("Location %q, want suffix %q", h.Get("Location"), want)
	}
	return out
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestCommandDeduplication(t *testing.T) {
	cfg := sonarrCfg()
	cfg.CommandDuration = time.Minute
	e := newEnv(t, cfg)
	in := e.sim.Instance("sonarr")
	a := postCommand(t, e, "sonarr", map[string]any{"name": "EpisodeSearch", "episodeIds": []int{3, 1, 2}})
	b := postCommand(t, e, "sonarr", map[string]any{"name": "episodesearch", "episodeIds": []int{2, 3, 1}})
	if num(a, "id") != num(b, "id") {
		t.Fatalf("equal command got ids %d and %d", num(a, "id"), num(b, "id"))
	}
	c := postCommand(t, e, "sonarr", map[string]any{"name": "EpisodeSearch", "episodeIds": []int{1, 2}})
	if num(c, "id") == num(a, "id") {
		t.Fatal("different id set was de-duplicated")
	}
	e.clock.Advance(2 * time.Minute)
	st, err := in.WaitCommand(t.Context(), num(a, "id"))
	if err != nil || st.Status != "completed" {
		t.Fatalf("command: %+v %v", st, err)
	}
	d := postCommand(t, e, "sonarr", map[string]any{"name": "EpisodeSearch", "episodeIds": []int{1, 2, 3}})
	if num(d, "id") == num(a, "id") {
		t.Fatal("a completed command was returned again")
	}
	if in.Counters().Commands != 3 {
		t.Fatalf("commands = %d, want 3", in.Counters().Commands)
	}
}

func TestLastSearchTimeOnlyWhenSearched(t *testing.T) {
	cfg := sonarrCfg()
	cfg.IndexerDailyLimit = 2
	cfg.FindChance = -1
	e := newEnv(t, cfg)
	in := e.sim.Instance("sonarr")
	var never []int
	for _, id := range in.Wanted(false, true) {
		if st, _ := in.Episode(id); st.LastSearchTime == nil {
			never = append(never, id)
		}
	}
	if len(never) < 4 {
		t.Fatalf("need never-searched episodes, got %d", len(never))
	}
	rec := func(id int) map[string]any {
		var r map[string]any
		e.getJSON("sonarr", fmt.Sprintf("/api/v3/episode/%d", id), &r)
		return r
	}
	if _, ok := rec(never[0])["lastSearchTime"]; ok {
		t.Fatal("never-searched episode has lastSearchTime")
	}
	cmd := postCommand(t, e, "sonarr", map[string]any{"name": "EpisodeSearch", "episodeIds": never[:4]})
	e.clock.Advance(time.Second)
	st, err := in.WaitCommand(t.Context(), num(cmd, "id"))
	if err != nil || st.Message != "Episode search completed. 0 reports downloaded." {
		t.Fatalf("command %+v %v", st, err)
	}
	for i, id := range never[:4] {
		_, has := rec(id)["lastSearchTime"]
		if want := i < 2; has != want {
			t.Fatalf("episode %d (search %d, limit 2): lastSearchTime present = %v, want %v", id, i+1, has, want)
		}
	}
	got := rec(never[0])["lastSearchTime"].(string)
	if want := e.clock.Now().UTC().Format("2006-01-02T15:04:05Z"); got != want {
		t.Fatalf("lastSearchTime %s, want %s", got, want)
	}
	c := in.Counters()
	if c.IndexerSearches != 2 || c.LimitRejected != 2 || c.SearchesByCommand["EpisodeSearch"] != 2 {
		t.Fatalf("counters %+v", c)
	}
}

func TestSearchCosts(t *testing.T) {
	e := newEnv(t, sonarrCfg(), radarrCfg())
	son, rad := e.sim.Instance("sonarr"), e.sim.Instance("radarr")
	st, _ := son.Episode(son.Wanted(false, true)[0])
	var series map[string]any
	e.getJSON("sonarr", fmt.Sprintf("/api/v3/series/%d", st.SeriesID), &series)
	monitoredSeasons := 0
	for _, s := range series["seasons"].([]any) {
		if s.(map[string]any)["monitored"] == true {
			monitoredSeasons++
		}
	}
	cmds := []struct {
		inst string
		body map[string]any
		want int
	}{
		{"sonarr", map[string]any{"name": "EpisodeSearch", "episodeIds": son.Wanted(false, true)[:3]}, 3},
		{"sonarr", map[string]any{"name": "SeasonSearch", "seriesId": st.SeriesID, "seasonNumber": st.Season}, 1},
		{"sonarr", map[string]any{"name": "SeriesSearch", "seriesId": st.SeriesID}, monitoredSeasons},
		{"radarr", map[string]any{"name": "MoviesSearch", "movieIds": []int{1, 2, 3, 4, 99999}}, 4},
	}
	for _, c := range cmds {
		in := e.sim.Instance(c.inst)
		before := in.Counters().IndexerSearches
		res := postCommand(t, e, c.inst, c.body)
		e.clock.Advance(time.Second)
		cs, err := in.WaitCommand(t.Context(), num(res, "id"))
		if err != nil || cs.Status != "completed" {
			t.Fatalf("%v: %+v %v", c.body["name"], cs, err)
		}
		if got := in.Counters().IndexerSearches - before; got != c.want {
			t.Fatalf("%v cost %d searches, want %d", c.body["name"], got, c.want)
		}
	}
	if m := rad.Commands()[0].Message; !strings.HasPrefix(m, "Completed search for 4 movies.") {
		t.Fatalf("MoviesSearch message %q", m)
	}
	res := postCommand(t, e, "sonarr", map[string]any{"name": "EpisodeSearch", "episodeIds": []int{1, 999999}})
	e.clock.Advance(time.Second)
	cs, _ := son.WaitCommand(t.Context(), num(res, "id"))
	if cs.Status != "failed" {
		t.Fatalf("EpisodeSearch with an unknown id: %+v", cs)
	}
}

func TestGeneratorDeterministicAndVaried(t *testing.T) {
	cfg := InstanceConfig{Kind: "sonarr", Seed: 3, Episodes: 20000, MissingRatio: 0.3, CutoffRatio: 0.2}.withDefaults(0)
	a, b := generateSonarr(cfg, testStart), generateSonarr(cfg, testStart)
	if !slices.Equal(a.episodes, b.episodes) || len(a.series) != len(b.series) {
		t.Fatal("same seed gave different libraries")
	}
	if len(a.episodes) != 20000 {
		t.Fatalf("episodes = %d", len(a.episodes))
	}
	now := testStart.Unix()
	seen := map[string]bool{}
	for _, e := range a.episodes {
		s := a.series[e.series]
		seen["type:"+s.seriesType] = true
		seen["status:"+s.status] = true
		switch {
		case e.air == 0:
			seen["noAirDate"] = true
		case e.air > now:
			seen["future"] = true
		}
		if e.season == 0 {
			seen["special"] = true
		}
		if !e.monitored {
			seen["unmonitoredEpisode"] = true
		}
		if !s.monitored {
			seen["unmonitoredSeries"] = true
		}
		if e.file.id != 0 {
			seen["file"] = true
		}
		if e.finale != 0 {
			seen["finale"] = true
		}
	}
	for _, k := range []string{"type:standard", "type:daily", "type:anime", "status:ended", "status:continuing", "status:upcoming",
		"noAirDate", "future", "special", "unmonitoredEpisode", "unmonitoredSeries", "file", "finale"} {
		if !seen[k] {
			t.Errorf("generated library lacks %s", k)
		}
	}
	small := generateSonarr(InstanceConfig{Kind: "sonarr", Episodes: 10}.withDefaults(0), testStart)
	if len(small.episodes) != 10 {
		t.Fatalf("10-episode library has %d", len(small.episodes))
	}
	rcfg := InstanceConfig{Kind: "radarr", Seed: 3, Movies: 3000, MissingRatio: 0.3}.withDefaults(0)
	r := generateRadarr(rcfg, testStart)
	mseen := map[string]bool{}
	for _, m := range r.movies {
		mseen["status:"+m.status] = true
		mseen["min:"+m.minAvailability] = true
		if m.year == 0 {
			mseen["year0"] = true
		}
		if m.inCinemas == 0 && m.digital == 0 && m.physical == 0 {
			mseen["noDates"] = true
		}
		if !m.monitored {
			mseen["unmonitored"] = true
		}
	}
	for _, k := range []string{"status:tba", "status:announced", "status:inCinemas", "status:released",
		"min:tba", "min:announced", "min:inCinemas", "min:released", "year0", "noDates", "unmonitored"} {
		if !mseen[k] {
			t.Errorf("generated movies lack %s", k)
		}
	}
}
