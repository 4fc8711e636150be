package backup

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ErrInvalidArchive wraps every reason Extract refuses an archive.
var ErrInvalidArchive = errors.New("backup: invalid archive")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidArchive}, args...)...)
}

// Extract reads a gzip-compressed tar archive from r, checks it, and
// writes its members into dir, which must be an empty directory. What it
// checks, before a byte of a member is written:
//
//   - the manifest comes first, is well formed and within its cap;
//   - every other member is a regular file (no directory, link, device or
//     FIFO), named exactly as one of the members the manifest lists (so
//     no absolute path, no "..", no subdirectory), at most once, of the
//     size the manifest states, under the member's hard cap.
//
// Each member is then written under its fixed name in dir, and its
// SHA-256 compared with the manifest's; at the end every member the
// manifest lists must have been seen. On any failure the files written so
// far are removed and the error wraps ErrInvalidArchive (or is an I/O
// error of dir).
func Extract(r io.Reader, dir string, lim Limits) (m Manifest, err error) {
	var written []string
	defer func() {
		if err != nil {
			for _, p := range written {
				_ = os.Remove(p)
			}
		}
	}()
	gz, err := gzip.NewReader(r)
	if err != nil {
		return Manifest{}, invalid("not gzip-compressed: %v", err)
	}
	defer gz.Close()
	tr := tar.NewReader(gz)

	seen := map[string]bool{}
	first := true
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			return Manifest{}, invalid("%v", err)
		}
		if err := checkHeader(h, lim); err != nil {
			return Manifest{}, err
		}
		if seen[h.Name] {
			return Manifest{}, invalid("%s appears twice", h.Name)
		}
		seen[h.Name] = true
		if first {
			first = false
			if h.Name != ManifestName {
				return Manifest{}, invalid("the first member is %q, want %s", h.Name, ManifestName)
			}
			b, err := io.ReadAll(io.LimitReader(tr, h.Size))
			if err != nil {
				return Manifest{}, invalid("%s: %v", ManifestName, err)
			}
			if m, err = parseManifest(b, lim); err != nil {
				return Manifest{}, fmt.Errorf("%w: %w", ErrInvalidArchive, err)
			}
			continue
		}
		f, ok := m.file(h.Name)
		if !ok {
			return Manifest{}, invalid("member %q is not listed in the manifest", h.Name)
		}
		if h.Size != f.Size {
			return Manifest{}, invalid("%s is %d bytes, the manifest says %d", h.Name, h.Size, f.Size)
		}
		dst := filepath.Join(dir, f.Name) // f.Name is one of the fixed member names
		written = append(written, dst)
		if err := writeMember(dst, tr, f); err != nil {
			return Manifest{}, err
		}
	}
	if first {
		return Manifest{}, invalid("the archive is empty")
	}
	for _, f := range m.Files {
		if !seen[f.Name] {
			return Manifest{}, invalid("%s is listed in the manifest but missing", f.Name)
		}
	}
	return m, nil
}

// checkHeader refuses every member that is not a plain file under one of
// the known bare names, within its cap.
func checkHeader(h *tar.Header, lim Limits) error {
	name := h.Name
	switch {
	case name == "":
		return invalid("a member has no name")
	case strings.ContainsRune(name, 0):
		return invalid("a member name holds a NUL byte")
	case path.IsAbs(name) || filepath.IsAbs(name) || strings.HasPrefix(name, `\`) || filepath.VolumeName(name) != "":
		return invalid("member %q has an absolute path", name)
	case hasDotDot(name):
		return invalid("member %q leaves the archive's directory (..)", name)
	case strings.ContainsAny(name, `/\`):
		return invalid("member %q is in a subdirectory", name)
	}
	switch h.Typeflag {
	case tar.TypeReg:
	case tar.TypeSymlink, tar.TypeLink:
		return invalid("member %q is a link (to %q)", name, h.Linkname)
	case tar.TypeDir:
		return invalid("member %q is a directory", name)
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		return invalid("member %q is a device or FIFO", name)
	default:
		return invalid("member %q has type %q, want a regular file", name, h.Typeflag)
	}
	limit, ok := lim.cap(name)
	if !ok {
		return invalid("unexpected member %q", name)
	}
	if h.Size < 0 || h.Size > limit {
		return invalid("member %s is %d bytes, over its cap of %d", name, h.Size, limit)
	}
	return nil
}

// hasDotDot reports whether a name has a ".." element.
func hasDotDot(name string) bool {
	for _, el := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if el == ".." {
			return true
		}
	}
	return name == ".."
}

// writeMember copies exactly f.Size bytes from r to a new file dst (0600)
// and checks their SHA-256.
func writeMember(dst string, r io.Reader, f File) (err error) {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("backup: %w", cerr)
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(r, f.Size))
	if err != nil {
		return invalid("%s: %v", f.Name, err)
	}
	if n != f.Size {
		return invalid("%s ends after %d of %d bytes", f.Name, n, f.Size)
	}
	want, _ := hex.DecodeString(f.SHA256)
	if !bytes.Equal(h.Sum(nil), want) {
		return invalid("%s does not match its sha256 in the manifest", f.Name)
	}
	if err := out.Sync(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
