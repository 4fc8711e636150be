package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"

	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/config"
	"github.com/vibequality/searcharr/core/store"
)

// restoreLockFile is held exclusively by "searcharr restore" for as long
// as it replaces files in the data directory; every command that opens
// the database checks it first.
const restoreLockFile = "restore.lock"

// backupsDir is where scheduled and, by default, manual backups go.
const backupsDir = "backups"

// prepareDataDir creates the data directory readable by its owner only
// (0700), and makes the files Searcharr keeps there (the SQLite database
// with its -wal and -shm files, the secret key, the node id) readable by
// their owner only (0600), tightening any that were looser: they hold
// password hashes, sealed API keys and the key that opens them, and no
// other local user has a reason to read them.
//
// A data directory that already exists keeps its mode, since it may be a
// mount point or a directory the administrator shares on purpose; when
// other users may enter or list it, a warning says so and how to fix it.
func prepareDataDir(cfg config.Config, log *slog.Logger) error {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("unable to create the data directory: %w", err)
	}
	if fi, err := os.Stat(cfg.DataDir); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("the data directory is open to other users; make it private with chmod 700",
			"data_dir", cfg.DataDir, "mode", fmt.Sprintf("%04o", fi.Mode().Perm()))
	}
	files := []string{
		filepath.Join(cfg.DataDir, auth.KeyFileName),
		filepath.Join(cfg.DataDir, nodeIDFile),
	}
	if db, ok := store.SQLitePath(cfg.DatabaseURL, cfg.DataDir); ok {
		files = append(files, db, db+"-wal", db+"-shm")
	}
	for _, p := range files {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("data directory: %w", err)
		}
		if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 == 0 {
			continue
		}
		if err := os.Chmod(p, 0o600); err != nil {
			log.Warn("a file in the data directory is readable by other users and its mode could not be tightened",
				"path", p, "mode", fmt.Sprintf("%04o", fi.Mode().Perm()), "error", err)
			continue
		}
		log.Info("file made readable by its owner only", "path", p, "was", fmt.Sprintf("%04o", fi.Mode().Perm()))
	}
	return nil
}

// checkNoRestore fails while "searcharr restore" replaces the files of the
// data directory.
func checkNoRestore(dataDir string) error {
	lock := flock.New(filepath.Join(dataDir, restoreLockFile))
	ok, err := lock.TryRLock()
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	if !ok {
		return fmt.Errorf("a restore is in progress in %s; start again once it has finished", dataDir)
	}
	return lock.Unlock()
}
