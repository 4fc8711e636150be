package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"
)

const strictCSP = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// TestBrowserGuards shows that the guards every browser test relies on
// catch what they are for (a guard that cannot fail proves nothing): a
// CSP violation, a console error, an uncaught exception, a request to
// another origin, a missing asset and an inaccessible page; and that a
// clean page passes them all and can be used with the keyboard alone.
func TestBrowserGuards(t *testing.T) {
	browser(t)
	// Another origin on the same machine: same address, other name.
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer other.Close()
	_, otherPort, _ := net.SplitHostPort(other.Listener.Addr().String())

	pages := map[string]string{
		"/clean": `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Clean</title><link rel="icon" href="icon.svg">
			<script type="module" src="clean.js"></script></head>
			<body><header><p>Guards</p></header><main><h1>A clean page</h1>
			<label for="name">Name</label> <input id="name">
			<button id="save" type="button">Save</button><p id="out" role="status"></p></main></body></html>`,
		"/clean.js": `document.getElementById('save').addEventListener('click', () => {
			document.getElementById('out').textContent = 'Saved: ' + document.getElementById('name').value;
		});`,
		"/icon.svg": `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>`,
		"/inline": `<!doctype html><html lang="en"><head><title>Inline</title></head><body><main><h1>x</h1>
			<script>document.title = 'ran';</script></main></body></html>`,
		"/console":    `<!doctype html><html lang="en"><head><title>Console</title><script type="module" src="console.js"></script></head><body><main><h1>x</h1></main></body></html>`,
		"/console.js": `console.error('something broke', 42);`,
		"/throw":      `<!doctype html><html lang="en"><head><title>Throw</title><script type="module" src="throw.js"></script></head><body><main><h1>x</h1></main></body></html>`,
		"/throw.js":   `throw new Error('boom from the page');`,
		"/missing":    `<!doctype html><html lang="en"><head><title>Missing</title><script type="module" src="gone.js"></script></head><body><main><h1>x</h1></main></body></html>`,
		"/foreign": `<!doctype html><html lang="en"><head><title>Foreign</title></head><body><main><h1>x</h1>
			<img alt="" src="http://localhost:` + otherPort + `/pixel.png"></main></body></html>`,
		"/inaccessible": `<!doctype html><html lang="en"><head><title>Bad</title></head><body><main><h1>x</h1>
			<input id="q"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Path != "/foreign" {
			w.Header().Set("Content-Security-Policy", strictCSP)
		}
		switch {
		case strings.HasSuffix(r.URL.Path, ".js"):
			w.Header().Set("Content-Type", "text/javascript")
		case strings.HasSuffix(r.URL.Path, ".svg"):
			w.Header().Set("Content-Type", "image/svg+xml")
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		fmt.Fprint(w, body)
	}))
	defer srv.Close()

	p := openPage(t, srv.URL+"/clean")
	p.waitHeading("A clean page")
	p.checkPage("clean")
	// Keyboard only: Tab to the field, type, Tab to the button, Enter.
	p.tabTo("Name")
	p.typeText("Ada")
	p.tabTo("Save")
	p.press(kb.Enter)
	p.waitText("Saved: Ada")
	// The same with the helpers the other tests use.
	p.fill("Name", "Grace")
	p.click("Save")
	p.waitText("Saved: Grace")
	if f := p.field("Name"); f.Value != "Grace" || f.Invalid {
		t.Fatalf("field state = %+v", f)
	}
	p.assertClean()

	for _, c := range []struct{ path, want string }{
		{"/inline", "CSP violation"},
		{"/console", "console.error: something broke 42"},
		{"/throw", "boom from the page"},
		{"/missing", "failed request: 404"},
		{"/foreign", "request to another origin: http://localhost:" + otherPort},
	} {
		p.navigate(srv.URL + c.path)
		var got []string
		deadline := time.Now().Add(10 * time.Second)
		for !containsAny(got, c.want) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			got = append(got, p.takeProblems()...)
		}
		if !containsAny(got, c.want) {
			t.Errorf("%s: the guards saw %q, want a problem containing %q", c.path, got, c.want)
		}
	}

	p.navigate(srv.URL + "/inaccessible")
	vs := p.axeRun()
	ids := map[string]bool{}
	for _, v := range vs {
		ids[v.ID] = true
	}
	if !ids["label"] || !ids["image-alt"] {
		t.Errorf("axe on an unlabelled input and an image without alt found %+v, want label and image-alt", vs)
	}
	p.takeProblems()
}

func containsAny(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
