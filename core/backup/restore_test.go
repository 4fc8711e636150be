package backup_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/backup"
	"github.com/vibequality/searcharr/core/store"
)

// verifyOpens opens and migrates the restored database, as serve would.
func verifyOpens(dataDir string) func(ctx context.Context, m backup.Manifest) error {
	return func(ctx context.Context, m backup.Manifest) error {
		st, err := store.Open(ctx, store.Options{DataDir: dataDir})
		if err != nil {
			return err
		}
		return st.Close()
	}
}

func TestRestoreReplacesAndKeepsThePreviousFilesAside(t *testing.T) {
	from := newInstallation(t, "new")
	archive := from.archive(t)
	to := newInstallation(t, "old")
	oldKey := to.key
	to.st.Close()

	f, _ := os.Open(archive)
	defer f.Close()
	latest, _ := store.LatestSchemaVersion(store.DialectSQLite)
	res, err := backup.Restore(context.Background(), f, backup.RestoreOptions{
		DataDir: to.dir, LatestSchema: latest, Verify: verifyOpens(to.dir),
		Now: func() time.Time { return time.Date(2026, 12, 2, 18, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := usernames(t, filepath.Join(to.dir, backup.DatabaseName)); strings.Join(got, ",") != "new" {
		t.Fatalf("restored database holds %v", got)
	}
	if key, _ := os.ReadFile(filepath.Join(to.dir, backup.KeyName)); !bytes.Equal(key, from.key) {
		t.Fatal("the restored key is not the archive's")
	}
	if res.Aside != filepath.Join(to.dir, ".pre-restore-20261202T180000Z") {
		t.Fatalf("aside = %q", res.Aside)
	}
	if got := usernames(t, filepath.Join(res.Aside, backup.DatabaseName)); strings.Join(got, ",") != "old" {
		t.Fatalf("the database kept aside holds %v", got)
	}
	if key, _ := os.ReadFile(filepath.Join(res.Aside, backup.KeyName)); !bytes.Equal(key, oldKey) {
		t.Fatal("the previous key was not kept aside")
	}
	if left, _ := filepath.Glob(filepath.Join(to.dir, ".restore-*")); len(left) > 0 {
		t.Fatalf("staging left behind: %v", left)
	}
}

func TestRestoreIntoAFreshDirectory(t *testing.T) {
	from := newInstallation(t, "alice")
	archive := from.archive(t)
	dir := filepath.Join(t.TempDir(), "fresh")
	f, _ := os.Open(archive)
	defer f.Close()
	res, err := backup.Restore(context.Background(), f, backup.RestoreOptions{DataDir: dir, Verify: verifyOpens(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Aside != "" {
		t.Fatalf("aside %q kept for a fresh directory", res.Aside)
	}
	if got := tree(t, dir); strings.Join(got, ",") != "searcharr.db,secret.key" {
		t.Fatalf("fresh directory holds %v", got)
	}
	for _, name := range []string{"", backup.DatabaseName, backup.KeyName} {
		if m := mustStat(t, filepath.Join(dir, name)).Mode().Perm(); m&0o077 != 0 {
			t.Fatalf("%q has mode %o", name, m)
		}
	}
}

// TestRestoreRollsBackWhenTheDatabaseFails: the previous files are back,
// byte for byte, and nothing of the attempt is left.
func TestRestoreRollsBackWhenTheDatabaseFails(t *testing.T) {
	from := newInstallation(t, "new")
	archive := from.archive(t)
	to := newInstallation(t, "old")
	to.st.Close()
	before := snapshotFiles(t, to.dir)

	f, _ := os.Open(archive)
	defer f.Close()
	failure := errors.New("migration failed")
	_, err := backup.Restore(context.Background(), f, backup.RestoreOptions{DataDir: to.dir, Verify: func(ctx context.Context, m backup.Manifest) error {
		// Open it for real first, so -wal/-shm files exist to clean up.
		if err := verifyOpens(to.dir)(ctx, m); err != nil {
			return err
		}
		os.WriteFile(filepath.Join(to.dir, backup.DatabaseName+"-wal"), []byte("x"), 0o600)
		return failure
	}})
	if !errors.Is(err, failure) {
		t.Fatalf("err = %v", err)
	}
	after := snapshotFiles(t, to.dir)
	if len(after) != len(before) {
		t.Fatalf("files before %v, after %v", keys(before), keys(after))
	}
	for name, b := range before {
		if !bytes.Equal(after[name], b) {
			t.Fatalf("%s changed", name)
		}
	}
	if got := usernames(t, filepath.Join(to.dir, backup.DatabaseName)); strings.Join(got, ",") != "old" {
		t.Fatalf("database after the rollback holds %v", got)
	}
}

func TestRestoreRefusesANewerSchema(t *testing.T) {
	from := newInstallation(t, "new")
	archive := from.archive(t)
	to := newInstallation(t, "old")
	to.st.Close()
	before := snapshotFiles(t, to.dir)
	f, _ := os.Open(archive)
	defer f.Close()
	_, err := backup.Restore(context.Background(), f, backup.RestoreOptions{DataDir: to.dir, LatestSchema: "20000101000000", Verify: verifyOpens(to.dir)})
	if err == nil || !strings.Contains(err.Error(), "newer than this build") {
		t.Fatalf("err = %v", err)
	}
	if after := snapshotFiles(t, to.dir); len(after) != len(before) {
		t.Fatalf("files before %v, after %v", keys(before), keys(after))
	}
}

func TestRestoreRefusesACraftedArchiveAndChangesNothing(t *testing.T) {
	to := newInstallation(t, "old")
	to.st.Close()
	root := filepath.Dir(to.dir)
	beforeRoot := tree(t, root)
	db := []byte("x")
	archive := craft(t, manifestOf(t, fileOf(backup.DatabaseName, db)), reg("../evil", []byte("owned")))
	_, err := backup.Restore(context.Background(), bytes.NewReader(archive), backup.RestoreOptions{DataDir: to.dir, Verify: verifyOpens(to.dir)})
	if !errors.Is(err, backup.ErrInvalidArchive) {
		t.Fatalf("err = %v", err)
	}
	if after := tree(t, root); strings.Join(after, ",") != strings.Join(beforeRoot, ",") {
		t.Fatalf("before %v, after %v", beforeRoot, after)
	}
}

func snapshotFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, rel := range tree(t, dir) {
		p := filepath.Join(dir, rel)
		if fi := mustStat(t, p); fi.IsDir() {
			out[rel+"/"] = nil
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[rel] = b
	}
	return out
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestPrune(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	names := []string{
		backup.ArchiveName(backup.KindScheduled, now.Add(-40*day)),
		backup.ArchiveName(backup.KindScheduled, now.Add(-29*day)),
		backup.ArchiveName(backup.KindScheduled, now.Add(-27*day)),
		backup.ArchiveName(backup.KindScheduled, now.Add(-1*day)),
		backup.ArchiveName(backup.KindManual, now.Add(-90*day)),
		"notes.txt",
	}
	for _, n := range names {
		os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600)
	}
	removed, err := backup.Prune(dir, 28*day, now)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(removed, ",") != names[0]+","+names[1] {
		t.Fatalf("removed %v", removed)
	}
	left := tree(t, dir)
	want := []string{names[2], names[3], names[4], names[5]}
	if strings.Join(left, ",") != strings.Join(sorted(want), ",") {
		t.Fatalf("left %v, want %v", left, want)
	}

	// The newest scheduled archive stays whatever its age.
	old := t.TempDir()
	only := backup.ArchiveName(backup.KindScheduled, now.Add(-100*day))
	os.WriteFile(filepath.Join(old, only), []byte("x"), 0o600)
	if removed, _ := backup.Prune(old, 28*day, now); len(removed) != 0 {
		t.Fatalf("removed the only archive: %v", removed)
	}
	if removed, _ := backup.Prune(dir, 0, now); len(removed) != 0 {
		t.Fatalf("retention 0 removed %v", removed)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// TestSchedulerBacksUpAtOnceWhenThereIsNone: with no scheduled archive
// yet, the first is written when the scheduler starts; it opens as a
// database of the installation.
func TestSchedulerBacksUpAtOnceWhenThereIsNone(t *testing.T) {
	in := newInstallation(t, "alice")
	dir := filepath.Join(in.dir, "backups")
	s, err := backup.NewScheduler(in.st, nil, backup.SchedulerConfig{
		Dir: dir, Interval: time.Hour, Retention: 24 * time.Hour, Key: in.key, KeyFile: filepath.Join(in.dir, backup.KeyName),
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	defer s.Stop()
	deadline := time.Now().Add(30 * time.Second)
	var found []string
	for len(found) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no scheduled backup written")
		}
		time.Sleep(50 * time.Millisecond)
		found, _ = filepath.Glob(filepath.Join(dir, "searcharr-scheduled-*.tar.gz"))
	}
	s.Stop()
	out := t.TempDir()
	f, _ := os.Open(found[0])
	defer f.Close()
	if _, err := backup.Extract(f, out, backup.Limits{}); err != nil {
		t.Fatal(err)
	}
	if got := usernames(t, filepath.Join(out, backup.DatabaseName)); strings.Join(got, ",") != "alice" {
		t.Fatalf("scheduled backup holds %v", got)
	}
}

func TestManualBackupsAndList(t *testing.T) {
	in := newInstallation(t, "alice")
	dir := filepath.Join(in.dir, "backups")
	at := time.Date(2026, 12, 2, 18, 0, 0, 0, time.UTC)
	s, err := backup.NewScheduler(in.st, nil, backup.SchedulerConfig{Dir: dir, Key: in.key, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	if list, err := s.List(); err != nil || len(list) != 0 {
		t.Fatalf("list before any backup: %v, %v", list, err)
	}
	a, err := s.Manual(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a.Kind != backup.KindManual || a.Name != "searcharr-manual-20261202T180000Z.tar.gz" || a.Size <= 0 {
		t.Fatalf("archive %+v", a)
	}
	if _, err := s.Manual(context.Background()); !errors.Is(err, backup.ErrExists) {
		t.Fatalf("second backup in the same second: %v", err)
	}
	at = at.Add(time.Hour)
	if _, err := s.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	list, err := s.List()
	if err != nil || len(list) != 2 || list[0].Kind != backup.KindScheduled || list[1].Name != a.Name {
		t.Fatalf("list %+v, %v", list, err)
	}
}

func TestRestoreRemovesStaleStaging(t *testing.T) {
	from := newInstallation(t, "alice")
	archive := from.archive(t)
	dir := filepath.Join(t.TempDir(), "data")
	stale := filepath.Join(dir, ".restore-123")
	if err := os.MkdirAll(stale, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(stale, backup.DatabaseName), []byte("half"), 0o600)
	f, _ := os.Open(archive)
	defer f.Close()
	if _, err := backup.Restore(context.Background(), f, backup.RestoreOptions{DataDir: dir, Verify: verifyOpens(dir)}); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, dir); strings.Join(got, ",") != "searcharr.db,secret.key" {
		t.Fatalf("data directory holds %v", got)
	}
}
