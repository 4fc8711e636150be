// Package web is Searcharr's web UI: native ES modules, a stylesheet and
// vendored libraries (static/vendor, refreshed by vendor.sh) embedded in the
// binary and served from memory, compressed once at start.
//
// The UI is a client of the public REST API only: it holds no server logic
// and this package imports nothing of Searcharr's core. Pages use hash
// routes (#/instances), so the same index.html answers every page and the
// UI works under a base URL path behind a reverse proxy.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/url"
	"path"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
)

//go:embed static
var embedded embed.FS

// ContentSecurityPolicy is the policy of every UI response: everything
// from this origin only, no inline script or style attribute, no eval.
const ContentSecurityPolicy = "default-src 'self'; object-src 'none'; base-uri 'self'; " +
	"form-action 'self'; frame-ancestors 'none'"

// Cache-Control values. Module URLs carry no content hash (there is no
// build step), so every file is revalidated with its ETag; an unchanged
// file costs a 304.
const (
	cacheRevalidate = "no-cache"
)

// brotliLevel trades a little size for a quicker start: every file is
// compressed when the server starts, and level 11 is many times slower than
// level 9 for a few percent.
const brotliLevel = 9

// Config tunes the UI.
type Config struct {
	// BaseURL is the public URL (SEARCHARR_BASE_URL), if any; index.html's
	// <base href> points at its path so relative module and API URLs
	// resolve behind a reverse proxy that serves Searcharr under a path.
	BaseURL string
}

// asset is one file ready to serve.
type asset struct {
	contentType string
	etag        string
	raw, gz, br []byte
}

// UI serves the embedded files.
type UI struct {
	files map[string]*asset
}

// Files returns the embedded static tree (for tests and tools).
func Files() fs.FS {
	sub, err := fs.Sub(embedded, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	return sub
}

// New loads and compresses every embedded file.
func New(cfg Config) (*UI, error) {
	base := "/"
	if cfg.BaseURL != "" {
		u, err := url.Parse(strings.TrimSpace(cfg.BaseURL))
		if err != nil {
			return nil, fmt.Errorf("web: base URL: %w", err)
		}
		base = strings.TrimRight(u.Path, "/") + "/"
	}
	u := &UI{files: map[string]*asset{}}
	err := fs.WalkDir(Files(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(Files(), p)
		if err != nil {
			return err
		}
		if path.Ext(p) == ".html" {
			body = bytes.Replace(body, []byte(`<base href="/">`), []byte(`<base href="`+base+`">`), 1)
		}
		a, err := newAsset(p, body)
		if err != nil {
			return err
		}
		u.files["/"+p] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: load assets: %w", err)
	}
	if u.files["/index.html"] == nil {
		return nil, fmt.Errorf("web: index.html is not embedded")
	}
	return u, nil
}

func newAsset(name string, body []byte) (*asset, error) {
	sum := sha256.Sum256(body)
	a := &asset{contentType: contentType(name), etag: `"` + hex.EncodeToString(sum[:8]) + `"`, raw: body}
	if !compressible(a.contentType) {
		return a, nil
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	var br bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotliLevel)
	if _, err := bw.Write(body); err != nil {
		return nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, err
	}
	a.gz, a.br = gz.Bytes(), br.Bytes()
	return a, nil
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".json":
		return "application/json"
	case ".md", ".txt", ".LICENSE", "":
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "image/svg")
}

// Has reports whether p names an embedded file ("/app.js"), or is the
// root, which serves index.html.
func (u *UI) Has(p string) bool {
	return p == "/" || u.files[p] != nil
}

// Handler serves GET and HEAD: the embedded file at the request path,
// index.html for "/" and for extensionless paths (a page's address typed
// without its #), 404 otherwise. It sets the UI's content security policy
// itself, so it holds whatever the middleware before it set.
func (u *UI) Handler() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
			return fiber.ErrMethodNotAllowed
		}
		p := c.Path()
		a := u.files[p]
		if a == nil {
			if path.Ext(p) != "" {
				return fiber.ErrNotFound
			}
			a = u.files["/index.html"]
		}
		return u.serve(c, a)
	}
}

func (u *UI) serve(c *fiber.Ctx, a *asset) error {
	c.Set(fiber.HeaderContentSecurityPolicy, ContentSecurityPolicy)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, cacheRevalidate)
	c.Set(fiber.HeaderContentType, a.contentType)
	body, etag := a.raw, a.etag
	if a.gz != nil {
		c.Vary(fiber.HeaderAcceptEncoding)
		switch enc := c.Get(fiber.HeaderAcceptEncoding); {
		case acceptsEncoding(enc, "br"):
			body, etag = a.br, strings.TrimSuffix(a.etag, `"`)+`-br"`
			c.Set(fiber.HeaderContentEncoding, "br")
		case acceptsEncoding(enc, "gzip"):
			body, etag = a.gz, strings.TrimSuffix(a.etag, `"`)+`-gz"`
			c.Set(fiber.HeaderContentEncoding, "gzip")
		}
	}
	c.Set(fiber.HeaderETag, etag)
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && strings.Contains(match, etag) {
		c.Response().Header.Del(fiber.HeaderContentEncoding)
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(body)
}

// acceptsEncoding reports whether an Accept-Encoding header accepts enc
// (listed without q=0).
func acceptsEncoding(header, enc string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
