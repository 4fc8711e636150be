// Package wanted holds what Searcharr's built-in strategies share: the
// options common to them, reading wanted lists through the Library in a
// chosen order, the checks that keep an item out of a run (unmonitored,
// unaired, inside the grace period, unavailable, downloading, resting,
// grabbed), grouping episodes into season and series searches, and the run
// budget. It imports only the public SDK, like a third-party plugin would.
package wanted
