package metrics

import "github.com/prometheus/client_golang/prometheus"

func (m *Metrics) registerNotifications() {
	m.notifications = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "notification_deliveries_total",
		Help: "Notification delivery attempts, by sink kind and result (delivered, failed).",
	}, []string{"sink", "result"})
	m.reg.MustRegister(m.notifications)
}

// NotificationAttempted counts one delivery attempt to a sink of kind sink.
func (m *Metrics) NotificationAttempted(sink string, err error) {
	if m == nil {
		return
	}
	result := "delivered"
	if err != nil {
		result = "failed"
	}
	m.notifications.WithLabelValues(sink, result).Inc()
}
