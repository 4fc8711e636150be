package dispatch_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/dispatch"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/metrics"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// BenchmarkDispatchOverheadMetrics is BenchmarkDispatchOverhead on SQLite
// with and without the Prometheus metrics, to show what they add per
// command.
func BenchmarkDispatchOverheadMetrics(b *testing.B) {
	for _, withMetrics := range []bool{false, true} {
		name := "without"
		if withMetrics {
			name = "with"
		}
		b.Run(name, func(b *testing.B) {
			st := storetest.Open(b, store.DialectSQLite)
			e := &simEnv{t: &testing.T{}, st: st}
			u, err := st.Users().Create(context.Background(), domain.User{Username: "bench", PasswordHash: "x"})
			if err != nil {
				b.Fatal(err)
			}
			inst, err := st.Instances().Create(context.Background(), domain.Instance{OwnerID: u.ID, Name: "sonarr", Kind: domain.KindSonarr,
				URL: "http://127.0.0.1:8989", RatePerSecond: 1e9, Burst: 1 << 20, HourlyCap: 1 << 30, DailyCap: 1 << 30, MaxInFlight: 1 << 20, TimeoutSeconds: 5}, domain.Secret("k"))
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < b.N; i++ {
				e.enqueue(inst, 0, episodeSearch(int64(i+1)))
			}
			s := &nopSender{}
			deps := dispatch.Deps{Store: st, Connector: nopConnector{s}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
			if withMetrics {
				deps.Metrics = metrics.New()
			}
			d, err := dispatch.New(deps, dispatch.Config{PollInterval: 10 * time.Millisecond})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			if err := d.Start(context.Background()); err != nil {
				b.Fatal(err)
			}
			for s.n.Load() < int64(b.N) {
				time.Sleep(100 * time.Microsecond)
			}
			b.StopTimer()
			d.Stop(context.Background())
		})
	}
}
