// Package dispatch is the only code that tells Sonarr/Radarr to search.
//
// The engine writes each intent as a pending dispatched command in the
// database and wakes the dispatcher. One worker per instance takes that
// instance's pending commands in fair order (round robin across search
// queues, so one big queue cannot starve the others) and, for each batch
// (one command, or several MoviesSearch or EpisodeSearch commands due
// together merged into one arr command of up to burst ids; see batch.go):
//
//   - holds while the instance is paused (Pause/Resume, for example on a
//     Health webhook), while its circuit breaker is open (after consecutive
//     connection failures, timeouts or 5xx; one probe half-open, closed on
//     success), while max_in_flight commands are still running at the arr,
//     or while the arr's download queue (queue/status) holds more than
//     max_queue_size records;
//   - waits for one token of the instance's bucket per indexer search
//     (golang.org/x/time/rate: it waits, it never drops);
//   - checks the rolling hourly and daily caps, counted in indexer searches
//     from the dispatched_commands table, so a restart neither resets nor
//     forgets them; instances of a budget group share the smallest cap of
//     the group, and a lock per group (in process, and on PostgreSQL an
//     advisory lock across processes) makes check and mark one step. A
//     command whose cost does not fit waits until the oldest counted sends
//     leave the window;
//   - marks the command attempted, posts it, and records in one transaction
//     that it was sent and when each of its items may be searched again;
//   - follows it until it ends (or expires after InFlightTimeout),
//     recording completed, failed or expired: all commands in flight are
//     read with one request for the arr's command list, FastPollInterval
//     after a send and then less often up to PollInterval, and
//     command/{id} only for those the list no longer holds.
//
// Because the rows are marked attempted (with the batch they form) before
// the POST, a crash (or a lost answer) in between leaves attempted pending
// rows, settled together as the batch they were sent as. Before posting it
// again the worker looks for an equal command in the arr's command list and,
// when found, records that one; otherwise it posts again, which the arr's
// de-duplication makes safe while an equal command is still queued.
// Commands that wait longer than PendingExpiry are recorded as expired with
// what held them back.
//
// Replicas may share one database. A worker sends only while its process
// holds the instance's lease in dispatch_leases (taken when free or
// expired, renewed every LeaseRenewInterval, released when the worker goes
// idle or the dispatcher stops); the other replicas' workers hold back and
// try again, and take over once the lease is released or expires. Every
// dispatcher also watches the database for pending commands whose lease is
// free or has lapsed (a replica that planned a run died while sending it)
// and starts a worker for them without any local wake, looking again just
// after the earliest lease held by another replica ends. A worker that
// takes a lease first follows the commands the previous holder sent and
// did not see end, so they count against max_in_flight and their end is
// recorded even when that holder is gone. Pauses
// are stored in dispatch_pauses: they outlive a restart, and the lease
// holder reads them at each renewal, so a pause set on any replica holds.
package dispatch
