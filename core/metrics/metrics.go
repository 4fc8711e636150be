// Package metrics defines Searcharr's Prometheus metrics and serves them.
//
// One Metrics value holds every metric in its own registry (never the
// global default one), together with the Go runtime and process
// collectors. Components do not import this package: each declares the
// small interface it reports to (dispatch.Metrics, engine.Metrics, …) and
// *Metrics implements them all. Every method is safe on a nil *Metrics and
// then does nothing, so a component may be handed a nil value.
//
// Instances are labelled by their id, a stable value that never carries a
// user's secret.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every metric name.
const namespace = "searcharr"

// Metrics holds the registry and every metric Searcharr reports.
type Metrics struct {
	reg *prometheus.Registry

	commandsSent    *prometheus.CounterVec
	indexerSearches *prometheus.CounterVec
	rateWait        *prometheus.HistogramVec

	runDuration *prometheus.HistogramVec

	pluginCalls    *prometheus.HistogramVec
	pluginErrors   *prometheus.CounterVec
	pluginRestarts *prometheus.CounterVec

	webhookDeliveries *prometheus.CounterVec
	webhookParked     *prometheus.CounterVec

	arrRequests *prometheus.HistogramVec
	arrErrors   *prometheus.CounterVec

	notifications *prometheus.CounterVec
}

// New returns Metrics registered in a fresh registry with the Go runtime
// and process collectors.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m.registerDispatch()
	m.registerEngine()
	m.registerPlugins()
	m.registerWebhooks()
	m.registerArr()
	m.registerNotifications()
	return m
}

// Registry returns the registry the metrics live in, to register further
// collectors or to gather in tests.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus text (or OpenMetrics)
// format. Errors while gathering are answered with what could be gathered.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// durationBuckets suit calls from a few milliseconds to a few minutes.
var durationBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300}
