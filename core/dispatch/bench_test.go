package dispatch_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr/fakearr"
	"github.com/vibequality/searcharr/core/dispatch"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// nopSender accepts every command at once.
type nopSender struct{ n atomic.Int64 }

func (s *nopSender) SendCommand(context.Context, domain.Command) (int64, error) {
	return s.n.Add(1), nil
}
func (s *nopSender) CommandStatus(_ context.Context, id int64) (dispatch.ArrCommand, error) {
	return dispatch.ArrCommand{ID: id, Status: "completed", Result: "successful"}, nil
}
func (s *nopSender) RecentCommands(context.Context) ([]dispatch.ArrCommand, error) { return nil, nil }
func (s *nopSender) QueueSize(context.Context) (int, error)                        { return 0, nil }

type nopConnector struct{ s *nopSender }

func (c nopConnector) Connect(context.Context, int64) (dispatch.Sender, error) { return c.s, nil }

// BenchmarkDispatchOverhead measures what the dispatcher itself costs per
// command with a sender that does nothing: reading pending commands in
// fair order, the cap check, the attempt mark, the dispatch record with
// its items' state, and following the command to its end.
func BenchmarkDispatchOverhead(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			if dialect == "postgres" && storetest.PostgresURL(b) == "" {
				b.Skip("no PostgreSQL")
			}
			st := storetest.Open(b, dialect)
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
			d, err := dispatch.New(dispatch.Deps{Store: st, Connector: nopConnector{s}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
				dispatch.Config{PollInterval: 10 * time.Millisecond})
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

// BenchmarkFiftyInstances runs 50 instances in parallel against the
// in-process simulator, each at its own configured rate with a burst of
// one, and reports the rate the simulator measured against the configured
// one: the mean and the worst relative error over the instances.
func BenchmarkFiftyInstances(b *testing.B) {
	for _, rate := range []float64{5, 10, 40} {
		b.Run(fmt.Sprintf("rate=%v", rate), func(b *testing.B) { fiftyInstances(b, rate) })
	}
}

func fiftyInstances(b *testing.B, rate float64) {
	const instances = 50
	perInstance := int(rate * 3)
	for i := 0; i < b.N; i++ {
		cfgs := make([]fakearr.InstanceConfig, instances)
		for j := range cfgs {
			cfgs[j] = fakearr.InstanceConfig{Kind: domain.KindSonarr, Name: fmt.Sprintf("sonarr%d", j), Episodes: 100, Seed: int64(j)}
		}
		st := storetest.Open(b, "sqlite")
		t := &testing.T{}
		e := newSimEnv(t, st, nil, cfgs...)
		var ids []int64
		for j := range cfgs {
			inst := e.addInstance(cfgs[j].Name, domain.Instance{RatePerSecond: rate, Burst: 1, MaxInFlight: 100})
			ids = append(ids, inst.ID)
			for k := 1; k <= perInstance; k++ {
				e.enqueue(inst, 0, episodeSearch(int64(k)))
			}
		}
		d := e.dispatcher(dispatch.Config{})
		deadline := time.Now().Add(2 * time.Minute)
		for time.Now().Before(deadline) {
			done := 0
			for j := range cfgs {
				if len(e.posts(cfgs[j].Name, true)) == perInstance {
					done++
				}
			}
			if done == instances {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		d.Stop(context.Background())
		var sum, worst float64
		total := 0
		for j := range cfgs {
			ps := e.posts(cfgs[j].Name, true)
			total += len(ps)
			if len(ps) < 2 {
				b.Fatalf("instance %s sent %d commands", cfgs[j].Name, len(ps))
			}
			measured := float64(len(ps)-1) / ps[len(ps)-1].at.Sub(ps[0].at).Seconds()
			err := (measured - rate) / rate
			sum += err
			if math.Abs(err) > math.Abs(worst) {
				worst = err
			}
		}
		b.ReportMetric(rate*instances, "configured_req/s")
		b.ReportMetric(100*sum/instances, "mean_rate_error_%")
		b.ReportMetric(100*worst, "worst_rate_error_%")
		b.ReportMetric(float64(total), "commands")
		_ = ids
	}
}
