// Package engine turns triggers into searches: it resolves the queue a
// trigger concerns, opens a run, asks the queue's strategy plugin for a plan
// through the plugin host (with a read-only Library of the instance), applies
// the host's policy, records every decision, and writes the kept intents as
// pending commands for the dispatcher.
package engine
