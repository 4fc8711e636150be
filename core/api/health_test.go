package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/dispatch"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// healthBody is what GET /health answers, as far as these tests read it.
type healthBody struct {
	Status  string   `json:"status"`
	Reasons []string `json:"reasons"`
	Storage struct {
		Status  string `json:"status"`
		Problem string `json:"problem"`
	} `json:"storage"`
	Instances struct {
		BreakersOpen int `json:"breakers_open"`
		Breakers     []struct {
			InstanceID int64  `json:"instance_id"`
			State      string `json:"state"`
		} `json:"breakers"`
	} `json:"instances"`
}

func (h *harness) health(t *testing.T) (healthBody, string) {
	t.Helper()
	r := h.must(http.StatusOK, "GET", "/health", nil, cred{})
	var b healthBody
	r.json(t, &b)
	return b, string(r.Body)
}

// fillSQLite caps the database at its current size on every connection of
// the pool, so SQLite refuses to grow it with SQLITE_FULL ("database or
// disk is full") as on a full disk; lift removes the cap.
func fillSQLite(t *testing.T, st *store.Store, lift bool) {
	t.Helper()
	ctx := context.Background()
	db := st.DB()
	pages := 1 << 30
	if !lift {
		if err := db.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
			t.Fatal(err)
		}
	}
	storetest.LimitSQLiteSize(t, st, pages)
}

func TestHealthReportsStorageWritesFailing(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, store.DialectSQLite)
	h := newHarness(t, st)
	if b, _ := h.health(t); b.Status != "healthy" || b.Storage.Status != "ok" || len(b.Reasons) != 0 {
		t.Fatalf("health before = %+v", b)
	}
	fillSQLite(t, st, false)
	var err error
	for i := 0; i < 500 && err == nil; i++ {
		_, err = st.Users().Create(ctx, domain.User{Username: fmt.Sprintf("u%d%s", i, strings.Repeat("x", 200)), PasswordHash: strings.Repeat("h", 500)})
	}
	if err == nil {
		t.Fatal("writes to a full database kept succeeding")
	}
	b, raw := h.health(t)
	if b.Status != "degraded" || b.Storage.Status != "failing" || b.Storage.Problem != "disk full" ||
		len(b.Reasons) != 1 || b.Reasons[0] != "storage failing: disk full" {
		t.Fatalf("health with the disk full = %s", raw)
	}
	// The driver's message is not shown to an anonymous caller.
	if strings.Contains(raw, "database or disk is full") || strings.Contains(raw, ".db") {
		t.Fatalf("health shows the driver's error: %s", raw)
	}
	fillSQLite(t, st, true)
	if _, err := st.Users().Create(ctx, domain.User{Username: "after", PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	if b, raw := h.health(t); b.Status != "healthy" || b.Storage.Status != "ok" {
		t.Fatalf("health once writes succeed again = %s", raw)
	}
}

// refusedConnector sends to an instance through the arr client.
type refusedConnector struct{ st *store.Store }

func (c refusedConnector) Connect(ctx context.Context, id int64) (dispatch.Sender, error) {
	creds, err := c.st.Instances().Credentials(ctx, id)
	if err != nil {
		return nil, err
	}
	cl, err := arr.New(arr.Config{Kind: creds.Kind, URL: creds.URL, APIKey: string(creds.APIKey), Timeout: time.Second, MaxRetries: -1})
	if err != nil {
		return nil, err
	}
	return dispatch.ArrSender{Client: cl, Lister: refusedLister{}}, nil
}

// refusedLister is the command list of an arr nobody answers for.
type refusedLister struct{}

func (refusedLister) CommandResources(context.Context) ([]arr.CommandResource, error) {
	return nil, &arr.Error{Kind: arr.KindUnreachable, Op: "GET /api/v3/command"}
}

func TestHealthReportsAnOpenCircuitBreakerByInstanceIDOnly(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, store.DialectSQLite)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // refused from now on
	u, err := st.Users().Create(ctx, domain.User{Username: "owner", PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := st.Instances().Create(ctx, domain.Instance{
		OwnerID: u.ID, Name: "secret-name-4k", Kind: domain.KindSonarr, URL: "http://" + addr,
		TimeoutSeconds: 1, RatePerSecond: 1000, Burst: 10,
	}, domain.Secret("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := domain.EncodeCommandBody(domain.Command{Name: domain.CmdEpisodeSearch, EpisodeIDs: []int64{1}})
	if _, _, err := st.Commands().InsertPending(ctx, domain.DispatchedCommand{
		IdempotencyKey: "k1", InstanceID: inst.ID, Name: domain.CmdEpisodeSearch, Body: json.RawMessage(body), Cost: 1,
		Items: []domain.ItemKey{{Type: domain.ItemEpisode, ID: 1}},
	}); err != nil {
		t.Fatal(err)
	}
	d, err := dispatch.New(dispatch.Deps{Store: st, Connector: refusedConnector{st}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		dispatch.Config{BreakerFailures: 2, BreakerOpenFor: time.Hour, RetryDelay: 10 * time.Millisecond, MaxRetryDelay: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Stop(context.Background()) })
	h := newHarness(t, st, func(_ *api.Config, deps *api.Deps) { deps.Breakers = d })

	var b healthBody
	var raw string
	deadline := time.Now().Add(time.Minute)
	for b, raw = h.health(t); b.Instances.BreakersOpen == 0; b, raw = h.health(t) {
		if time.Now().After(deadline) {
			t.Fatalf("the breaker never showed in /health: %s", raw)
		}
		time.Sleep(20 * time.Millisecond)
	}
	want := fmt.Sprintf("instance %d: circuit breaker open", inst.ID)
	if b.Status != "degraded" || len(b.Instances.Breakers) != 1 || b.Instances.Breakers[0].InstanceID != inst.ID ||
		b.Instances.Breakers[0].State != "open" || len(b.Reasons) != 1 || b.Reasons[0] != want {
		t.Fatalf("health with the breaker open = %s", raw)
	}
	for _, secret := range []string{addr, "secret-name-4k", "0123456789abcdef", "refused"} {
		if strings.Contains(raw, secret) {
			t.Fatalf("public health shows %q: %s", secret, raw)
		}
	}
}
