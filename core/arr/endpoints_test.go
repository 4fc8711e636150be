package arr_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/domain"
)

func TestSonarrEndpoints(t *testing.T) {
	f := newFakeApp(t, domain.KindSonarr, "/sonarr")
	c := f.client(t)
	ctx := context.Background()

	res, err := c.Test(ctx)
	if err != nil || res.App != "Sonarr" || res.Version != "4.0.19.2979" || res.Latency <= 0 {
		t.Fatalf("Test = %+v, %v", res, err)
	}

	page, err := c.WantedMissing(ctx, arr.WantedQuery{SortKey: arr.SortSonarrLastSearchTime})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalRecords != 37 || page.SortKey != "episodes.lastSearchTime" || page.SortDirection != arr.SortAscending || len(page.Items) != 2 || page.Records != 2 {
		t.Fatalf("page info = %+v, %d items", page.PageInfo, len(page.Items))
	}
	it := page.Items[0]
	want := domain.Item{Key: domain.ItemKey{Type: domain.ItemEpisode, ID: 1045}, Title: "Static", SeriesID: 12,
		SeriesTitle: "The Expanse", SeasonNumber: 2, EpisodeNumber: 3, Network: "Amazon", SeriesType: "standard", SeriesStatus: "ended"}
	if it.Key != want.Key || it.Title != want.Title || it.SeriesTitle != want.SeriesTitle || it.SeasonNumber != 2 ||
		it.EpisodeNumber != 3 || it.Network != "Amazon" || it.SeriesType != "standard" || it.SeriesStatus != "ended" ||
		!it.Monitored || !it.SeriesMonitored || !it.SeasonMonitored || it.HasFile || it.CutoffNotMet ||
		it.QualityProfileID != 4 || len(it.Tags) != 1 || it.Tags[0] != 3 || it.Runtime != 45 || it.TvdbID != 5883045 {
		t.Errorf("item = %+v", it)
	}
	if it.AirDateUTC == nil || !it.AirDateUTC.Equal(time.Date(2017, 2, 16, 3, 0, 0, 0, time.UTC)) || it.LastSearchTime != nil {
		t.Errorf("times = %v %v", it.AirDateUTC, it.LastSearchTime)
	}
	if ls := page.Items[1].LastSearchTime; ls == nil || !ls.Equal(time.Date(2024, 5, 1, 18, 32, 10, 0, time.UTC)) {
		t.Errorf("lastSearchTime = %v", ls)
	}

	cut, err := c.WantedCutoff(ctx, arr.WantedQuery{})
	if err != nil || len(cut.Items) != 1 {
		t.Fatalf("cutoff = %+v, %v", cut, err)
	}
	ci := cut.Items[0]
	if !ci.CutoffNotMet || ci.Quality != "HDTV-720p" || !ci.HasFile || ci.EpisodeFileID != 301 || ci.SeasonMonitored {
		t.Errorf("cutoff item = %+v", ci)
	}

	qs, err := c.QueueStatus(ctx)
	if err != nil || qs.TotalCount != 4 || qs.Count != 3 || !qs.Warnings {
		t.Errorf("queue status = %+v, %v", qs, err)
	}
	q, err := c.Queue(ctx, arr.QueueQuery{})
	if err != nil || len(q.Records) != 2 || q.TotalRecords != 2 || q.Records[1].EpisodeID != 1046 || q.Records[1].StatusMessages[0].Messages[0] != "Slow download" {
		t.Fatalf("queue = %+v, %v", q, err)
	}
	if d, err := arr.ParseTimeSpan(q.Records[1].Timeleft); err != nil || d != 26*time.Hour+10*time.Minute+500*time.Millisecond {
		t.Errorf("timeleft = %v, %v", d, err)
	}
	keys, err := c.QueuedItems(ctx)
	if err != nil || len(keys) != 2 || keys[0] != (domain.ItemKey{Type: domain.ItemEpisode, ID: 1045}) {
		t.Errorf("queued items = %v, %v", keys, err)
	}

	series, err := c.Series(ctx)
	if err != nil || len(series) != 1 || series[0].Statistics == nil || series[0].Statistics.EpisodeCount != 23 || !series[0].SeasonMonitored(2) || series[0].SeasonMonitored(0) {
		t.Fatalf("series = %+v, %v", series, err)
	}
	one, err := c.SeriesByID(ctx, 12)
	if err != nil || one.Title != "The Expanse" || len(one.Seasons) != 3 {
		t.Errorf("series 12 = %+v, %v", one, err)
	}
	if _, err := c.SeriesByID(ctx, 999); !errors.Is(err, arr.ErrNotFound) || !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("series 999: %v, want not found", err)
	}
	eps, err := c.Episodes(ctx, 12)
	if err != nil || len(eps) != 3 {
		t.Fatalf("episodes = %v, %v", eps, err)
	}
	ei := eps[0].ItemWithSeries(&one)
	if ei.SeriesTitle != "The Expanse" || !ei.SeasonMonitored || ei.LastSearchTime == nil || ei.LastSearchTime.Nanosecond() != 123456700 {
		t.Errorf("episode with series = %+v", ei)
	}
	if eps[2].AirDateUTC.Ptr() != nil {
		t.Errorf("special without air date has one")
	}

	cal, err := c.Calendar(ctx, time.Now().Add(-24*time.Hour), time.Now(), false)
	if err != nil || len(cal) != 2 || cal[0].SeriesTitle != "The Expanse" {
		t.Errorf("calendar = %v, %v", cal, err)
	}
	tags, err := c.Tags(ctx)
	if err != nil || len(tags) != 2 || tags[1] != (arr.Tag{ID: 3, Label: "4k"}) {
		t.Errorf("tags = %v, %v", tags, err)
	}
	profiles, err := c.QualityProfiles(ctx)
	if err != nil || len(profiles) != 1 || profiles[0].Cutoff != 7 || len(profiles[0].Items[1].Items) != 2 {
		t.Errorf("profiles = %+v, %v", profiles, err)
	}
	hist, err := c.History(ctx, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	if err != nil || len(hist) != 1 || hist[0].Data["indexer"] != "NZBgeek" {
		t.Fatalf("history = %+v, %v", hist, err)
	}
	if k, ok := hist[0].ItemKey(); !ok || k.ID != 1045 || k.Type != domain.ItemEpisode {
		t.Errorf("history key = %v", k)
	}

	st, err := c.SendCommand(ctx, domain.Command{Name: domain.CmdEpisodeSearch, EpisodeIDs: []int64{1045, 1046}})
	if err != nil || st.ID != 1201 || st.Status != "queued" || st.Done() || st.Queued.IsZero() {
		t.Fatalf("send = %+v, %v", st, err)
	}
	done, err := c.Command(ctx, 1201)
	if err != nil || !done.Done() || !done.Succeeded() || done.Duration.Round(time.Millisecond) != 7654*time.Millisecond {
		t.Errorf("command = %+v, %v", done, err)
	}
	if done.Ended == nil || done.Message == "" {
		t.Errorf("command = %+v", done)
	}
	all, err := c.Commands(ctx)
	if err != nil || len(all) != 1 || all[0].ID != 1201 {
		t.Errorf("commands = %+v, %v", all, err)
	}

	// Radarr-only endpoints and commands are refused without a request.
	n := len(f.requests())
	if _, err := c.Movies(ctx); !errors.Is(err, arr.ErrInvalid) {
		t.Errorf("Movies on Sonarr: %v", err)
	}
	if _, err := c.SendCommand(ctx, domain.Command{Name: domain.CmdMoviesSearch, MovieIDs: []int64{1}}); !errors.Is(err, arr.ErrInvalid) {
		t.Errorf("MoviesSearch on Sonarr: %v", err)
	}
	if len(f.requests()) != n {
		t.Errorf("refused calls reached the server")
	}

	// Every request carries the key in the header only, under the URL base.
	for _, r := range f.requests() {
		if r.Header.Get("X-Api-Key") != testKey {
			t.Errorf("%s %s without X-Api-Key", r.Method, r.Path)
		}
		q, _ := url.ParseQuery(r.Query)
		if q.Has("apikey") || containsKey(r.Path+r.Query) {
			t.Errorf("%s %s?%s carries the key in the URL", r.Method, r.Path, r.Query)
		}
	}
}

func TestRadarrEndpoints(t *testing.T) {
	f := newFakeApp(t, domain.KindRadarr, "")
	c := f.client(t)
	ctx := context.Background()

	if res, err := c.Test(ctx); err != nil || res.App != "Radarr" {
		t.Fatalf("Test = %+v, %v", res, err)
	}
	st, err := c.SystemStatus(ctx)
	if err != nil || st.StartTime.Nanosecond() != 123456700 || st.URLBase != "/radarr" {
		t.Errorf("status = %+v, %v", st, err)
	}
	page, err := c.WantedMissing(ctx, arr.WantedQuery{SortKey: "lastSearchTime", SortDirection: arr.SortDescending})
	if err != nil || len(page.Items) != 1 || page.TotalRecords != 9 || page.SortKey != "movieMetadata.sortTitle" {
		t.Fatalf("page = %+v, %v", page, err)
	}
	m := page.Items[0]
	if m.Key != (domain.ItemKey{Type: domain.ItemMovie, ID: 42}) || m.Title != "Dune: Part Two" || m.Year != 2024 ||
		!m.IsAvailable || m.MinimumAvailability != "released" || m.MovieStatus != "released" || m.HasFile ||
		m.TmdbID != 693134 || m.ImdbID != "tt15239678" || m.QualityProfileID != 7 || m.Runtime != 167 ||
		m.ReleaseDate == nil || !m.ReleaseDate.Equal(time.Date(2024, 4, 16, 0, 0, 0, 0, time.UTC)) ||
		m.InCinemas == nil || m.PhysicalRelease == nil || m.DigitalRelease == nil || m.LastSearchTime == nil || m.Added == nil {
		t.Errorf("movie item = %+v", m)
	}
	if r := m.Released(); r == nil || !r.Equal(*m.ReleaseDate) {
		t.Errorf("Released = %v", r)
	}
	cut, err := c.WantedCutoff(ctx, arr.WantedQuery{})
	if err != nil || len(cut.Items) != 1 || !cut.Items[0].CutoffNotMet || cut.Items[0].Quality != "HDTV-720p" || !cut.Items[0].HasFile {
		t.Errorf("cutoff = %+v, %v", cut, err)
	}
	q, err := c.Queue(ctx, arr.QueueQuery{})
	if err != nil || len(q.Records) != 1 || q.Records[0].MovieID != 42 {
		t.Errorf("queue = %+v, %v", q, err)
	}
	if k, ok := q.Records[0].ItemKey(); !ok || k.Type != domain.ItemMovie {
		t.Errorf("queue key = %v", k)
	}
	movies, err := c.Movies(ctx)
	if err != nil || len(movies) != 1 || movies[0].Statistics == nil || movies[0].HasMovieFile() {
		t.Errorf("movies = %+v, %v", movies, err)
	}
	mv, err := c.Movie(ctx, 42)
	if err != nil || mv.TmdbID != 693134 {
		t.Errorf("movie = %+v, %v", mv, err)
	}
	if _, err := c.Movie(ctx, 999); !errors.Is(err, arr.ErrNotFound) {
		t.Errorf("movie 999: %v", err)
	}
	cal, err := c.Calendar(ctx, time.Now(), time.Now().Add(48*time.Hour), true)
	if err != nil || len(cal) != 1 || cal[0].Key.Type != domain.ItemMovie {
		t.Errorf("calendar = %+v, %v", cal, err)
	}
	hist, err := c.History(ctx, time.Now().Add(-time.Hour))
	if err != nil || len(hist) != 1 || hist[0].MovieID != 42 || hist[0].EventType != "grabbed" {
		t.Errorf("history = %+v, %v", hist, err)
	}
	cmd, err := c.SendCommand(ctx, domain.Command{Name: domain.CmdMoviesSearch, MovieIDs: []int64{42, 57}})
	if err != nil || cmd.ID != 877 || cmd.Name != "MoviesSearch" {
		t.Errorf("send = %+v, %v", cmd, err)
	}
	if got, err := c.Command(ctx, 877); err != nil || got.Status != "queued" || got.Started != nil {
		t.Errorf("command = %+v, %v", got, err)
	}
	if _, err := c.Series(ctx); !errors.Is(err, arr.ErrInvalid) {
		t.Errorf("Series on Radarr: %v", err)
	}
	for _, name := range []domain.CommandName{domain.CmdEpisodeSearch, domain.CmdSeasonSearch, domain.CmdSeriesSearch} {
		if _, err := c.SendCommand(ctx, domain.Command{Name: name, SeriesID: 1, EpisodeIDs: []int64{1}}); !errors.Is(err, arr.ErrInvalid) {
			t.Errorf("%s on Radarr: %v", name, err)
		}
	}
}

func containsKey(s string) bool { return strings.Contains(s, testKey) }
