package pluginhost

import "time"

// Metrics receives what the host measures. *metrics.Metrics implements it.
type Metrics interface {
	// PluginCalled records one call to a plugin method and its error,
	// if any (a refusal of a config counts as an answer, not an error).
	PluginCalled(plugin, method string, d time.Duration, err error)
	// PluginRestarted counts a plugin process restarted.
	PluginRestarted(plugin string)
}

// SetMetrics makes the host report its calls and restarts to m. Call it
// before Start.
func (h *Host) SetMetrics(m Metrics) { h.metrics = m }
