package metrics

import "github.com/prometheus/client_golang/prometheus"

func (m *Metrics) registerWebhooks() {
	m.webhookDeliveries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "webhook_deliveries_total",
		Help: "Sonarr/Radarr webhook calls received, by event type and result " +
			"(accepted, duplicate, refused, throttled, invalid, too_large, error).",
	}, []string{"event", "result"})
	m.webhookParked = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "webhook_deliveries_parked_total",
		Help: "Stored webhook deliveries given up on (out of attempts, unparsable, or a subscription condition " +
			"over its budget), by event type; each keeps its reason in the inbox.",
	}, []string{"event"})
	m.reg.MustRegister(m.webhookDeliveries, m.webhookParked)
}

// WebhookReceived counts one webhook call. event is "unknown" when the
// call was answered before its body was read.
func (m *Metrics) WebhookReceived(event, result string) {
	if m == nil {
		return
	}
	m.webhookDeliveries.WithLabelValues(event, result).Inc()
}

// WebhookParked counts a stored delivery given up on.
func (m *Metrics) WebhookParked(event string) {
	if m == nil {
		return
	}
	m.webhookParked.WithLabelValues(event).Inc()
}
