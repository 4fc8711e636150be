package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Names of the files a restore replaces in the data directory: the
// database with the files SQLite keeps beside it, and the secret key.
var managedNames = []string{DatabaseName, DatabaseName + "-wal", DatabaseName + "-shm", DatabaseName + "-journal", KeyName}

// AsidePrefix starts the name of the directory a restore keeps the
// replaced files in, inside the data directory.
const AsidePrefix = ".pre-restore-"

// stagingPrefix starts the name of the directory an archive is extracted
// into, inside the data directory.
const stagingPrefix = ".restore-"

// RestoreOptions configure Restore.
type RestoreOptions struct {
	// DataDir receives the restored files. The caller makes sure no
	// process uses it.
	DataDir string
	Limits  Limits
	// LatestSchema is the newest migration this build knows: an archive
	// of a database migrated further was written by a newer build and is
	// refused.
	LatestSchema string
	// Verify is called with the restored files in place. It opens and
	// migrates the database, checks that the secret key in effect has the
	// manifest's fingerprint, and closes the database again. When it
	// fails, the restore is rolled back.
	Verify func(ctx context.Context, m Manifest) error
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// RestoreResult tells what a restore did.
type RestoreResult struct {
	Manifest Manifest
	// Aside is the directory holding the files the restore replaced, ""
	// when there were none. It is kept for the user to remove once the
	// restored installation is known good.
	Aside string
}

// Restore checks the archive read from r and replaces the data
// directory's database and secret key with its contents:
//
//  1. the archive is extracted, checked member by member (see Extract),
//     into a private staging directory inside DataDir, so nothing is
//     written anywhere else and a refused archive changes nothing;
//  2. the current database, its -wal/-shm files and the secret key are
//     moved into DataDir/.pre-restore-<time>;
//  3. the restored files are moved into place and Verify opens and
//     migrates them;
//  4. when Verify fails, the restored files are removed and the previous
//     ones moved back.
//
// A restore interrupted between steps 2 and 4 (a crash, kill -9) leaves
// the previous files in DataDir/.pre-restore-<time>; running the restore
// again, or moving them back by hand, completes or undoes it.
func Restore(ctx context.Context, r io.Reader, opts RestoreOptions) (RestoreResult, error) {
	if opts.Verify == nil {
		return RestoreResult{}, errors.New("backup: restore needs a Verify function")
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return RestoreResult{}, fmt.Errorf("backup: %w", err)
	}
	// Staging directories an interrupted restore left behind hold
	// nothing of value: the caller excludes other restores.
	if stale, _ := filepath.Glob(filepath.Join(opts.DataDir, stagingPrefix+"*")); len(stale) > 0 {
		for _, dir := range stale {
			_ = os.RemoveAll(dir)
		}
	}
	staging, err := os.MkdirTemp(opts.DataDir, stagingPrefix+"*")
	if err != nil {
		return RestoreResult{}, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(staging)

	m, err := Extract(r, staging, opts.Limits)
	if err != nil {
		return RestoreResult{}, err
	}
	if opts.LatestSchema != "" && m.SchemaVersion > opts.LatestSchema {
		return RestoreResult{}, fmt.Errorf("backup: the archive's database is at schema %s, newer than this build's %s: restore it with the version that wrote it (%s) or a later one",
			m.SchemaVersion, opts.LatestSchema, m.Version)
	}

	aside, err := makeAside(opts.DataDir, now())
	if err != nil {
		return RestoreResult{}, err
	}
	moved, err := moveManaged(opts.DataDir, aside)
	if err != nil {
		return RestoreResult{}, errors.Join(err, rollback(opts.DataDir, aside, moved))
	}
	for _, f := range m.Files {
		if err := os.Rename(filepath.Join(staging, f.Name), filepath.Join(opts.DataDir, f.Name)); err != nil {
			return RestoreResult{}, errors.Join(fmt.Errorf("backup: %w", err), rollback(opts.DataDir, aside, moved))
		}
	}
	if err := opts.Verify(ctx, m); err != nil {
		if rerr := rollback(opts.DataDir, aside, moved); rerr != nil {
			return RestoreResult{}, fmt.Errorf("backup: the restored database failed (%w), and putting the previous files back failed too (%w); they are in %s", err, rerr, aside)
		}
		return RestoreResult{}, fmt.Errorf("backup: the restored database failed, the previous files are back in place: %w", err)
	}
	res := RestoreResult{Manifest: m, Aside: aside}
	if len(moved) == 0 {
		_ = os.Remove(aside)
		res.Aside = ""
	}
	return res, nil
}

// makeAside creates DataDir/.pre-restore-<time>, or a variant of that name
// when it exists.
func makeAside(dataDir string, at time.Time) (string, error) {
	base := filepath.Join(dataDir, AsidePrefix+at.UTC().Format("20060102T150405Z"))
	if err := os.Mkdir(base, 0o700); err == nil {
		return base, nil
	} else if !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("backup: %w", err)
	}
	dir, err := os.MkdirTemp(dataDir, filepath.Base(base)+"-*")
	if err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	return dir, nil
}

// moveManaged moves the managed files that exist from dataDir to aside
// and returns their names.
func moveManaged(dataDir, aside string) ([]string, error) {
	var moved []string
	for _, name := range managedNames {
		err := os.Rename(filepath.Join(dataDir, name), filepath.Join(aside, name))
		switch {
		case err == nil:
			moved = append(moved, name)
		case !errors.Is(err, fs.ErrNotExist):
			return moved, fmt.Errorf("backup: unable to move %s aside: %w", name, err)
		}
	}
	return moved, nil
}

// rollback removes whatever managed files are in dataDir and moves the
// ones in aside back, then removes aside.
func rollback(dataDir, aside string, moved []string) error {
	var errs []error
	for _, name := range managedNames {
		if err := os.Remove(filepath.Join(dataDir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	for _, name := range moved {
		if err := os.Rename(filepath.Join(aside, name), filepath.Join(dataDir, name)); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		errs = append(errs, os.Remove(aside))
	}
	return errors.Join(errs...)
}
