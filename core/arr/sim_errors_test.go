package arr_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/arr/fakearr"
	"github.com/vibequality/searcharr/core/domain"
)

// wantKind checks that err matches the sentinel want and never shows the
// API key.
func wantKind(t *testing.T, err, want error, key string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("got %v, want %v", err, want)
	}
	var ae *arr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("%v is not an *arr.Error", err)
	}
	if strings.Contains(err.Error(), key) {
		t.Fatalf("the error shows the API key: %v", err)
	}
}

// addFault activates a fault on the sonarr instance for the rest of the
// subtest.
func addFault(t *testing.T, e *simEnv, f fakearr.Fault) {
	t.Helper()
	f.Instance = "sonarr"
	id, err := e.sim.Faults().Add(f)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.sim.Faults().Remove(id) })
}

// TestSimErrors provokes every error kind through the simulator: a wrong
// key, a missing id, the wrong application, injected 500s, 429s, malformed
// JSON and hangs, and a closed server.
func TestSimErrors(t *testing.T) {
	e := newSimEnv(t, false)
	son, rad := e.sim.Instance("sonarr"), e.sim.Instance("radarr")
	key := son.APIKey()
	c := e.client(t, "sonarr", func(cfg *arr.Config) { cfg.MaxRetries = 2 })
	ctx := t.Context()

	t.Run("wrong key", func(t *testing.T) {
		seq := e.lastSeq()
		bad := e.client(t, "sonarr", func(cfg *arr.Config) { cfg.APIKey = strings.Repeat("f", 32) })
		_, err := bad.Test(ctx)
		wantKind(t, err, arr.ErrUnauthorized, key)
		if !errors.Is(err, domain.ErrUnauthorized) {
			t.Errorf("%v does not match domain.ErrUnauthorized", err)
		}
		reqs := e.requestsAfter("sonarr", "/system/status", seq)
		if len(reqs) != 1 || reqs[0].Status != http.StatusUnauthorized {
			t.Fatalf("a refused key was sent %d times", len(reqs))
		}
	})

	t.Run("missing id", func(t *testing.T) {
		_, err := c.SeriesByID(ctx, 999_999)
		wantKind(t, err, arr.ErrNotFound, key)
		_, err = c.Command(ctx, 999_999)
		wantKind(t, err, arr.ErrNotFound, key)
		rc := e.client(t, "radarr", nil)
		_, err = rc.Movie(ctx, 999_999)
		wantKind(t, err, arr.ErrNotFound, key)
	})

	t.Run("radarr configured as sonarr", func(t *testing.T) {
		info := rad.Info(e.origin)
		wrong, err := arr.New(arr.Config{Kind: domain.KindSonarr, URL: info.URL, APIKey: info.APIKey, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		res, err := wrong.Test(ctx)
		wantKind(t, err, arr.ErrWrongApp, info.APIKey)
		if res.App != "Radarr" || !strings.Contains(err.Error(), "found Radarr") {
			t.Fatalf("Test: %+v, %v", res, err)
		}
	})

	t.Run("500 after retries", func(t *testing.T) {
		addFault(t, e, fakearr.Fault{PathPrefix: "/api/v3/tag", Status: http.StatusInternalServerError})
		seq := e.lastSeq()
		_, err := c.Tags(ctx)
		wantKind(t, err, arr.ErrServer, key)
		reqs := e.requestsAfter("sonarr", "/api/v3/tag", seq)
		if len(reqs) != 3 {
			t.Fatalf("%d requests, want 1 + 2 retries", len(reqs))
		}
		for _, r := range reqs {
			if r.Status != http.StatusInternalServerError {
				t.Errorf("request %d answered %d", r.Seq, r.Status)
			}
		}
	})

	t.Run("commands are not retried", func(t *testing.T) {
		for _, status := range []int{http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusTooManyRequests} {
			addFault(t, e, fakearr.Fault{PathPrefix: "/api/v3/command", Status: status, RetryAfter: 1})
			seq := e.lastSeq()
			_, err := c.SendCommand(ctx, domain.Command{Name: domain.CmdEpisodeSearch, EpisodeIDs: []int64{1}})
			if err == nil {
				t.Fatalf("status %d: the command was accepted", status)
			}
			if n := commandPosts(e.requestsAfter("sonarr", "", seq)); n != 1 {
				t.Fatalf("status %d: the command was POSTed %d times", status, n)
			}
			e.sim.Faults().Clear()
		}
		if n := len(son.Commands()); n != 0 {
			t.Fatalf("the simulator ran %d commands", n)
		}
	})

	t.Run("429 with Retry-After", func(t *testing.T) {
		addFault(t, e, fakearr.Fault{PathPrefix: "/api/v3/qualityprofile", Status: http.StatusTooManyRequests, RetryAfter: 1, Remaining: 1})
		seq := e.lastSeq()
		profiles, err := c.QualityProfiles(ctx)
		if err != nil || len(profiles) == 0 {
			t.Fatalf("QualityProfiles after a 429: %d profiles, %v", len(profiles), err)
		}
		reqs := e.requestsAfter("sonarr", "/api/v3/qualityprofile", seq)
		if len(reqs) != 2 || reqs[0].Status != http.StatusTooManyRequests || reqs[1].Status != http.StatusOK {
			t.Fatalf("%d requests; want a 429 then a 200", len(reqs))
		}
		if gap := reqs[1].Time.Sub(reqs[0].Time); gap < time.Second {
			t.Fatalf("retried after %s, before the Retry-After of 1s", gap)
		}
	})

	t.Run("malformed JSON", func(t *testing.T) {
		addFault(t, e, fakearr.Fault{PathPrefix: "/api/v3/wanted/missing", Malformed: true})
		seq := e.lastSeq()
		_, err := c.WantedMissing(ctx, arr.WantedQuery{})
		wantKind(t, err, arr.ErrContract, key)
		if n := len(e.requestsAfter("sonarr", "/wanted/missing", seq)); n != 1 {
			t.Fatalf("a malformed answer was fetched %d times", n)
		}
	})

	t.Run("hang", func(t *testing.T) {
		addFault(t, e, fakearr.Fault{PathPrefix: "/api/v3/system/status", Hang: true})
		short := e.client(t, "sonarr", func(cfg *arr.Config) { cfg.Timeout = 200 * time.Millisecond })
		start := time.Now()
		_, err := short.SystemStatus(ctx)
		wantKind(t, err, arr.ErrTimeout, key)
		if d := time.Since(start); d < 200*time.Millisecond {
			t.Fatalf("gave up after %s, before the timeout", d)
		}
	})

	t.Run("canceled", func(t *testing.T) {
		_, err := c.QueueStatus(ctxDone())
		wantKind(t, err, arr.ErrCanceled, key)
	})

	t.Run("closed server", func(t *testing.T) {
		sim, err := fakearr.New(fakearr.Config{Instances: simInstances()[:1]})
		if err != nil {
			t.Fatal(err)
		}
		origin, err := sim.Start("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		in := sim.Instance("sonarr")
		cfg := arr.Config{Kind: domain.KindSonarr, URL: in.Info(origin).URL, APIKey: in.APIKey(), Timeout: 5 * time.Second}
		cl, err := arr.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		arr.SetBackoff(cl, time.Millisecond, 5*time.Millisecond)
		if _, err := cl.Test(ctx); err != nil {
			t.Fatalf("Test before closing: %v", err)
		}
		if err := sim.Close(); err != nil {
			t.Fatal(err)
		}
		_, err = cl.Test(ctx)
		wantKind(t, err, arr.ErrUnreachable, in.APIKey())
	})
}
