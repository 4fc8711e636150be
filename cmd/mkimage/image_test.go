package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// buildStatic builds the searcharr binary as the release does: no cgo,
// version stamped by the linker.
func buildStatic(t *testing.T, version string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the searcharr binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "searcharr")
	cmd := exec.Command("go", "build", "-ldflags", "-X main.Version="+version, "-o", bin, "github.com/vibequality/searcharr/cmd/searcharr")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// layerFile is one entry of the image's only layer.
type layerFile struct {
	typ      byte
	mode     int64
	uid, gid int
	sum      [32]byte
}

// TestImageTarball builds the image tarball the way "make image" does,
// reads it back and checks what a container runtime will see: the
// configuration, and a file system of nothing but the static binary, the
// CA bundle, /config owned by the non-root user, and /tmp.
func TestImageTarball(t *testing.T) {
	bin := buildStatic(t, "9.8.7-test")
	ca := filepath.Join(t.TempDir(), "ca.crt")
	caPEM := []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	if err := os.WriteFile(ca, caPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "dist", "searcharr-image.tar")
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600")
	if err := run([]string{"--binary", bin, "--ca-file", ca, "--arch", runtime.GOARCH, "--version", "9.8.7-test", "--tag", "searcharr:9.8.7-test,searcharr:latest", "--out", out}); err != nil {
		t.Fatal(err)
	}

	manifest, err := tarball.LoadManifest(func() (io.ReadCloser, error) { return os.Open(out) })
	if err != nil || len(manifest) != 1 {
		t.Fatalf("tarball manifest: %v, %v; want one image", manifest, err)
	}
	for _, tag := range []string{"searcharr:9.8.7-test", "searcharr:latest"} {
		if !slices.ContainsFunc(manifest[0].RepoTags, func(s string) bool { return strings.HasSuffix(s, tag) }) {
			t.Errorf("tags %q lack %s", manifest[0].RepoTags, tag)
		}
	}
	img, err := tarball.ImageFromPath(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != "linux" || cf.Architecture != runtime.GOARCH {
		t.Errorf("platform %s/%s, want linux/%s", cf.OS, cf.Architecture, runtime.GOARCH)
	}
	if cf.Created.Unix() != 1767225600 {
		t.Errorf("created %s, want SOURCE_DATE_EPOCH", cf.Created)
	}
	c := cf.Config
	if !slices.Equal(c.Entrypoint, []string{"/searcharr"}) || !slices.Equal(c.Cmd, []string{"serve"}) {
		t.Errorf("entrypoint %q cmd %q, want [/searcharr] [serve]", c.Entrypoint, c.Cmd)
	}
	if c.User != "65532:65532" {
		t.Errorf("user %q, want the non-root 65532:65532", c.User)
	}
	if _, ok := c.ExposedPorts["7337/tcp"]; !ok || len(c.ExposedPorts) != 1 {
		t.Errorf("exposed ports %v, want only 7337/tcp", c.ExposedPorts)
	}
	if _, ok := c.Volumes["/config"]; !ok || len(c.Volumes) != 1 {
		t.Errorf("volumes %v, want only /config", c.Volumes)
	}
	if hc := c.Healthcheck; hc == nil || !slices.Equal(hc.Test, []string{"CMD", "/searcharr", "healthcheck"}) || hc.Interval <= 0 || hc.Retries <= 0 {
		t.Errorf("health check %+v, want CMD /searcharr healthcheck with an interval and retries", hc)
	}
	for _, want := range []string{"SEARCHARR_DATA_DIR=/config", "SEARCHARR_LISTEN=:7337"} {
		if !slices.Contains(c.Env, want) {
			t.Errorf("env %q lacks %s", c.Env, want)
		}
	}
	if c.Labels["org.opencontainers.image.version"] != "9.8.7-test" {
		t.Errorf("labels %v lack the version", c.Labels)
	}

	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("layers: %d, %v; want one", len(layers), err)
	}
	files := readLayer(t, layers[0])
	var regular, dirs []string
	for name, f := range files {
		switch f.typ {
		case tar.TypeReg:
			regular = append(regular, name)
		case tar.TypeDir:
			dirs = append(dirs, name)
		default:
			t.Errorf("%s: tar type %q; only files and directories belong in the image", name, f.typ)
		}
	}
	slices.Sort(regular)
	slices.Sort(dirs)
	if want := []string{"etc/ssl/certs/ca-certificates.crt", "searcharr"}; !slices.Equal(regular, want) {
		t.Errorf("files %q, want only %q", regular, want)
	}
	if want := []string{"config", "etc", "etc/ssl", "etc/ssl/certs", "tmp"}; !slices.Equal(dirs, want) {
		t.Errorf("directories %q, want %q", dirs, want)
	}
	binBytes, _ := os.ReadFile(bin)
	if f := files["searcharr"]; f.sum != sha256.Sum256(binBytes) || f.mode != 0o755 || f.uid != 0 {
		t.Errorf("searcharr in the image: mode %o uid %d, same bytes as built: %v", f.mode, f.uid, f.sum == sha256.Sum256(binBytes))
	}
	if f := files["etc/ssl/certs/ca-certificates.crt"]; f.sum != sha256.Sum256(caPEM) || f.mode != 0o644 {
		t.Errorf("CA bundle: mode %o, same bytes: %v", f.mode, f.sum == sha256.Sum256(caPEM))
	}
	if f := files["config"]; f.uid != 65532 || f.gid != 65532 || f.mode != 0o700 {
		t.Errorf("/config: %d:%d mode %o, want 65532:65532 0700 (writable by the image's user only)", f.uid, f.gid, f.mode)
	}
	if f := files["tmp"]; f.mode != 0o1777 {
		t.Errorf("/tmp mode %o, want 1777", f.mode)
	}

	// The binary needs no loader nor library: it runs in an empty root.
	ef, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	for _, p := range ef.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary has an ELF interpreter: it is not static")
		}
	}
	if libs, _ := ef.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %v", libs)
	}
	got, err := exec.Command(bin, "version").Output()
	if err != nil || !strings.Contains(string(got), "searcharr 9.8.7-test") {
		t.Errorf("searcharr version: %q, %v; want the stamped version", got, err)
	}
}

// readLayer lists a layer's entries.
func readLayer(t *testing.T, l v1.Layer) map[string]layerFile {
	t.Helper()
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	files := map[string]layerFile{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(h.Name, "/")
		if _, dup := files[name]; dup {
			t.Errorf("%s appears twice in the layer", name)
		}
		files[name] = layerFile{typ: h.Typeflag, mode: h.Mode, uid: h.Uid, gid: h.Gid, sum: sha256.Sum256(b)}
	}
	return files
}

// TestRootfsMatchesLayer: the directory the Dockerfile copies into its
// image holds what the image tarball's layer holds, with the same modes
// (and owners, when run as root).
func TestRootfsMatchesLayer(t *testing.T) {
	src := t.TempDir()
	bin, ca := filepath.Join(src, "searcharr"), filepath.Join(src, "ca.crt")
	os.WriteFile(bin, []byte("binary"), 0o600)
	os.WriteFile(ca, []byte("ca"), 0o600)
	es := entries(bin, ca)
	layer, err := layerBytes(es, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]layerFile{}
	tr := tar.NewReader(bytes.NewReader(layer))
	for h, err := tr.Next(); err == nil; h, err = tr.Next() {
		b, _ := io.ReadAll(tr)
		f := layerFile{typ: h.Typeflag, mode: h.Mode, sum: sha256.Sum256(b)}
		if os.Geteuid() == 0 {
			f.uid, f.gid = h.Uid, h.Gid
		}
		want[strings.TrimSuffix(h.Name, "/")] = f
	}

	root := filepath.Join(t.TempDir(), "rootfs")
	if err := writeRootfs(root, es); err != nil {
		t.Fatal(err)
	}
	got := map[string]layerFile{}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		f := layerFile{typ: tar.TypeReg, mode: int64(fi.Mode().Perm())}
		if fi.Mode()&fs.ModeSticky != 0 {
			f.mode |= 0o1000
		}
		if fi.IsDir() {
			f.typ = tar.TypeDir
			f.sum = sha256.Sum256(nil)
		} else {
			b, _ := os.ReadFile(p)
			f.sum = sha256.Sum256(b)
		}
		if os.Geteuid() == 0 {
			f.uid, f.gid = ownerOf(fi)
		}
		got[filepath.ToSlash(rel)] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("rootfs has %d entries, the layer %d", len(got), len(want))
	}
	for name, w := range want {
		if g, ok := got[name]; !ok || g != w {
			t.Errorf("%s: rootfs %+v, layer %+v", name, g, w)
		}
	}
}

// ownerOf is the owner of a file on Linux.
func ownerOf(fi fs.FileInfo) (int, int) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return -1, -1
	}
	return int(st.Uid), int(st.Gid)
}
