package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Archive kinds, the first part of an archive's name. Retention removes
// scheduled archives only; manual ones stay until the user removes them.
const (
	KindScheduled = "scheduled"
	KindManual    = "manual"
)

const (
	namePrefix = "searcharr-"
	nameSuffix = ".tar.gz"
	nameTime   = "20060102T150405Z"
)

// ArchiveName returns the file name of an archive of a kind taken at t,
// such as searcharr-scheduled-20261202T183000Z.tar.gz.
func ArchiveName(kind string, t time.Time) string {
	return namePrefix + kind + "-" + t.UTC().Format(nameTime) + nameSuffix
}

// archiveTime parses the time out of an archive name of a kind.
func archiveTime(kind, name string) (time.Time, bool) {
	rest, ok := strings.CutPrefix(name, namePrefix+kind+"-")
	if !ok {
		return time.Time{}, false
	}
	rest, ok = strings.CutSuffix(rest, nameSuffix)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(nameTime, rest)
	return t, err == nil
}

// SchedulerConfig configures scheduled backups.
type SchedulerConfig struct {
	// Dir receives the archives (DATA_DIR/backups).
	Dir string
	// Interval between two scheduled backups; zero disables them.
	Interval time.Duration
	// Retention is how long a scheduled archive is kept; zero keeps them
	// all. The newest is always kept.
	Retention time.Duration
	// Version, Key and KeyFile are as in CreateOptions.
	Version string
	Key     []byte
	KeyFile string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Scheduler takes a backup every Interval into Dir and removes scheduled
// archives older than Retention. The first backup is due one interval
// after the newest scheduled archive in Dir, at once when there is none.
type Scheduler struct {
	src  Source
	log  *slog.Logger
	cfg  SchedulerConfig
	stop context.CancelFunc
	wg   sync.WaitGroup
	// mu makes backups one at a time, scheduled and manual alike.
	mu sync.Mutex
}

// Archive describes one archive in the backups directory.
type Archive struct {
	Name      string
	Kind      string
	CreatedAt time.Time
	Size      int64
}

// NewScheduler returns a scheduler; Start runs it.
func NewScheduler(src Source, log *slog.Logger, cfg SchedulerConfig) (*Scheduler, error) {
	if cfg.Dir == "" {
		return nil, errors.New("backup: scheduler: no directory")
	}
	if cfg.Interval < 0 || cfg.Retention < 0 {
		return nil, errors.New("backup: scheduler: interval and retention must not be negative")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{src: src, log: log.With("component", "backup"), cfg: cfg}, nil
}

// Start runs the schedule until ctx ends or Stop is called. With a zero
// interval it does nothing.
func (s *Scheduler) Start(ctx context.Context) {
	if s.cfg.Interval == 0 {
		s.log.Info("scheduled backups are off")
		return
	}
	ctx, s.stop = context.WithCancel(ctx)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.loop(ctx)
	}()
}

// Stop ends the schedule and waits for a backup in progress to finish or
// be cancelled.
func (s *Scheduler) Stop() {
	if s.stop != nil {
		s.stop()
	}
	s.wg.Wait()
}

func (s *Scheduler) loop(ctx context.Context) {
	next := s.cfg.Now()
	if newest, ok := s.newest(); ok {
		next = newest.Add(s.cfg.Interval)
	}
	for {
		wait := time.Until(next)
		s.log.Debug("next scheduled backup", "at", next)
		t := time.NewTimer(max(wait, 0))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if _, err := s.RunOnce(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.Error("scheduled backup failed", "error", err)
			next = s.cfg.Now().Add(min(s.cfg.Interval, time.Hour))
			continue
		}
		next = s.cfg.Now().Add(s.cfg.Interval)
	}
}

// RunOnce takes a scheduled backup now, then applies the retention. It
// returns the archive's path.
func (s *Scheduler) RunOnce(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	a, err := s.create(ctx, KindScheduled, now)
	if err != nil {
		return "", err
	}
	path := filepath.Join(s.cfg.Dir, a.Name)
	removed, err := Prune(s.cfg.Dir, s.cfg.Retention, now)
	for _, name := range removed {
		s.log.Info("old backup removed", "path", filepath.Join(s.cfg.Dir, name))
	}
	if err != nil {
		return path, err
	}
	return path, nil
}

// Manual takes a manual backup now, one retention leaves alone. Two
// within the same second collide on the name: the second fails with
// ErrExists.
func (s *Scheduler) Manual(ctx context.Context) (Archive, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.create(ctx, KindManual, s.cfg.Now())
}

// ErrExists is returned when an archive of the same name exists.
var ErrExists = errors.New("backup: an archive of that name exists")

func (s *Scheduler) create(ctx context.Context, kind string, now time.Time) (Archive, error) {
	name := ArchiveName(kind, now)
	path := filepath.Join(s.cfg.Dir, name)
	if _, err := os.Lstat(path); err == nil {
		return Archive{}, fmt.Errorf("%w: %s", ErrExists, name)
	}
	m, err := Create(ctx, s.src, CreateOptions{Path: path, Version: s.cfg.Version, Key: s.cfg.Key, KeyFile: s.cfg.KeyFile,
		Now: func() time.Time { return now }})
	if err != nil {
		return Archive{}, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return Archive{}, fmt.Errorf("backup: %w", err)
	}
	s.log.Info("backup written", "path", path, "kind", kind, "schema_version", m.SchemaVersion, "bytes", fi.Size())
	return Archive{Name: name, Kind: kind, CreatedAt: m.CreatedAt, Size: fi.Size()}, nil
}

// List returns the archives in the backups directory, newest first.
func (s *Scheduler) List() ([]Archive, error) {
	entries, err := os.ReadDir(s.cfg.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	var out []Archive
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		for _, kind := range []string{KindScheduled, KindManual} {
			at, ok := archiveTime(kind, e.Name())
			if !ok {
				continue
			}
			fi, err := e.Info()
			if err != nil {
				continue
			}
			out = append(out, Archive{Name: e.Name(), Kind: kind, CreatedAt: at, Size: fi.Size()})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.After(out[j].CreatedAt)
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// newest returns the time of the newest scheduled archive in Dir.
func (s *Scheduler) newest() (time.Time, bool) {
	all, _ := scheduled(s.cfg.Dir)
	if len(all) == 0 {
		return time.Time{}, false
	}
	return all[len(all)-1].at, true
}

type archiveEntry struct {
	name string
	at   time.Time
}

// scheduled lists the scheduled archives in dir, oldest first.
func scheduled(dir string) ([]archiveEntry, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []archiveEntry
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if at, ok := archiveTime(KindScheduled, e.Name()); ok {
			out = append(out, archiveEntry{name: e.Name(), at: at})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out, nil
}

// Prune removes the scheduled archives in dir taken more than retention
// before now, keeping the newest whatever its age, and returns the names
// removed. Manual archives and other files are left alone. A zero
// retention keeps everything.
func Prune(dir string, retention time.Duration, now time.Time) ([]string, error) {
	if retention <= 0 {
		return nil, nil
	}
	all, err := scheduled(dir)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	var removed []string
	var errs []error
	for _, a := range all[:max(len(all)-1, 0)] {
		if now.Sub(a.at) <= retention {
			continue
		}
		if err := os.Remove(filepath.Join(dir, a.name)); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, a.name)
	}
	return removed, errors.Join(errs...)
}
