package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// options say what goes into one image.
type options struct {
	Binary  string // a static searcharr binary for Arch
	CAFile  string // the CA bundle to ship
	Arch    string // GOARCH: amd64, arm64, arm
	Variant string // "v7" for arm
	Version string // image label
	// Created stamps the image and its files; a fixed value makes the
	// build reproducible.
	Created time.Time
}

// buildImage assembles the image: one layer holding entries, on nothing.
func buildImage(o options) (v1.Image, error) {
	if o.Binary == "" || o.CAFile == "" || o.Arch == "" {
		return nil, fmt.Errorf("mkimage: binary, CA file and architecture are required")
	}
	layerTar, err := layerBytes(entries(o.Binary, o.CAFile), o.Created)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("mkimage: layer: %w", err)
	}
	cfg := imageConfig()
	if o.Version != "" {
		cfg.Labels["org.opencontainers.image.version"] = o.Version
	}
	base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	base, err = mutate.ConfigFile(base, &v1.ConfigFile{
		Architecture: o.Arch,
		Variant:      o.Variant,
		OS:           "linux",
		Created:      v1.Time{Time: o.Created},
		Config:       cfg,
		RootFS:       v1.RootFS{Type: "layers"},
	})
	if err != nil {
		return nil, fmt.Errorf("mkimage: config: %w", err)
	}
	img, err := mutate.Append(base, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   v1.Time{Time: o.Created},
			CreatedBy: "mkimage: searcharr binary, CA certificates, /config, /tmp",
		},
	})
	if err != nil {
		return nil, fmt.Errorf("mkimage: %w", err)
	}
	return img, nil
}

// layerBytes is the layer's tar: the entries with their modes and owners,
// every file stamped with mtime.
func layerBytes(es []entry, mtime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range es {
		h := &tar.Header{
			Name:    strings.TrimPrefix(e.Path, "/"),
			Mode:    int64(e.Mode.Perm()),
			Uid:     e.UID,
			Gid:     e.GID,
			ModTime: mtime,
			Format:  tar.FormatPAX,
		}
		if e.Mode&os.ModeSticky != 0 {
			h.Mode |= 0o1000
		}
		var body []byte
		if e.Mode.IsDir() {
			h.Typeflag = tar.TypeDir
			h.Name += "/"
		} else {
			var err error
			if body, err = os.ReadFile(e.Source); err != nil {
				return nil, fmt.Errorf("mkimage: %w", err)
			}
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(body))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("mkimage: %w", err)
		}
		if _, err := tw.Write(body); err != nil {
			return nil, fmt.Errorf("mkimage: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("mkimage: %w", err)
	}
	return buf.Bytes(), nil
}
