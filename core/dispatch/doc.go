// Package dispatch is the only code that tells Sonarr/Radarr to search.
//
// The engine writes each intent as a pending dispatched command in the
// database and wakes the dispatcher. One worker per instance takes that
// instance's pending commands in order, waits for a token of the instance's
// token bucket (golang.org/x/time/rate: it waits, it never drops), posts the
// command, and records in one transaction that the command was sent and
// when each of its items may be searched again. Because the command row is
// written before the POST, a crash in between leaves a pending row that the
// next start sends; Sonarr/Radarr de-duplicate an equal command that is
// still queued, so the resend is safe.
package dispatch
