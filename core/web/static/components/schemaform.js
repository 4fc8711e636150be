// A form generated from a JSON Schema: how a strategy plugin's settings
// are edited, built-in or third-party alike. It covers what plugin schemas
// use: objects (nested as fieldsets), strings (enums as selects), numbers
// and integers with minimum/maximum, booleans as checkboxes, arrays of
// enums as checkbox groups, arrays of strings (one per line), defaults,
// descriptions as help text and required properties. An option marked
// "x-expression" gets the expression editor, with the schema's
// "x-expression-fields" at hand.
//
// The value holds only what the user set: a default is shown but not
// written until it is changed, so the plugin keeps authority over its
// defaults. Errors are keyed by the option's path with "/" between levels
// ("grouping/min_episodes"), as plugins report them.
import { html, useId, useState } from '../ui.js';
import { ExpressionEditor } from './expr.js';

/** "season_min_episodes" → "Season min episodes". */
export function humanize(key) {
  const s = String(key).replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function typeOf(schema) {
  let t = schema.type;
  if (Array.isArray(t)) t = t.find((x) => x !== 'null');
  if (!t && schema.enum) t = typeof schema.enum[0] === 'number' ? 'number' : 'string';
  if (!t && schema.properties) t = 'object';
  return t;
}

function withoutKey(obj, key) {
  const out = { ...obj };
  delete out[key];
  return out;
}

/**
 * SchemaForm renders the properties of an object schema.
 * Props: schema, value (object), onChange(value), errors ({path: message}),
 * expression ({strategy, filters}) for options marked x-expression.
 */
export function SchemaForm({ schema, value, onChange, errors = {}, expression }) {
  if (!schema || typeOf(schema) !== 'object' || !schema.properties) {
    return html`<p class="muted">This strategy has no settings.</p>`;
  }
  return html`<${ObjectFields} schema=${schema} root=${schema} value=${value || {}} onChange=${onChange}
    errors=${errors} path="" expression=${expression} />`;
}

function ObjectFields({ schema, root, value, onChange, errors, path, expression }) {
  const required = new Set(schema.required || []);
  return Object.entries(schema.properties).map(([key, prop]) => {
    const p = path ? `${path}/${key}` : key;
    const set = (v) => onChange(v === undefined ? withoutKey(value, key) : { ...value, [key]: v });
    return html`<${Property} key=${p} name=${key} schema=${prop || {}} root=${root} value=${value[key]}
      onChange=${set} errors=${errors} path=${p} required=${required.has(key)} expression=${expression} />`;
  });
}

function Property({ name, schema, root, value, onChange, errors, path, required, expression }) {
  const id = useId('opt');
  const type = typeOf(schema);
  const label = (schema.title || humanize(name)) + (required ? ' (required)' : '');
  const error = errors[path];
  // A default shows until the user edits the field; emptying it then
  // leaves it empty (the plugin applies its default) instead of putting
  // the default back under the cursor.
  const [edited, setEdited] = useState(false);
  const shown = value !== undefined || edited ? value : schema.default;
  const edit = (v) => { setEdited(true); onChange(v); };
  const help = describe(schema);

  if (schema['x-expression']) {
    const what = schema['x-expression'] === 'number' ? 'number' : 'true or false';
    return html`<${ExpressionEditor} id=${id} label=${`${schema.title || humanize(name)} expression`}
      value=${typeof value === 'string' ? value : ''} onInput=${(v) => onChange(v === '' ? undefined : v)}
      help=${help ? `${help}` : `An expression that gives ${what}.`}
      error=${error} fields=${root['x-expression-fields'] || []}
      request=${expression && { kind: 'strategy', strategy: expression.strategy, option: path, filters: expression.filters }} />`;
  }

  if (type === 'object' && schema.properties) {
    return html`<fieldset>
      <legend>${label}</legend>
      ${help && html`<p class="help">${help}</p>`}
      ${error && html`<p class="field-error" role="alert">${error}</p>`}
      <${ObjectFields} schema=${schema} root=${root} value=${value || {}} path=${path} errors=${errors} expression=${expression}
        onChange=${(v) => onChange(Object.keys(v).length ? v : undefined)} />
    </fieldset>`;
  }

  if (type === 'array' && schema.items && schema.items.enum) {
    const chosen = new Set(Array.isArray(shown) ? shown : []);
    const toggle = (opt, on) => {
      const next = schema.items.enum.filter((o) => (o === opt ? on : chosen.has(o)));
      onChange(next);
    };
    return html`<fieldset aria-describedby=${ids(id, error, !!help)}>
      <legend>${label}</legend>
      ${schema.items.enum.map((opt, i) => html`<div class="field-check">
        <input type="checkbox" id=${`${id}-${i}`} checked=${chosen.has(opt)} onChange=${(e) => toggle(opt, e.target.checked)} />
        <label for=${`${id}-${i}`}>${String(opt)}</label>
      </div>`)}
      ${error && html`<p id=${`${id}-error`} class="field-error" role="alert">${error}</p>`}
      ${help && html`<p id=${`${id}-help`} class="help">${help}</p>`}
    </fieldset>`;
  }

  if (type === 'array') {
    const text = Array.isArray(shown) ? shown.join('\n') : '';
    return html`<${Wrap} id=${id} label=${label} error=${error} help=${(help ? help + ' ' : '') + 'One per line.'}>
      <textarea id=${id} value=${text} rows="3" aria-invalid=${error ? 'true' : undefined}
        aria-describedby=${ids(id, error, true)}
        onInput=${(e) => {
          const lines = e.target.value.split('\n').map((l) => l.trim()).filter(Boolean);
          const item = typeOf(schema.items || {});
          onChange(item === 'integer' || item === 'number' ? lines.map(Number) : lines);
        }} />
    </${Wrap}>`;
  }

  if (type === 'boolean') {
    return html`<div class="field field-check">
      <input type="checkbox" id=${id} checked=${!!shown} aria-describedby=${ids(id, error, !!help)}
        onChange=${(e) => onChange(e.target.checked)} />
      <label for=${id}>${label}</label>
      ${error && html`<p id=${`${id}-error`} class="field-error" role="alert">${error}</p>`}
      ${help && html`<p id=${`${id}-help`} class="help">${help}</p>`}
    </div>`;
  }

  if (schema.enum) {
    const opts = schema.enum.map((o) => ({ value: String(o), raw: o }));
    const cur = shown === undefined ? '' : String(shown);
    return html`<${Wrap} id=${id} label=${label} error=${error} help=${help}>
      <select id=${id} value=${cur} required=${required} aria-invalid=${error ? 'true' : undefined}
        aria-describedby=${ids(id, error, !!help)}
        onChange=${(e) => {
          const o = opts.find((x) => x.value === e.target.value);
          onChange(o ? o.raw : undefined);
        }}>
        ${shown === undefined && html`<option value="">Choose…</option>`}
        ${opts.map((o) => html`<option value=${o.value}>${o.value}${o.raw === schema.default ? ' (default)' : ''}</option>`)}
      </select>
    </${Wrap}>`;
  }

  if (type === 'integer' || type === 'number') {
    return html`<${Wrap} id=${id} label=${label} error=${error} help=${help}>
      <input id=${id} type="number" inputmode=${type === 'integer' ? 'numeric' : 'decimal'}
        step=${type === 'integer' ? 1 : 'any'} min=${schema.minimum} max=${schema.maximum} required=${required}
        value=${shown ?? ''} aria-invalid=${error ? 'true' : undefined} aria-describedby=${ids(id, error, !!help)}
        onInput=${(e) => {
          const raw = e.target.value;
          if (raw === '') return edit(undefined);
          const n = Number(raw);
          edit(Number.isNaN(n) ? raw : n);
        }} />
    </${Wrap}>`;
  }

  if (type === 'string') {
    const long = (schema.maxLength || 0) > 200;
    const attrs = {
      id, value: shown ?? '', required, maxLength: schema.maxLength, minLength: schema.minLength,
      pattern: schema.pattern, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': ids(id, error, !!help),
      onInput: (e) => edit(e.target.value === '' ? undefined : e.target.value),
    };
    return html`<${Wrap} id=${id} label=${label} error=${error} help=${help}>
      ${long ? html`<textarea rows="3" ...${attrs} />` : html`<input type="text" ...${attrs} />`}
    </${Wrap}>`;
  }

  // Anything else is edited as JSON.
  const text = shown === undefined ? '' : JSON.stringify(shown);
  return html`<${Wrap} id=${id} label=${label} error=${error} help=${(help ? help + ' ' : '') + 'As JSON.'}>
    <textarea id=${id} rows="2" value=${text} aria-describedby=${ids(id, error, true)}
      onChange=${(e) => {
        const raw = e.target.value.trim();
        if (!raw) return onChange(undefined);
        try { onChange(JSON.parse(raw)); } catch (err) { onChange(raw); }
      }} />
  </${Wrap}>`;
}

function ids(id, error, help) {
  return [error && `${id}-error`, help && `${id}-help`].filter(Boolean).join(' ') || undefined;
}

function describe(schema) {
  const parts = [];
  if (schema.description) parts.push(schema.description);
  const range = [];
  if (schema.minimum !== undefined) range.push(`at least ${schema.minimum}`);
  if (schema.maximum !== undefined) range.push(`at most ${schema.maximum}`);
  if (range.length) { const r = range.join(', '); parts.push(r.charAt(0).toUpperCase() + r.slice(1) + '.'); }
  if (schema.default !== undefined && schema.default !== '' && !schema.enum && typeof schema.default !== 'boolean') {
    parts.push(`Default: ${Array.isArray(schema.default) ? schema.default.join(', ') : schema.default}.`);
  }
  return parts.join(' ');
}

function Wrap({ id, label, error, help, children }) {
  return html`<div class=${'field' + (error ? ' has-error' : '')}>
    <label for=${id}>${label}</label>
    ${children}
    ${error && html`<p id=${`${id}-error`} class="field-error" role="alert">${error}</p>`}
    ${help && html`<p id=${`${id}-help`} class="help">${help}</p>`}
  </div>`;
}
