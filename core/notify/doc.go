// Package notify delivers events to the notification sinks users configure
// under /api/notifications.
//
// # Events
//
// The notifier subscribes to domain.TopicNotifications. Each sink chooses
// the kinds it wants among domain.NotificationEvents: run_completed and
// run_failed (domain.RunNotification), queue_deactivated
// (domain.QueueDeactivatedEvent), grab_found, instance_unhealthy,
// instance_recovered, manual_interaction_required and webhook_test
// (domain.WebhookNotification), budget_exhausted
// (domain.BudgetExhaustedEvent). An event goes to the sinks of the owner it
// names, or of the owner of the instance it names.
//
// # Delivery
//
// The bus handler only enqueues, into a bounded inbox (events past it are
// dropped and logged, never waited for), so a slow or failing sink never
// delays searching. A router goroutine finds the subscribed sinks and hands
// the message to each sink's worker, which sends in order, one message at a
// time: up to Config.Attempts attempts, each bounded by
// Config.AttemptTimeout, with exponential backoff between them; a 4xx
// answer other than 408 and 429 is not retried. Every attempt records the
// sink's last status, time and error; the error is stripped of the sink's
// URL (every part of it) and secret first.
//
// Each sink sends at most RatePerMinute messages (default 10) in any
// minute. Events past the limit wait and go out as one summary message
// ("7 more notifications: 5 grab found, 2 run completed; titles…") as soon
// as the minute has room; messages a full worker queue could not take are
// counted into that summary too.
//
// Delivery is in memory: events waiting at shutdown are lost. What must
// survive a crash (runs, grabs, deactivations) is in the database already.
//
// # Sinks
//
// A sink's URL decides its kind. An http or https URL makes a webhook
// sink; any other scheme must be a shoutrrr service URL
// (github.com/nicholas-fedor/shoutrrr: discord://, slack://, telegram://,
// pushover://, ntfy://, generic://, …). Every connection a sink makes goes
// through the outbound dialer (core/outbound), which checks the address it
// dials; gotify, mattermost and smtp build their own connections and are
// refused (a webhook sink with a template reaches Gotify and Mattermost).
// URLs and
// secrets are sealed at rest by the store and never returned: responses
// show the service and "***".
//
// # Webhook sinks and their signature
//
// A webhook sink POSTs a JSON body:
//
//	{"event":"grab_found","title":"…","message":"…","sink":"…","at":"…","data":{…the event payload…}}
//
// or, when the sink has a template, the output of that Go text/template
// executed with TemplateData (parsed and tried on a sample event when the
// sink is saved; executed in the sender's goroutine with a one-second
// deadline and a 64 KiB output cap). Because text/template cannot be
// interrupted, a template's work is bounded by construction: range loops
// only over the event's Data (never a number such as .At.UnixNano), ranges
// nest at most two deep, printf, call and sub-templates are refused, and
// an event whose data would make the loops run more than a million node
// passes is refused before the template starts (template_check.go). Every
// request carries:
//
//	X-Searcharr-Event:     the event kind
//	X-Searcharr-Delivery:  the message id, the same on every retry
//	X-Searcharr-Timestamp: Unix seconds when this attempt was signed
//	X-Searcharr-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//
// A receiver recomputes the HMAC over the timestamp header, a dot and the
// raw body with the sink's secret, compares in constant time, and refuses
// a timestamp more than a few minutes from its clock, so a captured
// request cannot be replayed later; Verify does exactly that. Redirects are
// not followed, and link-local and cloud metadata addresses are refused
// when the URL is saved and again when it is dialled.
package notify
