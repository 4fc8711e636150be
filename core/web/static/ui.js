// Shared components. Every input has a visible label, errors are announced,
// buttons have visible text; tests find elements by label, role and text,
// so keep those stable.
import { html, render, useState, useEffect, useRef } from './vendor/preact-htm.js';
import { ApiError } from './api.js';

export { html, render, useState, useEffect, useRef };

let nextId = 0;
/** A stable id for a component instance. */
export function useId(prefix = 'f') {
  const ref = useRef(null);
  if (ref.current === null) ref.current = `${prefix}-${++nextId}`;
  return ref.current;
}

/**
 * A labelled input with its help and error.
 * Props: label, value, onInput(value), type, error, help, required,
 * as ('input' | 'select' | 'textarea'), options ([{value, label}]), id,
 * and any input attribute (autocomplete, placeholder, min, max...).
 */
export function Field({ label, value, onInput, type = 'text', error, help, as = 'input', options, id, children, ...rest }) {
  const auto = useId('field');
  const fid = id || auto;
  const helpId = help ? `${fid}-help` : null;
  const errId = error ? `${fid}-error` : null;
  const described = [errId, helpId].filter(Boolean).join(' ') || undefined;
  const common = {
    id: fid,
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': described,
    ...rest,
  };
  let control;
  if (as === 'select') {
    control = html`<select ...${common} value=${value} onChange=${(e) => onInput && onInput(e.target.value)}>
      ${(options || []).map((o) => html`<option value=${o.value}>${o.label}</option>`)}
    </select>`;
  } else if (as === 'textarea') {
    control = html`<textarea ...${common} value=${value} onInput=${(e) => onInput && onInput(e.target.value)} />`;
  } else if (type === 'checkbox') {
    return html`<div class="field field-check">
      <input ...${common} type="checkbox" checked=${!!value} onChange=${(e) => onInput && onInput(e.target.checked)} />
      <label for=${fid}>${label}</label>
      ${error && html`<p id=${errId} class="field-error" role="alert">${error}</p>`}
      ${help && html`<p id=${helpId} class="help">${help}</p>`}
    </div>`;
  } else {
    control = html`<input ...${common} type=${type} value=${value ?? ''} onInput=${(e) => onInput && onInput(type === 'number' ? e.target.valueAsNumber : e.target.value)} />`;
  }
  return html`<div class=${'field' + (error ? ' has-error' : '')}>
    <label for=${fid}>${label}</label>
    ${control}
    ${children}
    ${error && html`<p id=${errId} class="field-error" role="alert">${error}</p>`}
    ${help && html`<p id=${helpId} class="help">${help}</p>`}
  </div>`;
}

/** A button; kind: primary | secondary | danger | ghost; busy shows a spinner and disables it. */
export function Button({ kind = 'secondary', busy = false, type = 'button', children, disabled, ...rest }) {
  return html`<button type=${type} class=${'btn btn-' + kind} disabled=${disabled || busy} aria-busy=${busy ? 'true' : undefined} ...${rest}>
    ${busy && html`<span class="spinner spinner-inline" aria-hidden="true"></span>`}${children}
  </button>`;
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.className = 'offscreen';
  document.body.appendChild(ta);
  ta.select();
  try { document.execCommand('copy'); } finally { ta.remove(); }
}

/** Copies text to the clipboard; label names what is copied ("URL"). */
export function CopyButton({ text, label }) {
  const [done, setDone] = useState(false);
  const onClick = async () => {
    try {
      await copyText(text);
      setDone(true);
      setTimeout(() => setDone(false), 1500);
    } catch (e) {
      toast(`Could not copy the ${label || 'value'}; select it and copy by hand.`, 'error');
    }
  };
  return html`<button type="button" class="btn btn-ghost btn-small" onClick=${onClick}>
    ${done ? 'Copied' : `Copy ${label || ''}`.trim()}
  </button>`;
}

/** A titled section. */
export function Card({ title, actions, children, class: cls = '', level = 2 }) {
  const H = `h${level}`;
  return html`<section class=${'card ' + cls}>
    ${(title || actions) && html`<div class="card-head">
      ${title && html`<${H} class="card-title">${title}</${H}>`}
      ${actions && html`<div class="card-actions">${actions}</div>`}
    </div>`}
    ${children}
  </section>`;
}

/** A small status label; kind: ok | warn | error | info | muted. */
export function Badge({ kind = 'muted', children }) {
  return html`<span class=${'badge badge-' + kind}>${children}</span>`;
}

/** A modal confirmation (native <dialog>: focus trapped, Escape cancels). */
export function ConfirmDialog({ open, title, children, confirmLabel = 'Confirm', kind = 'danger', busy, onConfirm, onCancel }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const titleId = useId('dialog');
  return html`<dialog ref=${ref} class="dialog" aria-labelledby=${titleId} onCancel=${(e) => { e.preventDefault(); onCancel && onCancel(); }}>
    <h2 id=${titleId}>${title}</h2>
    <div class="dialog-body">${children}</div>
    <div class="dialog-actions">
      <${Button} onClick=${onCancel}>Cancel</${Button}>
      <${Button} kind=${kind} busy=${busy} onClick=${onConfirm}>${confirmLabel}</${Button}>
    </div>
  </dialog>`;
}

// Toasts: a module-level list rendered by <Toasts/> (mounted once by app.js).
let toasts = [];
let toastSeq = 0;
const toastListeners = new Set();
function emitToasts() { for (const fn of toastListeners) fn(toasts); }

/** Shows a short message; kind: info | ok | error. */
export function toast(message, kind = 'info') {
  const id = ++toastSeq;
  toasts = [...toasts, { id, message, kind }];
  emitToasts();
  setTimeout(() => { toasts = toasts.filter((t) => t.id !== id); emitToasts(); }, kind === 'error' ? 8000 : 4000);
}

/** The toast area; app.js mounts it once. */
export function Toasts() {
  const [list, setList] = useState(toasts);
  useEffect(() => { toastListeners.add(setList); return () => toastListeners.delete(setList); }, []);
  return html`<div class="toasts" role="status" aria-live="polite">
    ${list.map((t) => html`<div key=${t.id} class=${'toast toast-' + t.kind}>${t.message}</div>`)}
  </div>`;
}

function useTick(ms) {
  const [, set] = useState(0);
  useEffect(() => { const t = setInterval(() => set((n) => n + 1), ms); return () => clearInterval(t); }, [ms]);
}

/** "3 minutes ago" / "in 2 hours" in words. */
export function relative(date, now = Date.now()) {
  const d = new Date(date);
  if (isNaN(d)) return '';
  const s = Math.round((d.getTime() - now) / 1000);
  const abs = Math.abs(s);
  const units = [['year', 31536000], ['month', 2592000], ['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1]];
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, secs] of units) {
    if (abs >= secs || unit === 'second') return rtf.format(Math.round(s / secs), unit);
  }
  return '';
}

/** A date shown relative to now, exact in its tooltip. */
export function RelTime({ time }) {
  useTick(30000);
  if (!time) return html`<span class="muted">never</span>`;
  const d = new Date(time);
  return html`<time datetime=${d.toISOString()} title=${d.toLocaleString()}>${relative(d)}</time>`;
}

/** A live countdown to a time ("in 4m 12s"); "due" once passed. */
export function Countdown({ to }) {
  useTick(1000);
  if (!to) return html`<span class="muted">not scheduled</span>`;
  const d = new Date(to);
  let s = Math.round((d.getTime() - Date.now()) / 1000);
  if (s <= 0) return html`<time datetime=${d.toISOString()}>due</time>`;
  const parts = [];
  for (const [u, n] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]]) {
    if (s >= n || (u === 's' && !parts.length)) { parts.push(Math.floor(s / n) + u); s %= n; }
    if (parts.length === 2) break;
  }
  return html`<time datetime=${d.toISOString()} title=${d.toLocaleString()}>in ${parts.join(' ')}</time>`;
}

/** What a list shows when it is empty, with an optional action. */
export function EmptyState({ title, children }) {
  return html`<div class="empty">
    <p class="empty-title">${title}</p>
    ${children}
  </div>`;
}

/** A loading indicator with an accessible label. */
export function Spinner({ label = 'Loading' }) {
  return html`<div class="loading" role="status"><span class="spinner" aria-hidden="true"></span><span>${label}…</span></div>`;
}

/** The message of any error, in words. */
export function errorText(err) {
  if (err instanceof ApiError) return err.detail || err.title || `Request failed (${err.status})`;
  return (err && err.message) || String(err);
}

/** An error with its field messages, announced. */
export function ErrorSummary({ error }) {
  if (!error) return null;
  const items = error instanceof ApiError ? error.errors.filter((e) => e && e.message) : [];
  return html`<div class="error-summary" role="alert">
    <p>${errorText(error)}</p>
    ${items.length > 0 && html`<ul>${items.map((e) => html`<li>${e.location ? `${fieldName(e.location)}: ` : ''}${e.message}</li>`)}</ul>`}
  </div>`;
}

/** "body.api_key" → "api key". */
export function fieldName(location) {
  return String(location).replace(/^(body|path|query)\./, '').replace(/[._]/g, ' ');
}

/** Calls load() on mount and when deps change; returns {data, error, loading, reload, setData}. */
export function useLoad(load, deps = []) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const seq = useRef(0);
  const run = () => {
    const n = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    Promise.resolve().then(load).then(
      (data) => { if (n === seq.current) setState({ data, error: null, loading: false }); },
      (error) => { if (n === seq.current) setState({ data: null, error, loading: false }); },
    );
  };
  useEffect(run, deps);
  return { ...state, reload: run, setData: (data) => setState((s) => ({ ...s, data })) };
}

/** The page heading; sets the document title too. */
export function PageTitle({ children, actions }) {
  useEffect(() => { document.title = `${children} · Searcharr`; }, [children]);
  return html`<div class="page-head"><h1>${children}</h1>${actions && html`<div class="page-actions">${actions}</div>`}</div>`;
}
