package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func (m *Metrics) registerPlugins() {
	m.pluginCalls = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "plugin_call_duration_seconds",
		Help:    "Latency of calls to strategy plugins, by plugin and method.",
		Buckets: durationBuckets,
	}, []string{"plugin", "method"})
	m.pluginErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "plugin_call_errors_total",
		Help: "Calls to strategy plugins that returned an error, crashed or hung, by plugin and method.",
	}, []string{"plugin", "method"})
	m.pluginRestarts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "plugin_restarts_total",
		Help: "Strategy plugin processes restarted after a crash or hang, by plugin.",
	}, []string{"plugin"})
	m.reg.MustRegister(m.pluginCalls, m.pluginErrors, m.pluginRestarts)
}

// PluginCalled records one call to a plugin method and whether it failed.
func (m *Metrics) PluginCalled(plugin, method string, d time.Duration, err error) {
	if m == nil {
		return
	}
	m.pluginCalls.WithLabelValues(plugin, method).Observe(d.Seconds())
	if err != nil {
		m.pluginErrors.WithLabelValues(plugin, method).Inc()
	}
}

// PluginRestarted counts a plugin process restarted.
func (m *Metrics) PluginRestarted(plugin string) {
	if m == nil {
		return
	}
	m.pluginRestarts.WithLabelValues(plugin).Inc()
}
