package metrics

import (
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
)

// SetBuildInfo registers searcharr_build_info, a gauge always 1 whose
// labels say which build is running: version, commit, build date and the
// Go version it was built with. Call it once; on a nil *Metrics it does
// nothing.
func (m *Metrics) SetBuildInfo(version, commit, date string) {
	if m == nil {
		return
	}
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: namespace,
		Name:      "build_info",
		Help:      "Always 1; its labels name the running build: version, commit, build date, Go version.",
	}, []string{"version", "commit", "date", "goversion"})
	g.WithLabelValues(version, commit, date, runtime.Version()).Set(1)
	m.reg.MustRegister(g)
}
