package metrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func (m *Metrics) registerDispatch() {
	m.commandsSent = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "commands_sent_total",
		Help: "Search commands the arr accepted, by instance id, strategy and command.",
	}, []string{"instance", "strategy", "command"})
	m.indexerSearches = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "indexer_searches_total",
		Help: "Indexer searches caused by the commands sent, by instance id.",
	}, []string{"instance"})
	m.rateWait = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "rate_limit_wait_seconds",
		Help:    "Time a command waited for its instance's token bucket, by instance id.",
		Buckets: []float64{0, .01, .1, .5, 1, 2, 5, 10, 30, 60, 300},
	}, []string{"instance"})
	m.reg.MustRegister(m.commandsSent, m.indexerSearches, m.rateWait)
}

// CommandSent counts one command the arr accepted and the indexer searches
// it costs.
func (m *Metrics) CommandSent(instanceID int64, strategy, command string, cost int) {
	if m == nil {
		return
	}
	inst := instanceLabel(instanceID)
	m.commandsSent.WithLabelValues(inst, strategy, command).Inc()
	m.indexerSearches.WithLabelValues(inst).Add(float64(cost))
}

// RateLimitWaited records how long a command waited for a token.
func (m *Metrics) RateLimitWaited(instanceID int64, d time.Duration) {
	if m == nil {
		return
	}
	m.rateWait.WithLabelValues(instanceLabel(instanceID)).Observe(d.Seconds())
}

func instanceLabel(id int64) string { return strconv.FormatInt(id, 10) }
