package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func (m *Metrics) registerEngine() {
	m.runDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "run_duration_seconds",
		Help:    "Duration of ended runs, from start to the last command handled, by strategy and status.",
		Buckets: durationBuckets,
	}, []string{"strategy", "status"})
	m.reg.MustRegister(m.runDuration)
}

// RunEnded records a run that ended with status after d.
func (m *Metrics) RunEnded(strategy, status string, d time.Duration) {
	if m == nil {
		return
	}
	m.runDuration.WithLabelValues(strategy, status).Observe(d.Seconds())
}
