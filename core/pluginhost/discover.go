package pluginhost

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// candidate is an executable the host will try to run as a plugin.
type candidate struct {
	// launchName names the plugin in logs until its Info is known: the
	// built-in's name or the file's base name.
	launchName string
	builtIn    bool
	path       string
	args       []string
	// sha256 is the hex digest of a plugin file, checked again by go-plugin
	// at every launch; empty for built-ins.
	sha256 string
}

// label names the candidate in errors: its path, or `built-in "name"`.
func (c candidate) label() string {
	if c.builtIn {
		return fmt.Sprintf("built-in %q", c.launchName)
	}
	return c.path
}

func (c candidate) source() string {
	if c.builtIn {
		return SourceBuiltIn
	}
	return c.path
}

// builtInCandidates returns one candidate per built-in strategy, each
// launched as "SelfPath plugin serve NAME".
func builtInCandidates(cfg Config) []candidate {
	out := make([]candidate, 0, len(cfg.BuiltIns))
	for _, name := range cfg.BuiltIns {
		out = append(out, candidate{
			launchName: name,
			builtIn:    true,
			path:       cfg.SelfPath,
			args:       []string{"plugin", "serve", name},
		})
	}
	return out
}

// scanDir lists the plugin files of dir in name order: regular files (or
// links to one) with an execute bit. Hidden files, directories and files
// that are not executable are ignored; files that cannot be read or whose
// SHA-256 does not match a pin by file name come back as skipped.
func scanDir(dir string, pins map[string]string) ([]candidate, []Skipped, error) {
	if dir == "" {
		return nil, nil, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("pluginhost: scan plugin dir: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var (
		found   []candidate
		skipped []Skipped
	)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		path, err := filepath.Abs(filepath.Join(dir, e.Name()))
		if err != nil {
			skipped = append(skipped, Skipped{Source: filepath.Join(dir, e.Name()), Reason: err.Error()})
			continue
		}
		fi, err := os.Stat(path)
		if err != nil {
			skipped = append(skipped, Skipped{Source: path, Reason: err.Error()})
			continue
		}
		if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			continue
		}
		sum, err := fileSHA256(path)
		if err != nil {
			skipped = append(skipped, Skipped{Source: path, Reason: err.Error()})
			continue
		}
		if want, ok := pins[e.Name()]; ok && !strings.EqualFold(want, sum) {
			skipped = append(skipped, Skipped{Source: path, Reason: pinMismatch(e.Name(), want, sum)})
			continue
		}
		found = append(found, candidate{launchName: e.Name(), path: path, sha256: sum})
	}
	return found, skipped, nil
}

func pinMismatch(key, want, got string) string {
	return fmt.Sprintf("sha-256 %s does not match the pin for %q (%s)", got, key, strings.ToLower(want))
}

// checkNamePin refuses a plugin file whose reported name is pinned to
// another digest. Pins by file name are checked before the file runs; a
// pin by plugin name can only be checked once the plugin said its name.
func checkNamePin(c candidate, name string, pins map[string]string) error {
	if c.builtIn {
		return nil
	}
	if want, ok := pins[name]; ok && !strings.EqualFold(want, c.sha256) {
		return fmt.Errorf("pluginhost: %s", pinMismatch(name, want, c.sha256))
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("pluginhost: hash plugin: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("pluginhost: hash plugin: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
