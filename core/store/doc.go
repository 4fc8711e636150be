// Package store keeps Searcharr's state in SQLite or PostgreSQL through Bun.
// It is the only package that imports Bun: it opens the database, applies the
// embedded migrations, and offers one repository per entity (Instances,
// Queues, Runs, RunItems, Commands, ItemStates, Users), each mapping private
// Bun models to the entities of core/domain.
//
// Both dialects behave the same: every timestamp is stored in UTC with
// microsecond precision, a missing row is domain.ErrNotFound, a unique
// violation is domain.ErrConflict and a dangling reference is
// domain.ErrInvalid.
package store
