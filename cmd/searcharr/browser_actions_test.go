package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The tests find elements the way a person does: by label text, by button
// text, by role and by what the page says. finder is evaluated by the
// DevTools protocol, which the page's CSP does not restrict, so no script
// is injected into the page itself (chromedp's Poll would need eval).
const finder = `(() => {
	const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
	const low = (s) => norm(s).toLowerCase();
	const shown = (el) => !!(el && (el.offsetWidth || el.offsetHeight || el.getClientRects().length));
	const nameOf = (el) => {
		if (!el) return '';
		if (el.getAttribute('aria-label')) return norm(el.getAttribute('aria-label'));
		if (el.getAttribute('aria-labelledby')) {
			return norm(el.getAttribute('aria-labelledby').split(/\s+/).map((id) => {
				const l = document.getElementById(id); return l ? l.textContent : '';
			}).join(' '));
		}
		if (el.labels && el.labels.length) return norm(el.labels[0].textContent);
		if (el.tagName === 'INPUT' && (el.type === 'submit' || el.type === 'button')) return norm(el.value);
		return norm(el.textContent);
	};
	// pick prefers an exact match of the name, then one that starts with it.
	const pick = (els, text) => {
		const want = low(text);
		const list = [...els].filter(shown);
		return list.find((el) => low(nameOf(el)) === want)
			|| list.find((el) => low(nameOf(el)).startsWith(want)) || null;
	};
	const controls = 'input, select, textarea, [contenteditable=true], [role=textbox], [role=combobox], [role=switch], [role=checkbox]';
	const clickables = 'button, a[href], [role=button], [role=tab], [role=link], [role=menuitem], [role=option], summary, input[type=submit], input[type=button]';
	return {
		norm, shown, nameOf,
		field: (text) => pick(document.querySelectorAll(controls), text),
		button: (text) => pick(document.querySelectorAll(clickables), text),
		heading: () => { const h = document.querySelector('h1'); return h ? norm(h.textContent) : ''; },
		text: () => norm(document.body ? document.body.innerText : ''),
		active: () => {
			const el = document.activeElement;
			if (!el || el === document.body) return '';
			return el.tagName.toLowerCase() + ':' + nameOf(el);
		},
	};
})()`

// js is an expression over the finder, bound as f.
func js(expr string) string { return "((f) => " + expr + ")(" + finder + ")" }

// jsString quotes s as a JavaScript string.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// eval evaluates an expression in the page and decodes its value into T.
func evalIn[T any](p *browserPage, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluating %.120s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it is true. The timeout only
// turns a hang into a failure, stretched like waitUntil's.
func (p *browserPage) waitFor(what, cond string, timeout time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(3 * timeout)
	for {
		ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			return
		}
		if p.ctx.Err() != nil {
			p.t.Fatalf("waiting for %s: %v", what, p.ctx.Err())
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("timed out waiting for %s; the page shows: %.1500s", what, p.pageText())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pageText is the text the page shows, for failure messages.
func (p *browserPage) pageText() string {
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](js("f.text()")))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	return v
}

// waitText waits until the page shows text.
func (p *browserPage) waitText(text string) {
	p.t.Helper()
	p.waitFor(fmt.Sprintf("the page to show %q", text), js("f.text().includes("+jsString(text)+")"), 15*time.Second)
}

// hasText tells whether the page shows text now.
func (p *browserPage) hasText(text string) bool {
	p.t.Helper()
	return evalIn[bool](p, js("f.text().includes("+jsString(text)+")"))
}

// waitHeading waits until the page's h1 reads heading (case-insensitive
// prefix), which is how a test knows a route has rendered.
func (p *browserPage) waitHeading(heading string) {
	p.t.Helper()
	p.waitFor(fmt.Sprintf("the heading %q", heading),
		js("f.heading().toLowerCase().startsWith("+jsString(strings.ToLower(heading))+")"), 15*time.Second)
}

// fieldExpr and buttonExpr select a control by its label or a button by
// its text.
func fieldExpr(label string) string { return js("f.field(" + jsString(label) + ")") }
func buttonExpr(text string) string { return js("f.button(" + jsString(text) + ")") }

// fill replaces the value of the field labelled label by typing value.
func (p *browserPage) fill(label, value string) {
	p.t.Helper()
	sel := fieldExpr(label)
	p.waitFor(fmt.Sprintf("a field labelled %q", label), sel, 15*time.Second)
	// Select what is there (Ctrl+A) and type over it, as a person would;
	// an empty value is Backspace on the selection.
	keys := value
	if keys == "" {
		keys = kb.Backspace
	}
	err := chromedp.Do(p.ctx,
		chromedp.Focus(chromedp.JSPath(sel)),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(keys),
	)
	if err != nil {
		p.t.Fatalf("filling %q: %v", label, err)
	}
}

// choose picks the option whose text is option in the select labelled
// label, with the keyboard.
func (p *browserPage) choose(label, option string) {
	p.t.Helper()
	sel := fieldExpr(label)
	p.waitFor(fmt.Sprintf("a select labelled %q with the option %q", label, option),
		js("(() => { const el = f.field("+jsString(label)+"); return el && [...(el.options || [])].some((o) => f.norm(o.textContent) === "+jsString(option)+" || f.norm(o.textContent).startsWith("+jsString(option+" ")+")); })()"), 15*time.Second)
	// Focused, a select takes its options' first letters, like any list.
	if err := chromedp.Do(p.ctx, chromedp.Focus(chromedp.JSPath(sel))); err != nil {
		p.t.Fatalf("focusing %q: %v", label, err)
	}
	p.selectFocused(option)
}

// selectFocused picks an option of the focused select by moving through
// its options with the arrow keys, which fire change events like a user.
// option is the option's text, or its first words.
func (p *browserPage) selectFocused(option string) {
	p.t.Helper()
	idx := evalIn[int](p, `(() => {
		const el = document.activeElement;
		const texts = [...el.options].map((o) => o.textContent.replace(/\s+/g, ' ').trim());
		let i = texts.indexOf(`+jsString(option)+`);
		if (i < 0) i = texts.findIndex((t) => t.startsWith(`+jsString(option+" ")+`));
		return i - el.selectedIndex;
	})()`)
	key := kb.ArrowDown
	if idx < 0 {
		key, idx = kb.ArrowUp, -idx
	}
	for range idx {
		if err := chromedp.Do(p.ctx, chromedp.KeyEvent(key)); err != nil {
			p.t.Fatal(err)
		}
	}
	got := evalIn[string](p, `(() => { const el = document.activeElement; return el.options[el.selectedIndex].textContent.replace(/\s+/g, ' ').trim(); })()`)
	if got != option && !strings.HasPrefix(got, option+" ") {
		p.t.Fatalf("the select shows %q, want %q", got, option)
	}
}

// click clicks the button (or link) whose text or aria-label is text.
func (p *browserPage) click(text string) {
	p.t.Helper()
	sel := buttonExpr(text)
	p.waitFor(fmt.Sprintf("a button %q", text), sel, 15*time.Second)
	if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.JSPath(sel))); err != nil {
		p.t.Fatalf("clicking %q: %v", text, err)
	}
}

// press sends keys (see kb) to the focused element.
func (p *browserPage) press(keys ...string) {
	p.t.Helper()
	for _, k := range keys {
		if err := chromedp.Do(p.ctx, chromedp.KeyEvent(k)); err != nil {
			p.t.Fatalf("pressing %q: %v", k, err)
		}
	}
}

// typeText types text into the focused element, key by key.
func (p *browserPage) typeText(text string) {
	p.t.Helper()
	p.press(text)
}

// typeOver selects what the focused field holds (Ctrl+A) and types text
// over it.
func (p *browserPage) typeOver(text string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil {
		p.t.Fatal(err)
	}
	p.typeText(text)
}

// focused describes the focused element as tag:accessible-name.
func (p *browserPage) focused() string {
	p.t.Helper()
	return evalIn[string](p, js("f.active()"))
}

// tabTo presses Tab until the focused element's accessible name is name
// (case-insensitive prefix), as a keyboard user moves through a page. It
// fails if name is not reached within a page's worth of stops.
func (p *browserPage) tabTo(name string) {
	p.t.Helper()
	want := strings.ToLower(name)
	var seen []string
	for range 60 {
		f := p.focused()
		if _, n, ok := strings.Cut(f, ":"); ok && strings.HasPrefix(strings.ToLower(n), want) {
			return
		}
		seen = append(seen, f)
		p.press(kb.Tab)
	}
	p.t.Fatalf("Tab never reached %q; focus went through %q", name, seen)
}

// fieldState is what a field tells assistive technology about itself.
type fieldState struct {
	Invalid     bool   `json:"invalid"`
	Description string `json:"description"`
	// Error is the part of the description that is an error message
	// (role=alert or class field-error), without the help text.
	Error string `json:"error"`
	Value string `json:"value"`
}

// field reads the state of the control labelled label: aria-invalid, the
// text of what aria-describedby points at, and its value.
func (p *browserPage) field(label string) fieldState {
	p.t.Helper()
	p.waitFor(fmt.Sprintf("a field labelled %q", label), fieldExpr(label), 15*time.Second)
	return evalIn[fieldState](p, js(`(() => {
		const el = f.field(`+jsString(label)+`);
		const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
		const parts = ids.map((id) => document.getElementById(id)).filter(Boolean);
		return {
			invalid: el.getAttribute('aria-invalid') === 'true',
			description: f.norm(parts.map((d) => d.textContent).join(' ')),
			error: f.norm(parts.filter((d) => d.getAttribute('role') === 'alert' || d.classList.contains('field-error')).map((d) => d.textContent).join(' ')),
			value: el.value === undefined ? f.norm(el.textContent) : el.value,
		};
	})()`))
}

// alerts are the texts of the page's role=alert regions.
func (p *browserPage) alerts() []string {
	p.t.Helper()
	return evalIn[[]string](p, js(`[...document.querySelectorAll('[role=alert]')].filter(f.shown).map((el) => f.norm(el.textContent)).filter(Boolean)`))
}

// withTimeout runs fn with a shorter deadline on the page's context.
func (p *browserPage) withTimeout(d time.Duration, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(p.ctx, d)
	defer cancel()
	return fn(ctx)
}
