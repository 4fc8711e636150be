package domain

import "time"

// DefaultRunLease is how long a run owns its queue before a crashed
// process's run may be taken over by any process.
const DefaultRunLease = 6 * time.Hour

// RunClaim is an engine taking a run's queue lease to execute the run.
//
// A queue's lease names its run and who executes it: the installation
// (Holder, stable across restarts) and the process start (Boot, new at
// every start). A lease reserved when the run was created names no one
// yet. A claim for run R succeeds when the queue is free, its lease
// expired or its run has ended; when R holds it reserved; when R holds it
// for this very process (a renewal); and when R holds it for an earlier
// boot of the same holder, or, with Exclusive, for any other boot: those
// processes are dead.
type RunClaim struct {
	Holder string
	Boot   string
	Until  time.Time
	// Exclusive says no other process uses the database (SQLite): any
	// boot other than Boot is dead.
	Exclusive bool
}
