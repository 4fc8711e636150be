package domain

import "time"

// Retention says how long what only grows is kept. A zero duration keeps
// it forever.
type Retention struct {
	// History bounds finished runs with their per-item decisions and
	// found items, ended dispatched commands with their items, and the
	// grabs and imports the arrs reported.
	History time.Duration
	// Webhooks bounds processed webhook deliveries; unprocessed ones are
	// kept until processed.
	Webhooks time.Duration
}

// Pruned counts the rows one pass of retention deleted, by table.
type Pruned map[string]int64
