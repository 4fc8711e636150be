package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func (m *Metrics) registerArr() {
	m.arrRequests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "arr_request_duration_seconds",
		Help:    "Latency of HTTP calls to Sonarr/Radarr, by application, method and endpoint (ids replaced by {id}).",
		Buckets: durationBuckets,
	}, []string{"app", "method", "endpoint"})
	m.arrErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "arr_request_errors_total",
		Help: "HTTP calls to Sonarr/Radarr that failed, by application, method, endpoint and error kind.",
	}, []string{"app", "method", "endpoint", "kind"})
	m.reg.MustRegister(m.arrRequests, m.arrErrors)
}

// ArrRequest records one HTTP call to an arr: app is sonarr or radarr,
// endpoint the path with ids replaced by {id}, errKind empty when the call
// succeeded.
func (m *Metrics) ArrRequest(app, method, endpoint string, d time.Duration, errKind string) {
	if m == nil {
		return
	}
	m.arrRequests.WithLabelValues(app, method, endpoint).Observe(d.Seconds())
	if errKind != "" {
		m.arrErrors.WithLabelValues(app, method, endpoint, errKind).Inc()
	}
}
