package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/backup"
	"github.com/vibequality/searcharr/core/config"
	"github.com/vibequality/searcharr/core/store"
)

// errPostgresBackup explains what a PostgreSQL installation does instead.
var errPostgresBackup = errors.New("the database is PostgreSQL: back it up with pg_dump and restore it with pg_restore, and keep the secret key (DATA_DIR/secret.key or SEARCHARR_SECRET_KEY) beside the dump; see the README")

// dataDirFlags are the flags backup and restore share with serve, so
// they find the same files.
func dataDirFlags(fs *flag.FlagSet) func() []string {
	dataDir := fs.String("data-dir", "", "data directory (default: SEARCHARR_DATA_DIR or ./data)")
	databaseURL := fs.String("database-url", "", "database URL (default: SEARCHARR_DATABASE_URL)")
	return func() []string {
		var args []string
		if *dataDir != "" {
			args = append(args, "--data-dir", *dataDir)
		}
		if *databaseURL != "" {
			args = append(args, "--database-url", *databaseURL)
		}
		return args
	}
}

// keyFileOf returns the data directory's key file when that is where the
// key comes from, "" when it comes from SEARCHARR_SECRET_KEY(_FILE).
func keyFileOf(cfg config.Config) string {
	if cfg.SecretKey != "" || cfg.SecretKeyFile != "" {
		return ""
	}
	return filepath.Join(cfg.DataDir, auth.KeyFileName)
}

// backupCmd is "searcharr backup": it writes an archive of the SQLite
// database and the secret key, and may run beside a running server.
func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("backup", flag.ContinueOnError)
	fset.SetOutput(stderr)
	out := fset.String("out", "", "archive to write (default: DATA_DIR/backups/searcharr-manual-<time>.tar.gz)")
	serverArgs := dataDirFlags(fset)
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		return fmt.Errorf("backup: unexpected argument %q", fset.Arg(0))
	}
	cfg, err := config.Load(serverArgs(), os.Getenv)
	if err != nil {
		return err
	}
	dbPath, ok := store.SQLitePath(cfg.DatabaseURL, cfg.DataDir)
	if !ok {
		return fmt.Errorf("backup: %w", errPostgresBackup)
	}
	// A backup never creates an installation: the database and, when it
	// lives there, the key must already exist.
	for _, p := range []string{dbPath, keyFileOf(cfg)} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("backup: %s does not exist: nothing to back up", p)
		}
	}
	log := cfg.NewLogger(stderr)
	st, key, err := openStore(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer st.Close()
	now := time.Now()
	path := *out
	if path == "" {
		path = filepath.Join(cfg.DataDir, backupsDir, backup.ArchiveName(backup.KindManual, now))
	}
	m, err := backup.Create(ctx, st, backup.CreateOptions{
		Path: path, Version: Version, Key: key, KeyFile: keyFileOf(cfg), Now: func() time.Time { return now },
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, path)
	if m.KeySource == backup.KeyExternal {
		fmt.Fprintln(stderr, "searcharr: the secret key comes from SEARCHARR_SECRET_KEY or SEARCHARR_SECRET_KEY_FILE and is not in the archive: keep it with the backup")
	}
	return nil
}

// restoreCmd is "searcharr restore FILE": it checks the archive, then
// replaces the data directory's database and secret key with its
// contents, keeping the previous files aside.
func restoreCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("restore", flag.ContinueOnError)
	fset.SetOutput(stderr)
	maxDB := fset.Int64("max-db-size", backup.DefaultMaxDatabaseSize, "largest database accepted from an archive, in bytes")
	serverArgs := dataDirFlags(fset)
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() != 1 {
		return errors.New("usage: searcharr restore [--data-dir DIR] [--max-db-size BYTES] FILE")
	}
	cfg, err := config.Load(serverArgs(), os.Getenv)
	if err != nil {
		return err
	}
	if _, ok := store.SQLitePath(cfg.DatabaseURL, cfg.DataDir); !ok {
		return fmt.Errorf("restore: %w", errPostgresBackup)
	}
	if cfg.DatabaseURL != "" {
		return errors.New("restore: restores the SQLite database of the data directory only; unset SEARCHARR_DATABASE_URL and give --data-dir")
	}
	f, err := os.Open(fset.Arg(0))
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("restore: %s is not a regular file", fset.Arg(0))
	}
	log := cfg.NewLogger(stderr)
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	release, err := lockForRestore(cfg.DataDir)
	if err != nil {
		return err
	}
	defer release()
	latest, err := store.LatestSchemaVersion(store.DialectSQLite)
	if err != nil {
		return err
	}
	res, err := backup.Restore(ctx, f, backup.RestoreOptions{
		DataDir:      cfg.DataDir,
		Limits:       backup.Limits{MaxDatabaseSize: *maxDB},
		LatestSchema: latest,
		Verify:       func(ctx context.Context, m backup.Manifest) error { return verifyRestored(ctx, cfg, log, m) },
	})
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	m := res.Manifest
	fmt.Fprintf(stdout, "restored the backup of %s (searcharr %s, schema %s) into %s\n",
		m.CreatedAt.Format(time.RFC3339), m.Version, m.SchemaVersion, cfg.DataDir)
	if res.Aside != "" {
		fmt.Fprintf(stdout, "the replaced files are in %s; remove it once the restored installation works\n", res.Aside)
	}
	return nil
}

// lockForRestore takes the restore lock, which keeps any other command
// from opening the database, then the node-id lock serve holds for as
// long as it runs: when that one is taken, a server uses the data
// directory and the restore is refused.
func lockForRestore(dataDir string) (func(), error) {
	restoreLock := flock.New(filepath.Join(dataDir, restoreLockFile))
	ok, err := restoreLock.TryLock()
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("restore: another restore is running on %s", dataDir)
	}
	serveLock := flock.New(filepath.Join(dataDir, nodeIDFile) + ".lock")
	ok, err = serveLock.TryLock()
	if err != nil || !ok {
		_ = restoreLock.Unlock()
		if err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		return nil, fmt.Errorf("restore: a searcharr server is running on %s: stop it first", dataDir)
	}
	return func() {
		_ = serveLock.Unlock()
		_ = restoreLock.Unlock()
	}, nil
}

// verifyRestored checks that the secret key in effect is the one the
// backup was taken with (else every stored API key would be unreadable),
// then opens and migrates the restored database.
func verifyRestored(ctx context.Context, cfg config.Config, log *slog.Logger, m backup.Manifest) error {
	key, err := auth.LoadOrCreateKey(cfg.DataDir, cfg.SecretKey, cfg.SecretKeyFile)
	if err != nil {
		return err
	}
	if backup.KeyFingerprint(key) != m.KeyFingerprint {
		if m.KeySource == backup.KeyExternal {
			return errors.New("the backup was taken with a key from SEARCHARR_SECRET_KEY or SEARCHARR_SECRET_KEY_FILE, and the key set now is not that one: set the same key and restore again")
		}
		return errors.New("SEARCHARR_SECRET_KEY or SEARCHARR_SECRET_KEY_FILE sets a key other than the backup's secret.key: unset them to use the restored key")
	}
	box, err := auth.NewSecretBox(key)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, store.Options{DataDir: cfg.DataDir, Logger: log, Sealer: box})
	if err != nil {
		return err
	}
	return st.Close()
}

// newBackupScheduler returns the schedule of backups into DATA_DIR/backups.
// It is off on PostgreSQL, whose backups pg_dump makes.
func newBackupScheduler(cfg config.Config, st *store.Store, key []byte, log *slog.Logger) (*backup.Scheduler, error) {
	interval := cfg.BackupInterval
	if st.Dialect() != store.DialectSQLite {
		if interval > 0 {
			log.Info("scheduled backups are for SQLite; back PostgreSQL up with pg_dump and keep the secret key beside the dump")
		}
		interval = 0
	}
	return backup.NewScheduler(st, log, backup.SchedulerConfig{
		Dir:       filepath.Join(cfg.DataDir, backupsDir),
		Interval:  interval,
		Retention: cfg.BackupRetention,
		Version:   Version,
		Key:       key,
		KeyFile:   keyFileOf(cfg),
	})
}

// apiBackups serves the API's backup routes from the scheduler.
type apiBackups struct{ s *backup.Scheduler }

func (b apiBackups) BackupNow(ctx context.Context) (api.BackupArchive, error) {
	a, err := b.s.Manual(ctx)
	if errors.Is(err, backup.ErrExists) {
		return api.BackupArchive{}, api.ErrBackupExists
	}
	return api.BackupArchive(a), err
}

func (b apiBackups) ListBackups(context.Context) ([]api.BackupArchive, error) {
	list, err := b.s.List()
	out := make([]api.BackupArchive, len(list))
	for i, a := range list {
		out[i] = api.BackupArchive(a)
	}
	return out, err
}
