package arr_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/domain"
)

func TestObserverSeesEveryCallWithItsEndpoint(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v3/command/42" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":42,"name":"EpisodeSearch","status":"completed","result":"successful"}`))
			return
		}
		http.Error(w, "boom", http.StatusBadRequest)
	}))
	defer srv.Close()
	var (
		mu    sync.Mutex
		calls []arr.Call
	)
	c, err := arr.New(arr.Config{Kind: domain.KindSonarr, URL: srv.URL, APIKey: testKey, MaxRetries: -1,
		Observer: func(c arr.Call) {
			mu.Lock()
			calls = append(calls, c)
			mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Command(context.Background(), 42); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendCommand(context.Background(), domain.Command{Name: domain.CmdEpisodeSearch, EpisodeIDs: []int64{1}}); err == nil {
		t.Fatal("the refused command succeeded")
	}
	if len(calls) != 2 {
		t.Fatalf("%d calls observed, want 2: %+v", len(calls), calls)
	}
	if got := calls[0]; got.App != "sonarr" || got.Method != "GET" || got.Endpoint != "/api/v3/command/{id}" || got.ErrorKind != "" {
		t.Errorf("first call = %+v, want a successful GET /api/v3/command/{id}", got)
	}
	if got := calls[1]; got.Method != "POST" || got.Endpoint != "/api/v3/command" || got.ErrorKind != arr.KindBadRequest || got.Status != 400 {
		t.Errorf("second call = %+v, want a refused POST /api/v3/command", got)
	}
}
