package main

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// The image's layout. The Dockerfile builds the same one (its builder
// stage runs "mkimage --rootfs"); TestDockerfileMatchesImage holds the two
// together.
const (
	// binaryPath is the static searcharr binary, the entrypoint.
	binaryPath = "/searcharr"
	// caPath is where Go's crypto/x509 looks for the CA bundle first on
	// Linux.
	caPath = "/etc/ssl/certs/ca-certificates.crt"
	// dataDir is the volume holding the SQLite database and the secret
	// key, owned by the image's user and private to it.
	dataDir = "/config"
	// tmpDir is where the built-in plugins put their sockets.
	tmpDir = "/tmp"
	// uid and gid of the non-root user the image runs as (the "nonroot"
	// id of distroless images); no /etc/passwd entry is needed since
	// Searcharr never looks its user up.
	uid, gid = 65532, 65532
	// port is the HTTP port, the default of --listen.
	port = 7337
)

// entry is one path of the image's file system.
type entry struct {
	Path     string // absolute, without a trailing slash
	Mode     fs.FileMode
	UID, GID int
	// Source is the host file copied into the image; empty for a
	// directory.
	Source string
}

// entries is the image's file system, parents before children: the
// binary, the CA bundle, the data directory and /tmp. Time-zone data is
// compiled into the binary (time/tzdata), so there is no zoneinfo.
func entries(binary, caFile string) []entry {
	return []entry{
		{Path: "/etc", Mode: fs.ModeDir | 0o755},
		{Path: "/etc/ssl", Mode: fs.ModeDir | 0o755},
		{Path: "/etc/ssl/certs", Mode: fs.ModeDir | 0o755},
		{Path: caPath, Mode: 0o644, Source: caFile},
		{Path: dataDir, Mode: fs.ModeDir | 0o700, UID: uid, GID: gid},
		{Path: tmpDir, Mode: fs.ModeDir | fs.ModeSticky | 0o777},
		{Path: binaryPath, Mode: 0o755, Source: binary},
	}
}

// imageConfig is the runtime configuration of the image.
func imageConfig() v1.Config {
	return v1.Config{
		Entrypoint:   []string{binaryPath},
		Cmd:          []string{"serve"},
		User:         fmt.Sprintf("%d:%d", uid, gid),
		WorkingDir:   "/",
		ExposedPorts: map[string]struct{}{fmt.Sprintf("%d/tcp", port): {}},
		Volumes:      map[string]struct{}{dataDir: {}},
		Env: []string{
			"PATH=/",
			"SEARCHARR_DATA_DIR=" + dataDir,
			fmt.Sprintf("SEARCHARR_LISTEN=:%d", port),
			"SSL_CERT_FILE=" + caPath,
		},
		Healthcheck: &v1.HealthConfig{
			Test:        []string{"CMD", binaryPath, "healthcheck"},
			Interval:    30 * time.Second,
			Timeout:     10 * time.Second,
			StartPeriod: 30 * time.Second,
			Retries:     3,
		},
		Labels: map[string]string{
			"org.opencontainers.image.title":       "Searcharr",
			"org.opencontainers.image.description": "Searches the Sonarr/Radarr backlog within the indexer budget",
		},
	}
}

// writeRootfs writes the layout under dir, with its modes, and its owners
// when run as root (the Dockerfile's builder stage is).
func writeRootfs(dir string, es []entry) error {
	for _, e := range es {
		p := path.Join(dir, e.Path)
		if e.Mode.IsDir() {
			if err := os.MkdirAll(p, 0o755); err != nil {
				return fmt.Errorf("mkimage: %w", err)
			}
		} else if err := copyFile(e.Source, p); err != nil {
			return err
		}
		if err := os.Chmod(p, e.Mode&(fs.ModePerm|fs.ModeSticky)); err != nil {
			return fmt.Errorf("mkimage: %w", err)
		}
		if os.Geteuid() == 0 {
			if err := os.Lchown(p, e.UID, e.GID); err != nil {
				return fmt.Errorf("mkimage: %w", err)
			}
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("mkimage: %w", err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		return fmt.Errorf("mkimage: %w", err)
	}
	return nil
}
