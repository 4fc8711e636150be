package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLeaseHolderIsStablePerDataDirectoryAndNeverShared(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	holder := func(dir string) (string, func()) {
		t.Helper()
		name, release, err := leaseHolder(dir, log)
		if err != nil {
			t.Fatal(err)
		}
		return name, release
	}
	// Two installations on one host with the same data-directory path
	// (two containers, each mounting its own volume at /config) are two
	// data directories here.
	one, two := filepath.Join(t.TempDir(), "config"), filepath.Join(t.TempDir(), "config")
	a, releaseA := holder(one)
	b, releaseB := holder(two)
	defer releaseB()
	if a == b {
		t.Fatalf("two installations share the lease name %q", a)
	}
	// A restart (the lock is let go, as the kernel does for a dead
	// process) gets the same name back.
	releaseA()
	again, releaseAgain := holder(one)
	if again != a {
		t.Fatalf("after a restart the name is %q, was %q", again, a)
	}
	// A second live process on the same data directory gets its own name.
	shared, releaseShared := holder(one)
	defer releaseShared()
	if shared == a || shared == b {
		t.Fatalf("a second process on a shared data directory runs under %q, a name in use", shared)
	}
	releaseAgain()
	if last, release := holder(one); last != a {
		t.Fatalf("once the first process stopped, the name is %q, want the stored %q", last, a)
	} else {
		release()
	}
}

func TestLeaseHolderRefusesADamagedIDFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, nodeIDFile), []byte("not an id\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := leaseHolder(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), nodeIDFile) {
		t.Fatalf("a damaged id file gave %v, want an error naming it", err)
	}
}
