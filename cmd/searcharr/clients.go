package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/dispatch"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/library"
	"github.com/vibequality/searcharr/core/metrics"
	"github.com/vibequality/searcharr/core/outbound"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/sdk"
)

// clients hands out one arr client per instance, built from its stored
// credentials and rebuilt when they change.
type clients struct {
	st  *store.Store
	log *slog.Logger
	// dialer makes every connection to an instance, checking the address
	// it dials against the outbound policy.
	dialer *outbound.Dialer
	// wanted caches whole wanted lists across runs; serve sets it once and
	// the webhook receiver invalidates it (nil caches nothing).
	wanted *library.Cache
	// observer is told of every arr call (metrics); nil observes nothing.
	observer arr.Observer

	mu    sync.Mutex
	cache map[int64]cachedClient
}

type cachedClient struct {
	fingerprint [32]byte
	client      *arr.Client
	lister      *commandLister
	// transport is shared by client and lister.
	transport *http.Transport
}

func newClients(st *store.Store, dialer *outbound.Dialer, log *slog.Logger) *clients {
	return &clients{st: st, dialer: dialer, log: log, cache: map[int64]cachedClient{}}
}

func (c *clients) client(ctx context.Context, instanceID int64) (*arr.Client, error) {
	cc, err := c.cached(ctx, instanceID)
	return cc.client, err
}

func (c *clients) cached(ctx context.Context, instanceID int64) (cachedClient, error) {
	creds, err := c.st.Instances().Credentials(ctx, instanceID)
	if err != nil {
		return cachedClient{}, err
	}
	fp := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%s\x00%t\x00%d",
		creds.Kind, creds.URL, creds.APIKey.Reveal(), creds.VerifyTLS, creds.TimeoutSeconds))
	c.mu.Lock()
	defer c.mu.Unlock()
	if cached, ok := c.cache[instanceID]; ok && cached.fingerprint == fp {
		return cached, nil
	}
	tr := c.dialer.Transport(outbound.TransportOptions{InsecureSkipVerify: !creds.VerifyTLS})
	cl, err := arr.New(arr.Config{
		Kind:       creds.Kind,
		URL:        creds.URL,
		APIKey:     creds.APIKey.Reveal(),
		Timeout:    time.Duration(creds.TimeoutSeconds) * time.Second,
		HTTPClient: &http.Client{Transport: tr},
		Logger:     c.log.With("instance_id", instanceID),
		Observer:   c.observer,
	})
	if err != nil {
		return cachedClient{}, err
	}
	if old, ok := c.cache[instanceID]; ok {
		old.transport.CloseIdleConnections()
	}
	cached := cachedClient{fingerprint: fp, client: cl, lister: newCommandLister(creds, tr), transport: tr}
	c.cache[instanceID] = cached
	return cached, nil
}

// Connect implements dispatch.Connector: the instance's client, plus the
// command list with bodies that reconciliation matches against.
func (c *clients) Connect(ctx context.Context, instanceID int64) (dispatch.Sender, error) {
	cc, err := c.cached(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	return dispatch.ArrSender{Client: cc.client, Lister: cc.lister}, nil
}

// Library implements engine.Libraries.
func (c *clients) Library(ctx context.Context, inst domain.Instance) (sdk.Library, error) {
	cl, err := c.client(ctx, inst.ID)
	if err != nil {
		return nil, err
	}
	return library.New(cl, c.st, inst.ID).WithCache(c.wanted), nil
}

// commandLister reads GET /api/v3/command with the commands' bodies, which
// the arr client's Commands leaves out and the dispatcher's reconciliation
// needs to match a command by what it searches.
type commandLister struct {
	url string
	key domain.Secret
	hc  *http.Client
}

func newCommandLister(creds domain.InstanceCredentials, tr *http.Transport) *commandLister {
	timeout := time.Duration(creds.TimeoutSeconds) * time.Second
	if timeout <= 0 {
		timeout = arr.DefaultTimeout
	}
	base := strings.TrimRight(creds.URL, "/")
	base = strings.TrimSuffix(strings.TrimSuffix(base, "/api/v3"), "/api")
	return &commandLister{
		url: base + "/api/v3/command",
		key: creds.APIKey,
		hc: &http.Client{Timeout: timeout, Transport: tr,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

// CommandResources implements dispatch.CommandLister. Its errors are
// *arr.Error values, so the dispatcher classifies them like the client's.
func (l *commandLister) CommandResources(ctx context.Context) ([]arr.CommandResource, error) {
	const op = "GET /api/v3/command"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.url, nil)
	if err != nil {
		return nil, &arr.Error{Kind: arr.KindInvalid, Op: op, Err: err}
	}
	req.Header.Set("X-Api-Key", l.key.Reveal())
	req.Header.Set("Accept", "application/json")
	resp, err := l.hc.Do(req)
	if err != nil {
		kind := arr.KindUnreachable
		if ctx.Err() != nil {
			kind = arr.KindCanceled
		}
		// The URL error carries no key: it is sent in a header only.
		return nil, &arr.Error{Kind: kind, Op: op, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		kind := arr.KindBadRequest
		switch {
		case resp.StatusCode == http.StatusUnauthorized:
			kind = arr.KindUnauthorized
		case resp.StatusCode == http.StatusTooManyRequests:
			kind = arr.KindRateLimited
		case resp.StatusCode >= 500:
			kind = arr.KindServer
		}
		return nil, &arr.Error{Kind: kind, Op: op, Status: resp.StatusCode}
	}
	var out []arr.CommandResource
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, &arr.Error{Kind: arr.KindContract, Op: op, Err: fmt.Errorf("decode the command list: %w", err)}
	}
	return out, nil
}

// SeriesEpisodes implements webhook.SeriesEpisodes: the episodes of a
// series just added, for queues subscribed to SeriesAdd.
func (c *clients) SeriesEpisodes(ctx context.Context, instanceID, seriesID int64) ([]domain.ItemKey, error) {
	cl, err := c.client(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	eps, err := cl.Episodes(ctx, seriesID)
	if err != nil {
		return nil, err
	}
	out := make([]domain.ItemKey, len(eps))
	for i, e := range eps {
		out[i] = domain.ItemKey{Type: domain.ItemEpisode, ID: e.ID}
	}
	return out, nil
}

// arrObserver reports arr calls to m.
func arrObserver(m *metrics.Metrics) arr.Observer {
	return func(c arr.Call) {
		m.ArrRequest(c.App, c.Method, c.Endpoint, c.Duration, string(c.ErrorKind))
	}
}
