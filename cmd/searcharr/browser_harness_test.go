package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's Chromium through the DevTools protocol
// against a real searcharr serve and a real fakearr. One browser serves the
// whole test binary; each test gets its own browser context (its own
// cookies and storage) and tab, closed when the test ends.

// chromiumPath finds the browser: SEARCHARR_CHROMIUM, else Debian's
// /usr/bin/chromium, else chromium on PATH. It is empty when none is there.
func chromiumPath() string {
	if p := os.Getenv("SEARCHARR_CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// sharedBrowser is the one browser of this test binary, started by the
// first browser test and stopped by TestMain.
var sharedBrowser struct {
	once    sync.Once
	ctx     context.Context // a chromedp context holding the browser
	stop    func()
	dataDir string
	err     error
}

// browserFlags are the launch flags: headless, no sandbox (CI runs as
// root), nothing the browser would fetch by itself, a fresh profile.
func browserFlags(execPath, dataDir string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(dataDir),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("lang", "en-US"),
		chromedp.WindowSize(1280, 860),
	}
}

// browser returns the context of the shared browser, starting it on first
// use. Without Chromium the test is skipped, with a message, except on CI
// (CI=true), where a missing browser fails the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but Chromium is missing: .ci/run installs Debian's chromium; the browser tests must run on CI")
		}
		t.Skip("browser test skipped: Chromium not found (apt-get install chromium, or set SEARCHARR_CHROMIUM)")
	}
	sharedBrowser.once.Do(func() {
		dir, err := os.MkdirTemp("", "searcharr-chromium")
		if err != nil {
			sharedBrowser.err = err
			return
		}
		sharedBrowser.dataDir = dir
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), browserFlags(path, dir)...)
		ctx, cancel := chromedp.NewContext(alloc)
		sharedBrowser.ctx = ctx
		sharedBrowser.stop = func() { cancel(); cancelAlloc(); os.RemoveAll(dir) }
		// The first Do starts the browser with its first tab; the browser
		// lives as long as the context given to it, so it gets ctx itself.
		if err := chromedp.Do(ctx); err != nil {
			sharedBrowser.err = fmt.Errorf("starting %s: %w", path, err)
		}
	})
	if sharedBrowser.err != nil {
		t.Fatal(sharedBrowser.err)
	}
	return sharedBrowser.ctx
}

// stopBrowser ends the shared browser, if a test started it.
func stopBrowser() {
	if sharedBrowser.stop != nil {
		sharedBrowser.stop()
	}
}

// guardWorld is the isolated world where the CSP listener runs; the page's
// own scripts cannot see it, and the page's CSP is not relaxed for it.
const guardWorld = "searcharr-guards"

// guardBinding receives the page's securitypolicyviolation events.
const guardBinding = "searcharrGuardReport"

const cspListener = `document.addEventListener('securitypolicyviolation', (e) => {
	` + guardBinding + `(JSON.stringify({directive: e.violatedDirective, blocked: e.blockedURI,
		source: e.sourceFile, line: e.lineNumber, sample: e.sample}));
}, true);`

// browserPage is one tab of a test, with its guards: any console error,
// uncaught exception, CSP violation or request to another origin is a
// failure of the test.
type browserPage struct {
	t      *testing.T
	ctx    context.Context
	origin string // scheme://host:port of the server under test

	mu       sync.Mutex
	problems []string
	// statuses are the response statuses by request, so that a logged
	// "failed to load resource" can be told apart from an API answer the
	// page shows the user.
	statuses map[network.RequestID]network.Response
	failed   []log.Entry
	// allowed are the API statuses a test expects the page to receive.
	allowed map[int64]bool
	// requests are every URL the page asked for, in order.
	requests []string
	// axeWorld is the isolated world axe-core was loaded into.
	axeWorld runtime.ExecutionContextID
}

// openPage opens a tab in a fresh browser context, with the guards set,
// and navigates to base (the server's root URL, with any path).
func openPage(t *testing.T, base string) *browserPage {
	t.Helper()
	parent := browser(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	p := &browserPage{
		t:        t,
		origin:   u.Scheme + "://" + u.Host,
		statuses: map[network.RequestID]network.Response{},
		// A form the user got wrong, or a session that expired, is an
		// answer the page handles; a missing route or a crash is not.
		allowed: map[int64]bool{400: true, 401: true, 409: true, 422: true},
	}
	tab, closeTab := chromedp.NewContext(parent, chromedp.WithNewBrowserContext(), chromedp.WithListener(p.observe))
	ctx, cancel := context.WithTimeout(tab, 4*time.Minute)
	p.ctx = ctx
	t.Cleanup(func() {
		p.assertClean()
		cancel()
		closeTab()
	})
	err = chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, runtime.AddBinding, runtime.AddBindingParams{Name: guardBinding, ExecutionContextName: guardWorld}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspListener, WorldName: guardWorld})
			return err
		}),
		chromedp.EmulateViewport(1280, 860),
	)
	if err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	p.navigate(base)
	return p
}

// observe runs in the tab's event loop: it records, and never blocks.
func (p *browserPage) observe(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			p.problems = append(p.problems, fmt.Sprintf("console.%s: %s", ev.Type, remoteText(ev.Args)))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		p.problems = append(p.problems, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, text))
	case *runtime.EventBindingCalled:
		if ev.Name == guardBinding {
			p.problems = append(p.problems, "CSP violation: "+ev.Payload)
		}
	case *log.EventEntryAdded:
		if e := ev.Entry; e.Level == log.EntryLevelError {
			if e.Source == log.EntrySourceNetwork {
				// Judged later, once the response status is known.
				p.failed = append(p.failed, *e)
			} else {
				p.problems = append(p.problems, fmt.Sprintf("browser log (%s): %s %s", e.Source, e.Text, e.URL))
			}
		}
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		p.requests = append(p.requests, u)
		if !p.sameOrigin(u) {
			p.problems = append(p.problems, "request to another origin: "+u)
		}
	case *network.EventResponseReceived:
		if ev.Response != nil {
			p.statuses[ev.RequestID] = *ev.Response
		}
	}
}

// sameOrigin tells whether the page may load u: the server's own origin,
// or data and blob URLs that never leave the page.
func (p *browserPage) sameOrigin(u string) bool {
	if strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "blob:") {
		return true
	}
	parsed, err := url.Parse(u)
	if err != nil {
		return false
	}
	return parsed.Scheme+"://"+parsed.Host == p.origin
}

// allowStatus lets the page receive an API answer with this status (for
// example 404 when a test opens another user's run on purpose).
func (p *browserPage) allowStatus(status int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.allowed[status] = true
}

// takeProblems returns the problems seen so far and forgets them.
func (p *browserPage) takeProblems() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.problems
	for _, e := range p.failed {
		resp, known := p.statuses[e.NetworkRequestID]
		u, _ := url.Parse(e.URL)
		isAPI := known && u != nil && strings.Contains(u.Path, "/api/")
		if isAPI && p.allowed[resp.Status] {
			continue
		}
		if known {
			out = append(out, fmt.Sprintf("failed request: %d %s (%s)", resp.Status, e.URL, e.Text))
		} else {
			out = append(out, fmt.Sprintf("failed request: %s (%s)", e.URL, e.Text))
		}
	}
	p.problems, p.failed = nil, nil
	return out
}

// assertClean fails the test for every problem the guards saw.
func (p *browserPage) assertClean() {
	p.t.Helper()
	for _, pr := range p.takeProblems() {
		p.t.Errorf("browser guard: %s", pr)
	}
}

// remoteText renders console arguments the way the console shows them.
func remoteText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		switch {
		case len(a.Value) > 0:
			var s string
			if json.Unmarshal(a.Value, &s) == nil {
				parts = append(parts, s)
			} else {
				parts = append(parts, string(a.Value))
			}
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

// navigate loads a URL (absolute, or relative to the origin) and waits for
// the load event.
func (p *browserPage) navigate(u string) {
	p.t.Helper()
	if !strings.Contains(u, "://") {
		u = p.origin + "/" + strings.TrimPrefix(u, "/")
	}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(u)); err != nil {
		p.t.Fatalf("navigating to %s: %v", u, err)
	}
}

// screenshotsWanted tells whether this run writes docs/screenshots
// (make screenshots sets SEARCHARR_SCREENSHOTS=1).
func screenshotsWanted() bool { return os.Getenv("SEARCHARR_SCREENSHOTS") == "1" }

// screenshot writes docs/screenshots/<name>.png when screenshots are wanted.
func (p *browserPage) screenshot(name string) {
	p.t.Helper()
	if !screenshotsWanted() {
		return
	}
	// Let transitions and fonts settle: the picture is for people.
	time.Sleep(300 * time.Millisecond)
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// phone switches the viewport to a 375 px wide phone; desktop switches back.
func (p *browserPage) phone() {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile)); err != nil {
		p.t.Fatal(err)
	}
}

func (p *browserPage) desktop() {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 860)); err != nil {
		p.t.Fatal(err)
	}
}
