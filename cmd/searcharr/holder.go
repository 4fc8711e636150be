package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/gofrs/flock"
)

// nodeIDFile holds the installation's id in the data directory; the lock
// file beside it is held by the process that uses the id.
const nodeIDFile = "node-id"

var nodeIDRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// leaseHolder returns the name this process holds its leases under (the
// dispatcher's per-instance leases and the engine's queue leases), and the
// function that lets the name go at shutdown.
//
// Why an id stored in the data directory: a lease name must differ between
// replicas and stay the same across restarts of one installation, so a
// process restarted after a crash takes its own leases back at once instead
// of waiting for them to lapse. Host name and data-directory path do
// neither reliably: two containers given the same host name and both
// mounting their data at /config would share one name and both send, and a
// recreated container gets a new host name. An id generated once and kept
// in the data directory follows the installation instead.
//
// Replicas may still share one data directory (a shared volume, to share
// the secret key). The process that uses the stored id therefore holds an
// exclusive lock on a file beside it for as long as it runs; the kernel
// drops the lock when the process dies, even by kill -9, so a restart gets
// the id back. A process that finds the lock taken runs under a fresh
// random name of its own, so two live processes never share one.
func leaseHolder(dataDir string, log *slog.Logger) (string, func(), error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", nil, fmt.Errorf("node id: %w", err)
	}
	path := filepath.Join(dataDir, nodeIDFile)
	lock := flock.New(path + ".lock")
	locked, err := lock.TryLock()
	if err != nil {
		return "", nil, fmt.Errorf("node id: lock %s: %w", lock.Path(), err)
	}
	if !locked {
		id, err := newNodeID()
		if err != nil {
			return "", nil, err
		}
		log.Warn("another running process uses this data directory's node id; using a name of this process's own: after a crash its leases are taken over when they lapse",
			"data_dir", dataDir)
		return "node-" + id, func() {}, nil
	}
	id, err := readNodeID(path)
	if err != nil {
		_ = lock.Unlock()
		return "", nil, err
	}
	return "node-" + id, func() { _ = lock.Unlock() }, nil
}

// readNodeID reads the stored id, generating and storing one when there is
// none yet.
func readNodeID(path string) (string, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		id := strings.TrimSpace(string(b))
		if !nodeIDRE.MatchString(id) {
			return "", fmt.Errorf("node id: %s holds no id of 32 hex digits; remove it to have a new one generated", path)
		}
		return id, nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("node id: %w", err)
	}
	id, err := newNodeID()
	if err != nil {
		return "", err
	}
	// Written beside and renamed into place, so a crash never leaves a
	// half-written id.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(id+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("node id: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("node id: %w", err)
	}
	return id, nil
}

func newNodeID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("node id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
