package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/vibequality/searcharr/core/arr/fakearr"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/outbound"
	"github.com/vibequality/searcharr/core/outbound/outboundtest"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

type countingListener struct {
	net.Listener
	n atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// TestRuntimeClientsRefuseRebinding: the clients runs, dispatch and
// outcomes use reach an instance while its name resolves to an allowed
// address; once the name resolves to the metadata service, every call
// (reads, the command list, a search command) is refused when dialled,
// and the simulator sees no further connection.
func TestRuntimeClientsRefuseRebinding(t *testing.T) {
	sim, err := fakearr.New(fakearr.Config{Instances: []fakearr.InstanceConfig{{Kind: domain.KindSonarr, Name: "sonarr", APIKey: "sonarr-key-0001", Episodes: 20}}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns := &countingListener{Listener: ln}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Each call dials anew: a kept-alive connection goes to the
		// address checked when it was made.
		w.Header().Set("Connection", "close")
		sim.ServeHTTP(w, r)
	}))
	srv.Listener = conns
	srv.Start()
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(ln.Addr().String())

	ctx := context.Background()
	st := storetest.Open(t, store.DialectSQLite)
	u, err := st.Users().Create(ctx, domain.User{Username: "alice", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := st.Instances().Create(ctx, domain.Instance{OwnerID: u.ID, Name: "Sonarr", Kind: domain.KindSonarr,
		URL: "http://rebind.test:" + port + "/sonarr", TimeoutSeconds: 5, RatePerSecond: 1, Burst: 1}, "sonarr-key-0001")
	if err != nil {
		t.Fatal(err)
	}
	hosts := outboundtest.NewHosts()
	hosts.Set("rebind.test", "127.0.0.1")
	c := newClients(st, outbound.NewDialer(outbound.Policy{}, hosts), slog.New(slog.DiscardHandler))

	calls := map[string]func() error{
		"status": func() error {
			cl, err := c.client(ctx, inst.ID)
			if err == nil {
				_, err = cl.SystemStatus(ctx)
			}
			return err
		},
		"queue size": func() error {
			s, err := c.Connect(ctx, inst.ID)
			if err == nil {
				_, err = s.QueueSize(ctx)
			}
			return err
		},
		"command list": func() error {
			s, err := c.Connect(ctx, inst.ID)
			if err == nil {
				_, err = s.RecentCommands(ctx)
			}
			return err
		},
		"search command": func() error {
			s, err := c.Connect(ctx, inst.ID)
			if err == nil {
				_, err = s.SendCommand(ctx, domain.Command{Name: domain.CmdSeriesSearch, SeriesID: 1})
			}
			return err
		},
	}
	for name, call := range calls {
		before := conns.n.Load()
		if err := call(); err != nil {
			t.Errorf("%s before rebinding: %v", name, err)
		}
		if conns.n.Load() == before {
			t.Errorf("%s before rebinding made no connection", name)
		}
	}
	hosts.Set("rebind.test", "169.254.169.254")
	before := conns.n.Load()
	for name, call := range calls {
		if err := call(); !errors.Is(err, outbound.ErrMetadata) {
			t.Errorf("%s after rebinding to the metadata address: err = %v, want a refusal", name, err)
		}
	}
	if conns.n.Load() != before {
		t.Fatalf("refused calls made %d connections", conns.n.Load()-before)
	}
}
