// The expression editor: a labelled text area that is checked by the
// server as it is typed (debounced), marks the position of an error under
// the offending line, and lists the fields the expression may use, each
// insertable at the cursor. Used for the custom strategy's filter and
// priority and for subscription conditions.
import { html, useState, useEffect, useRef, useId } from '../ui.js';
import { api } from '../api.js';

const debounceMs = 350;

/**
 * Props: label, value, onInput(value), request (the body of
 * POST api/validate/expression without the expression: {kind, strategy,
 * option, filters}), help, error (a message from saving), fields (shown
 * until the server answers its own), id.
 */
export function ExpressionEditor({ label, value, onInput, request, help, error, fields: given = [], id }) {
  const auto = useId('expr');
  const fid = id || auto;
  const area = useRef(null);
  const [check, setCheck] = useState({ state: 'idle', errors: [], fields: null });
  const seq = useRef(0);
  const req = JSON.stringify(request || null);

  useEffect(() => {
    if (!request) return undefined;
    const n = ++seq.current;
    setCheck((c) => ({ ...c, state: 'checking' }));
    const t = setTimeout(async () => {
      try {
        const res = await api.post('api/validate/expression', { ...request, expression: value || '' });
        if (n !== seq.current) return;
        setCheck({ state: res.valid ? 'valid' : 'invalid', errors: res.errors || [], fields: res.fields || [], result: res.result });
      } catch (e) {
        if (n !== seq.current) return;
        setCheck((c) => ({ ...c, state: 'unchecked', errors: [], message: e.detail || e.message }));
      }
    }, debounceMs);
    return () => clearTimeout(t);
  }, [value, req]);

  const first = check.state === 'invalid' ? check.errors[0] : null;
  const message = first ? first.message : error;
  const fields = check.fields || given;
  const msgId = `${fid}-msg`;
  const helpId = `${fid}-help`;
  const statusId = `${fid}-status`;

  const insert = (name) => {
    const el = area.current;
    const text = value || '';
    const start = el ? el.selectionStart : text.length;
    const end = el ? el.selectionEnd : text.length;
    const next = text.slice(0, start) + name + text.slice(end);
    onInput(next);
    requestAnimationFrame(() => {
      if (!el) return;
      el.focus();
      el.setSelectionRange(start + name.length, start + name.length);
    });
  };

  const goToError = () => {
    const el = area.current;
    if (!el || !first || !first.line) return;
    const offset = offsetOf(value || '', first.line, first.column);
    el.focus();
    el.setSelectionRange(offset, Math.min(offset + 1, (value || '').length));
  };

  return html`<div class=${'field expr' + (message ? ' has-error' : '')}>
    <label for=${fid}>${label}</label>
    <textarea id=${fid} ref=${area} class="expr-input" rows=${Math.min(8, Math.max(2, (value || '').split('\n').length + 1))}
      spellcheck="false" autocomplete="off" autocapitalize="off" value=${value || ''}
      aria-invalid=${message ? 'true' : 'false'}
      aria-describedby=${[message && msgId, statusId, help && helpId].filter(Boolean).join(' ')}
      onInput=${(e) => onInput(e.target.value)} />
    ${first && first.line > 0 && html`<${Marker} source=${value || ''} line=${first.line} column=${first.column} />`}
    <div class="expr-status">
      <span id=${statusId} class=${'expr-state expr-' + check.state} aria-live="polite">${stateText(check)}</span>
      ${first && first.line > 0 && html`<button type="button" class="btn btn-ghost btn-small" onClick=${goToError}>Go to error</button>`}
    </div>
    ${message && html`<p id=${msgId} class="field-error" role="alert">${first && first.line > 0 ? `Line ${first.line}, column ${first.column}: ` : ''}${message}</p>`}
    ${help && html`<p id=${helpId} class="help">${help}</p>`}
    ${fields.length > 0 && html`<details class="expr-fields">
      <summary>Fields you can use (${fields.length})</summary>
      <ul>
        ${fields.map((f) => html`<li>
          <button type="button" class="btn btn-ghost btn-small mono" aria-label=${`Insert ${f.name}`} onClick=${() => insert(f.name)}>${f.name}</button>
          <span class="muted">${f.type}</span> ${f.description}
        </li>`)}
      </ul>
    </details>`}
  </div>`;
}

function stateText(check) {
  switch (check.state) {
    case 'checking': return 'Checking…';
    case 'valid': return 'Expression is valid';
    case 'invalid': return `${check.errors.length === 1 ? 'One error' : `${check.errors.length} errors`}`;
    case 'unchecked': return `Could not check: ${check.message || 'no answer'}`;
    default: return '';
  }
}

/** The character offset of a 1-based line and column. */
export function offsetOf(text, line, column) {
  const lines = text.split('\n');
  let off = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) off += lines[i].length + 1;
  return Math.min(off + Math.max(column - 1, 0), text.length);
}

/** The offending line with a caret under the column. */
function Marker({ source, line, column }) {
  const text = source.split('\n')[line - 1] ?? '';
  const col = Math.max(1, column || 1);
  const gutter = `${String(line).padStart(3)} │ `;
  const pad = ' '.repeat(Math.min(col - 1, text.length));
  // htm drops whitespace-only text with newlines, so the line break is a value.
  return html`<pre class="expr-marker" aria-hidden="true"><span class="muted">${gutter}</span>${text}${'\n'}<span class="muted">${' '.repeat(gutter.length - 2)}│ </span>${pad}<span class="expr-caret">^</span></pre>`;
}
