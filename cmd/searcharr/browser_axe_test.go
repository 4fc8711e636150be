package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// axe-core is vendored in testdata/axe (see its VERSIONS.md and fetch.sh)
// and injected through the DevTools protocol into an isolated world of the
// page: the UI never serves it and its CSP is not relaxed for it.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	return string(b), err
})

// axeViolation is one rule a page breaks, as axe reports it.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeRun runs axe-core on the page as it is now and returns the serious
// and critical violations.
func (p *browserPage) axeRun() []axeViolation {
	p.t.Helper()
	src, err := axeSource()
	if err != nil {
		p.t.Fatalf("reading axe-core: %v", err)
	}
	out, err := chromedp.Run(p.ctx, func(ctx context.Context, tg *chromedp.Target) ([]axeViolation, error) {
		// A hash-routed page keeps its document, so axe is loaded once per
		// document into its world and reused.
		loaded := false
		if p.axeWorld != 0 {
			res, err := cdp.Call(ctx, tg, runtime.Evaluate, runtime.EvaluateParams{
				Expression: "typeof axe", ContextID: p.axeWorld, ReturnByValue: new(true),
			})
			loaded = err == nil && res.ExceptionDetails == nil && string(res.Result.Value) == `"object"`
		}
		if !loaded {
			tree, err := cdp.Call(ctx, tg, page.GetFrameTree, cdp.Empty{})
			if err != nil {
				return nil, err
			}
			world, err := cdp.Call(ctx, tg, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{
				FrameID: tree.FrameTree.Frame.ID, WorldName: "searcharr-axe",
			})
			if err != nil {
				return nil, err
			}
			p.axeWorld = world.ExecutionContextID
			res, err := cdp.Call(ctx, tg, runtime.Evaluate, runtime.EvaluateParams{
				Expression: src, ContextID: p.axeWorld,
			})
			if err != nil {
				return nil, err
			}
			if res.ExceptionDetails != nil {
				return nil, fmt.Errorf("loading axe-core: %s", res.ExceptionDetails.Text)
			}
		}
		res, err := cdp.Call(ctx, tg, runtime.Evaluate, runtime.EvaluateParams{
			Expression: `axe.run(document, {resultTypes: ['violations']}).then((r) => JSON.stringify(
				r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({
					id: v.id, impact: v.impact, help: v.help,
					nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\s+/g, ' ')),
				}))))`,
			ContextID:     p.axeWorld,
			AwaitPromise:  new(true),
			ReturnByValue: new(true),
		})
		if err != nil {
			return nil, err
		}
		if res.ExceptionDetails != nil {
			return nil, fmt.Errorf("running axe-core: %s %s", res.ExceptionDetails.Text, exceptionDescription(res.ExceptionDetails))
		}
		var encoded string
		if err := json.Unmarshal(res.Result.Value, &encoded); err != nil {
			return nil, err
		}
		var vs []axeViolation
		return vs, json.Unmarshal([]byte(encoded), &vs)
	})
	if err != nil {
		p.t.Fatalf("accessibility check: %v", err)
	}
	return out
}

func exceptionDescription(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

// checkPage is what every visited page goes through: the guards so far,
// then axe-core, failing on serious or critical violations.
func (p *browserPage) checkPage(name string) {
	p.t.Helper()
	p.assertClean()
	for _, v := range p.axeRun() {
		p.t.Errorf("accessibility (%s): %s %s: %s\n\t%s", name, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
}
