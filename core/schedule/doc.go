// Package schedule turns time into triggers: it publishes a
// domain.TriggerEvent of kind schedule on the triggers topic when a search
// queue is due.
//
// A queue runs once, every interval, at the times of a cron expression, or
// daily or weekly at a wall time in an IANA time zone; optional daily
// windows (22:00 to 06:00, crossing midnight) restrict when, and a jitter
// delays each run by a bounded amount that is the same for the same queue
// and slot. The schedule lives in the queue_schedules table; the queue's
// next_run mirrors it so the API shows when the queue runs next.
//
// Guarantees:
//   - Missed runs coalesce: however many slots passed, a queue runs at most
//     once and moves to its next slot after now.
//   - A run that is late by no more than the misfire grace (five minutes by
//     default) still runs; a recurring queue later than that skips to its
//     next slot. A one-time queue runs however late it is.
//   - A slot is claimed in the database (a compare-and-set on the
//     schedule's version) before its trigger is published, so of several
//     schedulers sharing a PostgreSQL database exactly one publishes it.
//   - No trigger is published for a queue while a run of it is open, while
//     a run holds its lease, or while the previous trigger's run has not yet
//     appeared (up to Config.TriggerTimeout).
//   - At start, runs left open by a stopped process are closed as
//     interrupted and their queues released, so nothing stays in progress.
//   - A global pause holds every scheduled run back and survives restarts.
//   - A queue deactivated after consecutive failures is announced once as
//     a domain.QueueDeactivatedEvent on the notifications topic.
package schedule
