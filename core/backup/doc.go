// Package backup writes and restores Searcharr's backups of a SQLite
// installation: one gzip-compressed tar archive holding a manifest, a
// consistent snapshot of the database and the secret key that encrypts the
// stored API keys.
//
// An archive is read as hostile until proven otherwise: Extract accepts
// only the members it knows, under their bare names, as regular files of
// the sizes and SHA-256 sums the manifest states, each under a hard cap,
// and writes them under fixed names into a directory of its own choosing.
// Restore then swaps them into the data directory, keeping the files it
// replaces aside until the caller has opened and migrated the restored
// database, and puts them back when that fails.
//
// PostgreSQL installations are backed up with pg_dump; only the secret
// key is theirs to keep beside the dump.
package backup
