package arr_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/domain"
)

func TestErrorKinds(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		call    func(context.Context, *arr.Client) error
		want    error
		msg     string // a substring the error must contain
		calls   int32  // requests the server must see; 0 = do not check
	}{
		{
			name:    "401 empty body",
			handler: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) },
			want:    arr.ErrUnauthorized, msg: "Settings → General", calls: 1,
		},
		{
			name: "404 ProblemDetails",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 404, []byte(`{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not Found","status":404,"traceId":"00-1-2-00"}`))
			},
			want: arr.ErrNotFound, msg: "Not Found", calls: 1,
		},
		{
			name: "400 validation array",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 400, []byte(`[{"propertyName":"Name","errorMessage":"'Name' must not be empty.","attemptedValue":"","severity":"error","errorCode":"NotEmptyValidator"},{"propertyName":"EpisodeIds","errorMessage":"must not be empty"}]`))
			},
			call: sendEpisodeSearch,
			want: arr.ErrBadRequest, msg: "Name: 'Name' must not be empty.; EpisodeIds: must not be empty", calls: 1,
		},
		{
			name: "400 ValidationProblemDetails",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 400, []byte(`{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"page":["The value 'abc' is not valid."]}}`))
			},
			want: arr.ErrBadRequest, msg: "page: The value 'abc' is not valid.", calls: 1,
		},
		{
			name: "500 message and description",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 500, []byte(`{"message":"Sequence contains no matching element","description":"System.InvalidOperationException: Sequence contains no matching element\n   at System.Linq..."}`))
			},
			want: arr.ErrServer, msg: "Sequence contains no matching element", calls: 4,
		},
		{
			name: "500 on a command is not retried",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 500, []byte(`{"message":"database is locked"}`))
			},
			call: sendEpisodeSearch,
			want: arr.ErrServer, msg: "database is locked", calls: 1,
		},
		{
			name: "malformed JSON",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, []byte(`{"appName":"Sonarr","version":`))
			},
			want: arr.ErrContract, calls: 1,
		},
		{
			name: "wrong shape",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, []byte(`[1,2,3]`))
			},
			want: arr.ErrContract,
		},
		{
			name: "paged list without records",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, []byte(`{"page":1,"pageSize":10,"totalRecords":0}`))
			},
			call: wantedMissing,
			want: arr.ErrContract,
		},
		{
			name: "record of the wrong type",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, []byte(`{"page":1,"records":[{"id":"one"}]}`))
			},
			call: wantedMissing,
			want: arr.ErrContract,
		},
		{
			name: "HTML page is the wrong app",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				_, _ = w.Write([]byte("<!doctype html><html><body>Welcome to nginx!</body></html>"))
			},
			want: arr.ErrWrongApp, msg: "URL base", calls: 1,
		},
		{
			name: "HTML without content type",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/octet-stream")
				_, _ = w.Write([]byte("\n  <html><body>login</body></html>"))
			},
			want: arr.ErrWrongApp,
		},
		{
			name: "appName mismatch",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, []byte(`{"appName":"Radarr","version":"6.0.4.10291"}`))
			},
			call: func(ctx context.Context, c *arr.Client) error { _, err := c.Test(ctx); return err },
			want: arr.ErrWrongApp, msg: "expected Sonarr, found Radarr",
		},
		{
			name: "429 exhausts retries",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			want: arr.ErrRateLimited, calls: 4,
		},
		{
			name: "409 conflict",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 409, []byte(`{"message":"Unable to cancel task"}`))
			},
			want: arr.ErrBadRequest, msg: "Unable to cancel task",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				tt.handler(w, r)
			}))
			defer srv.Close()
			var logs bytes.Buffer
			c := newClient(t, domain.KindSonarr, srv.URL, func(cfg *arr.Config) {
				cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			})
			call := tt.call
			if call == nil {
				call = func(ctx context.Context, c *arr.Client) error { _, err := c.SystemStatus(ctx); return err }
			}
			err := call(context.Background(), c)
			checkErr(t, err, tt.want, tt.msg)
			if tt.calls != 0 && n.Load() != tt.calls {
				t.Errorf("server saw %d requests, want %d", n.Load(), tt.calls)
			}
			if strings.Contains(logs.String(), testKey) {
				t.Errorf("the API key appears in the logs")
			}
		})
	}
}

func checkErr(t *testing.T, err, want error, msg string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
	var ae *arr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("err %T is not an *arr.Error", err)
	}
	if !strings.HasPrefix(err.Error(), "arr: ") {
		t.Errorf("error %q lacks the arr: prefix", err)
	}
	if msg != "" && !strings.Contains(err.Error(), msg) {
		t.Errorf("error %q does not contain %q", err, msg)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("error %q contains the API key", err)
	}
}

func sendEpisodeSearch(ctx context.Context, c *arr.Client) error {
	_, err := c.SendCommand(ctx, domain.Command{Name: domain.CmdEpisodeSearch, EpisodeIDs: []int64{1}})
	return err
}

func wantedMissing(ctx context.Context, c *arr.Client) error {
	_, err := c.WantedMissing(ctx, arr.WantedQuery{})
	return err
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name    string
		first   func(w http.ResponseWriter)
		minWait time.Duration
	}{
		{"429 with Retry-After seconds", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		}, time.Second},
		{"429 with Retry-After date", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
		}, 500 * time.Millisecond},
		{"503 retried", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("<html>502 Bad Gateway</html>"))
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if n.Add(1) == 1 {
					tt.first(w)
					return
				}
				writeJSON(w, 200, fixture(t, "sonarr-system-status.json"))
			}))
			defer srv.Close()
			c := newClient(t, domain.KindSonarr, srv.URL, nil)
			start := time.Now()
			st, err := c.SystemStatus(context.Background())
			if err != nil || st.AppName != "Sonarr" {
				t.Fatalf("status = %+v, %v", st, err)
			}
			if n.Load() != 2 {
				t.Errorf("requests = %d, want 2", n.Load())
			}
			if el := time.Since(start); el < tt.minWait {
				t.Errorf("retried after %v, want at least %v", el, tt.minWait)
			}
		})
	}
}

func TestTransportErrors(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
		defer srv.Close()
		defer close(release)
		c := newClient(t, domain.KindSonarr, srv.URL, func(cfg *arr.Config) { cfg.Timeout = 50 * time.Millisecond })
		_, err := c.SystemStatus(context.Background())
		checkErr(t, err, arr.ErrTimeout, "did not answer in time")
	})
	t.Run("connection refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		_ = l.Close()
		c := newClient(t, domain.KindRadarr, "http://"+addr, nil)
		_, err = c.SystemStatus(context.Background())
		checkErr(t, err, arr.ErrUnreachable, "check that Radarr is running")
	})
	t.Run("dns", func(t *testing.T) {
		c := newClient(t, domain.KindRadarr, "http://no-such-host.invalid:7878", func(cfg *arr.Config) { cfg.MaxRetries = -1 })
		_, err := c.SystemStatus(context.Background())
		checkErr(t, err, arr.ErrUnreachable, "")
	})
	t.Run("context canceled", func(t *testing.T) {
		release := make(chan struct{})
		started := make(chan struct{}, 1)
		srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			started <- struct{}{}
			<-release
		}))
		defer srv.Close()
		defer close(release)
		c := newClient(t, domain.KindSonarr, srv.URL, nil)
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-started; cancel() }()
		_, err := c.SystemStatus(ctx)
		checkErr(t, err, arr.ErrCanceled, "")
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled too", err)
		}
	})
	t.Run("context canceled while waiting to retry", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
		}))
		defer srv.Close()
		c := newClient(t, domain.KindSonarr, srv.URL, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.SystemStatus(ctx)
		if !errors.Is(err, arr.ErrRateLimited) || time.Since(start) > 5*time.Second {
			t.Errorf("err = %v after %v, want rate limited at once", err, time.Since(start))
		}
	})
}

func TestRedirectNotFollowed(t *testing.T) {
	var hits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(w, 200, fixture(t, "sonarr-system-status.json"))
	}))
	defer target.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/sonarr"+r.URL.Path, http.StatusMovedPermanently)
	}))
	defer srv.Close()
	for _, hc := range []*http.Client{nil, {}} {
		c := newClient(t, domain.KindSonarr, srv.URL, func(cfg *arr.Config) { cfg.HTTPClient = hc })
		_, err := c.SystemStatus(context.Background())
		checkErr(t, err, arr.ErrRedirect, target.URL+"/sonarr/api/v3/system/status")
		var ae *arr.Error
		if errors.As(err, &ae); ae.Location == "" || ae.Status != http.StatusMovedPermanently {
			t.Errorf("error = %+v", ae)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("the redirect target got %d requests: the key left the configured host", hits.Load())
	}
}

func TestKeyScrubbedFromServerMessages(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 500, []byte(`{"message":"bad key `+r.Header.Get("X-Api-Key")+`"}`))
	}))
	defer srv.Close()
	c := newClient(t, domain.KindSonarr, srv.URL, func(cfg *arr.Config) { cfg.MaxRetries = -1 })
	_, err := c.SystemStatus(context.Background())
	checkErr(t, err, arr.ErrServer, "bad key ***")
}
