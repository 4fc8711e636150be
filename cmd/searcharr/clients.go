package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/dispatch"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/library"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/sdk"
)

// clients hands out one arr client per instance, built from its stored
// credentials and rebuilt when they change.
type clients struct {
	st  *store.Store
	log *slog.Logger

	mu    sync.Mutex
	cache map[int64]cachedClient
}

type cachedClient struct {
	fingerprint [32]byte
	client      *arr.Client
}

func newClients(st *store.Store, log *slog.Logger) *clients {
	return &clients{st: st, log: log, cache: map[int64]cachedClient{}}
}

func (c *clients) client(ctx context.Context, instanceID int64) (*arr.Client, error) {
	creds, err := c.st.Instances().Credentials(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	fp := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%s\x00%t\x00%d",
		creds.Kind, creds.URL, creds.APIKey.Reveal(), creds.VerifyTLS, creds.TimeoutSeconds))
	c.mu.Lock()
	defer c.mu.Unlock()
	if cached, ok := c.cache[instanceID]; ok && cached.fingerprint == fp {
		return cached.client, nil
	}
	cl, err := arr.New(arr.Config{
		Kind:               creds.Kind,
		URL:                creds.URL,
		APIKey:             creds.APIKey.Reveal(),
		Timeout:            time.Duration(creds.TimeoutSeconds) * time.Second,
		InsecureSkipVerify: !creds.VerifyTLS,
		Logger:             c.log.With("instance_id", instanceID),
	})
	if err != nil {
		return nil, err
	}
	c.cache[instanceID] = cachedClient{fingerprint: fp, client: cl}
	return cl, nil
}

// Connect implements dispatch.Connector.
func (c *clients) Connect(ctx context.Context, instanceID int64) (dispatch.Sender, error) {
	cl, err := c.client(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	return commandSender{cl}, nil
}

type commandSender struct{ c *arr.Client }

func (s commandSender) SendCommand(ctx context.Context, cmd domain.Command) (int64, error) {
	st, err := s.c.SendCommand(ctx, cmd)
	if err != nil {
		return 0, err
	}
	return st.ID, nil
}

// Library implements engine.Libraries.
func (c *clients) Library(ctx context.Context, inst domain.Instance) (sdk.Library, error) {
	cl, err := c.client(ctx, inst.ID)
	if err != nil {
		return nil, err
	}
	return library.New(cl, c.st, inst.ID), nil
}
