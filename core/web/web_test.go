package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
)

func newApp(t *testing.T, cfg Config) *fiber.App {
	t.Helper()
	ui, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	app.Get("/*", ui.Handler())
	return app
}

func get(t *testing.T, app *fiber.App, target string, header map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func body(t *testing.T, res *http.Response) []byte {
	t.Helper()
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestContentTypesAndHeaders(t *testing.T) {
	app := newApp(t, Config{})
	for _, tc := range []struct{ path, ctype string }{
		{"/", "text/html; charset=utf-8"},
		{"/index.html", "text/html; charset=utf-8"},
		{"/app.js", "text/javascript; charset=utf-8"},
		{"/vendor/preact-htm.js", "text/javascript; charset=utf-8"},
		{"/style.css", "text/css; charset=utf-8"},
		{"/vendor/uplot.css", "text/css; charset=utf-8"},
		{"/favicon.svg", "image/svg+xml"},
	} {
		res := get(t, app, tc.path, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", tc.path, res.StatusCode)
		}
		if got := res.Header.Get("Content-Type"); got != tc.ctype {
			t.Errorf("GET %s Content-Type = %q, want %q", tc.path, got, tc.ctype)
		}
		if got := res.Header.Get("Content-Security-Policy"); got != ContentSecurityPolicy {
			t.Errorf("GET %s CSP = %q", tc.path, got)
		}
		if got := res.Header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("GET %s Cache-Control = %q", tc.path, got)
		}
		if res.Header.Get("ETag") == "" {
			t.Errorf("GET %s has no ETag", tc.path)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s lacks nosniff", tc.path)
		}
	}
}

// TestStrictPolicy: the UI's policy allows nothing from elsewhere and no
// inline code.
func TestStrictPolicy(t *testing.T) {
	if !strings.HasPrefix(ContentSecurityPolicy, "default-src 'self';") {
		t.Errorf("policy %q does not start with default-src 'self'", ContentSecurityPolicy)
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "http:", "https:", "*", "data:"} {
		if strings.Contains(ContentSecurityPolicy, bad) {
			t.Errorf("policy %q contains %q", ContentSecurityPolicy, bad)
		}
	}
}

func TestSPAFallbackAndNotFound(t *testing.T) {
	app := newApp(t, Config{})
	index := body(t, get(t, app, "/", nil))
	res := get(t, app, "/dashboard", nil)
	if res.StatusCode != http.StatusOK || !bytes.Equal(body(t, res), index) {
		t.Errorf("GET /dashboard = %d, want index.html", res.StatusCode)
	}
	if res := get(t, app, "/missing.js", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /missing.js = %d, want 404", res.StatusCode)
	}
}

func TestBaseHref(t *testing.T) {
	for base, want := range map[string]string{
		"":                                `<base href="/">`,
		"http://localhost:7337":           `<base href="/">`,
		"https://example.org/searcharr/":  `<base href="/searcharr/">`,
		"https://example.org/a/searcharr": `<base href="/a/searcharr/">`,
	} {
		got := body(t, get(t, newApp(t, Config{BaseURL: base}), "/", nil))
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("base URL %q: index.html lacks %s", base, want)
		}
	}
}

func TestCompressionAndRevalidation(t *testing.T) {
	app := newApp(t, Config{})
	plain := body(t, get(t, app, "/app.js", nil))

	res := get(t, app, "/app.js", map[string]string{"Accept-Encoding": "gzip"})
	if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("gzip: Content-Encoding %q Vary %q", res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body(t, res)))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(zr); !bytes.Equal(got, plain) {
		t.Error("gzip body does not decode to the file")
	}

	res = get(t, app, "/app.js", map[string]string{"Accept-Encoding": "gzip, deflate, br"})
	if res.Header.Get("Content-Encoding") != "br" {
		t.Fatalf("br: Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	etag := res.Header.Get("ETag")
	if got, _ := io.ReadAll(brotli.NewReader(bytes.NewReader(body(t, res)))); !bytes.Equal(got, plain) {
		t.Error("brotli body does not decode to the file")
	}

	res = get(t, app, "/app.js", map[string]string{"Accept-Encoding": "br;q=0, gzip;q=0"})
	if res.Header.Get("Content-Encoding") != "" {
		t.Errorf("q=0 encodings used: %q", res.Header.Get("Content-Encoding"))
	}

	res = get(t, app, "/app.js", map[string]string{"Accept-Encoding": "br", "If-None-Match": etag})
	if res.StatusCode != http.StatusNotModified || len(body(t, res)) != 0 {
		t.Errorf("revalidation = %d, want 304 without a body", res.StatusCode)
	}
}

// allowedURL matches the only absolute URLs an embedded file may hold
// outside comments: XML namespaces, which name and never load.
var allowedURL = regexp.MustCompile(`^http://www\.w3\.org/(2000/svg|1999/xlink|1999/xhtml|XML/1998/namespace)`)

var absoluteURL = regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s"'<>)]*`)

// TestNoOtherOrigin: nothing embedded refers to another origin, except in
// comments (license headers, links in vendored sources) and XML
// namespaces. So the UI loads nothing from elsewhere and works offline.
func TestNoOtherOrigin(t *testing.T) {
	err := fs.WalkDir(Files(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch path.Ext(p) {
		case ".md", ".LICENSE":
			return nil // documentation, never loaded by the page
		}
		data, err := fs.ReadFile(Files(), p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			trimmed := strings.TrimSpace(line)
			if strings.HasPrefix(trimmed, "//") || strings.HasPrefix(trimmed, "*") || strings.HasPrefix(trimmed, "/*") {
				continue
			}
			for _, u := range absoluteURL.FindAllString(line, -1) {
				if allowedURL.MatchString(u) {
					continue
				}
				t.Errorf("%s:%d refers to another origin: %s", p, i+1, u)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestNoInlineCode: the strict policy would block inline scripts, inline
// style attributes and event handler attributes in HTML, so none may ship.
func TestNoInlineCode(t *testing.T) {
	inline := regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>\s*[^<\s]|\sstyle\s*=|\son[a-z]+\s*=`)
	err := fs.WalkDir(Files(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".html" {
			return err
		}
		data, err := fs.ReadFile(Files(), p)
		if err != nil {
			return err
		}
		if m := inline.Find(data); m != nil {
			t.Errorf("%s has inline code: %q", p, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCompressedSize keeps the whole UI under 300 KB compressed: the sum
// of the gzip sizes of every file a page can load.
func TestCompressedSize(t *testing.T) {
	const limit = 300 << 10
	ui, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for name, a := range ui.files {
		switch path.Ext(name) {
		case ".md", ".LICENSE":
			continue
		}
		if a.gz != nil {
			total += len(a.gz)
		} else {
			total += len(a.raw)
		}
	}
	t.Logf("whole UI: %d bytes gzip-compressed", total)
	if total > limit {
		t.Errorf("the UI is %d bytes compressed, over the %d byte budget", total, limit)
	}
}
