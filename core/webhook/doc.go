// Package webhook receives Sonarr/Radarr webhooks and turns them into
// effects.
//
// The Receiver is the HTTP end: it authenticates a call (the instance's
// path token and basic credentials), refuses bodies over 1 MiB, malformed
// JSON and repeated failures from one address, stores the delivery in the
// webhook inbox and only then answers 2xx, and publishes the delivery's id
// on domain.TopicWebhooks.
//
// The Processor is the bus end: for each delivery it records Grab and
// Download outcomes (matched to the searches that caused them), pauses and
// resumes an instance's dispatch on indexer health events, invalidates the
// cached wanted lists, publishes notifications and the triggers of queues
// subscribed to the event, then marks the delivery processed. Every effect
// is safe to repeat (outcomes are recorded once per download and item), so
// a delivery replayed after a crash has its effect once. At start and
// every minute the Processor re-publishes the deliveries left unprocessed.
//
// Attempts are counted as they start and bounded in time, so one that
// hangs or takes the process down counts too. A delivery is parked (kept
// in the inbox with its reason, counted, never tried again) when its body
// does not parse, when a subscription condition exceeds its evaluation
// budget (the same at every try; the other queues still get their
// trigger), or after MaxAttempts attempts.
package webhook
