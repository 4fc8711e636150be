// Command mkimage assembles Searcharr's container image without a
// container engine: one layer with the static binary, the CA certificates,
// /config (the volume, owned by the non-root user) and /tmp, and the image
// configuration (entrypoint, user, port, volume, health check). It writes
// an image tarball that "docker load" and "podman load" take.
//
//	CGO_ENABLED=0 GOARCH=arm64 go build -o dist/arm64/searcharr ./cmd/searcharr
//	go run ./cmd/mkimage --binary dist/arm64/searcharr --arch arm64 --out dist/searcharr-image-arm64.tar
//
// With --rootfs DIR it writes the same layout into a directory instead:
// the Dockerfile's builder stage does, and copies it into an empty image.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("mkimage", flag.ContinueOnError)
	var o options
	fs.StringVar(&o.Binary, "binary", "", "static searcharr binary for the architecture")
	fs.StringVar(&o.CAFile, "ca-file", "/etc/ssl/certs/ca-certificates.crt", "CA certificate bundle to ship")
	fs.StringVar(&o.Arch, "arch", "amd64", "architecture: amd64, arm64 or arm")
	fs.StringVar(&o.Variant, "variant", "", "architecture variant (v7 for arm)")
	fs.StringVar(&o.Version, "version", "dev", "version label and tag")
	out := fs.String("out", "", "image tarball to write")
	tags := fs.String("tag", "searcharr:latest", "image names and tags recorded in the tarball, comma-separated")
	rootfs := fs.String("rootfs", "", "write the layout into this directory instead of an image")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rootfs != "" {
		return writeRootfs(*rootfs, entries(o.Binary, o.CAFile))
	}
	if *out == "" {
		return fmt.Errorf("mkimage: --out or --rootfs is required")
	}
	created, err := sourceDate(os.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return err
	}
	o.Created = created
	img, err := buildImage(o)
	if err != nil {
		return err
	}
	refs := map[name.Reference]v1.Image{}
	for _, t := range strings.Split(*tags, ",") {
		ref, err := name.NewTag(strings.TrimSpace(t))
		if err != nil {
			return fmt.Errorf("mkimage: tag %q: %w", t, err)
		}
		refs[ref] = img
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return fmt.Errorf("mkimage: %w", err)
	}
	if err := tarball.MultiRefWriteToFile(*out, refs); err != nil {
		return fmt.Errorf("mkimage: %w", err)
	}
	digest, err := img.Digest()
	if err != nil {
		return fmt.Errorf("mkimage: %w", err)
	}
	fmt.Printf("%s %s linux/%s%s %s\n", *out, *tags, o.Arch, o.Variant, digest)
	return nil
}

// sourceDate is the image's creation time: SOURCE_DATE_EPOCH when set (a
// reproducible build), else the Unix epoch.
func sourceDate(epoch string) (time.Time, error) {
	if epoch == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	n, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("mkimage: SOURCE_DATE_EPOCH %q: %w", epoch, err)
	}
	return time.Unix(n, 0).UTC(), nil
}
