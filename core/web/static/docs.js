// The API documentation: the OpenAPI document of this server, rendered
// here, so it works offline and under the strict content security policy.
import { html, render, useState, useEffect } from './vendor/preact-htm.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function deref(doc, schema) {
  let s = schema;
  for (let i = 0; s && s.$ref && i < 10; i++) {
    const name = s.$ref.replace('#/components/schemas/', '');
    s = (doc.components && doc.components.schemas && doc.components.schemas[name]) || {};
  }
  return s || {};
}

function refName(schema) {
  return schema && schema.$ref ? schema.$ref.replace('#/components/schemas/', '') : '';
}

function typeOf(doc, schema) {
  const s = deref(doc, schema);
  let t = Array.isArray(s.type) ? s.type.filter((x) => x !== 'null').join(' | ') : s.type || (s.properties ? 'object' : '');
  if (t === 'array' && s.items) t = `array of ${refName(s.items) || typeOf(doc, s.items)}`;
  if (refName(schema)) t = `${refName(schema)} (${t || 'object'})`;
  if (s.format) t += `, ${s.format}`;
  return t || 'any';
}

function Schema({ doc, schema, depth = 0 }) {
  let s = deref(doc, schema);
  if (s.type === 'array' && s.items) s = deref(doc, s.items);
  if (!s.properties || depth > 4) return null;
  const required = new Set(s.required || []);
  return html`<table class="schema">
    <thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Description</th></tr></thead>
    <tbody>${Object.entries(s.properties).map(([name, p]) => {
      const d = deref(doc, p);
      const nested = deref(doc, d.type === 'array' && d.items ? d.items : p);
      return html`<tr>
        <td><code>${name}</code>${required.has(name) ? html` <span class="badge badge-warn">required</span>` : ''}</td>
        <td>${typeOf(doc, p)}${d.enum ? html`<br/><span class="muted">one of ${d.enum.filter((x) => x !== '').join(', ')}</span>` : ''}</td>
        <td>${d.description || ''}${d.default !== undefined ? html` <span class="muted">Default: ${JSON.stringify(d.default)}.</span>` : ''}
          ${nested.properties && depth < 3 && html`<details><summary>Fields of ${name}</summary><${Schema} doc=${doc} schema=${p} depth=${depth + 1} /></details>`}</td>
      </tr>`;
    })}</tbody>
  </table>`;
}

function Operation({ doc, path, method, op }) {
  const params = op.parameters || [];
  const body = op.requestBody && op.requestBody.content && Object.entries(op.requestBody.content)[0];
  const id = op.operationId || `${method}-${path}`;
  return html`<details class="card op" id=${id}>
    <summary><span class=${'method method-' + method}>${method.toUpperCase()}</span> <code>${path}</code> <span class="muted">${op.summary || ''}</span></summary>
    ${op.description && html`<p class="prewrap">${op.description}</p>`}
    <p class="muted">${op.security && op.security.length ? 'Needs authentication: a bearer token, an API key (X-Api-Key) or the session cookie.' : 'Public: no authentication.'}</p>
    ${params.length > 0 && html`<h4>Parameters</h4><table class="schema">
      <thead><tr><th scope="col">Name</th><th scope="col">In</th><th scope="col">Type</th><th scope="col">Description</th></tr></thead>
      <tbody>${params.map((p) => html`<tr><td><code>${p.name}</code>${p.required ? html` <span class="badge badge-warn">required</span>` : ''}</td><td>${p.in}</td><td>${typeOf(doc, p.schema)}</td><td>${p.description || ''}</td></tr>`)}</tbody>
    </table>`}
    ${body && html`<h4>Request body <span class="muted">(${body[0]})</span></h4><${Schema} doc=${doc} schema=${body[1].schema} />`}
    <h4>Responses</h4>
    <ul class="responses">${Object.entries(op.responses || {}).map(([status, r]) => {
      const content = r.content && Object.entries(r.content)[0];
      return html`<li><strong>${status}</strong> ${r.description || ''}${content ? html` <span class="muted">(${content[0]}${content[1].schema ? ', ' + typeOf(doc, content[1].schema) : ''})</span>` : ''}
        ${content && status.startsWith('2') && content[1].schema && html`<${Schema} doc=${doc} schema=${content[1].schema} />`}</li>`;
    })}</ul>
  </details>`;
}

function Docs() {
  const [doc, setDoc] = useState(null);
  const [error, setError] = useState(null);
  const [filter, setFilter] = useState('');
  useEffect(() => {
    fetch('openapi.json', { headers: { Accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then(setDoc, setError);
  }, []);
  if (error) return html`<main id="main"><h1>Searcharr API</h1><p role="alert">The OpenAPI document could not be loaded: ${error.message}</p></main>`;
  if (!doc) return html`<main id="main"><h1>Searcharr API</h1><p role="status">Loading…</p></main>`;
  const groups = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const text = `${method} ${path} ${op.summary || ''}`.toLowerCase();
      if (filter && !text.includes(filter.toLowerCase())) continue;
      const tag = (op.tags && op.tags[0]) || 'other';
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag).push({ path, method, op });
    }
  }
  const tags = [...groups.keys()].sort();
  return html`<header class="topbar"><a class="brand" href="./"><img src="favicon.svg" alt="" width="24" height="24" /><span>Searcharr</span></a>
      <nav aria-label="API sections" class="nav"><ul>${tags.map((t) => html`<li><a href=${location.pathname + '#tag-' + t}>${t}</a></li>`)}</ul></nav></header>
    <main id="main">
      <h1>${doc.info.title} <span class="muted">${doc.info.version}</span></h1>
      <p class="prewrap">${doc.info.description}</p>
      <p><a href="openapi.json">OpenAPI document (JSON)</a> · <a href="openapi.yaml">YAML</a></p>
      <div class="field"><label for="filter">Filter operations</label><input id="filter" type="search" value=${filter} onInput=${(e) => setFilter(e.target.value)} /></div>
      ${tags.map((t) => html`<section aria-labelledby=${'tag-' + t}>
        <h2 id=${'tag-' + t}>${t}</h2>
        ${groups.get(t).map((o) => html`<${Operation} key=${o.method + o.path} doc=${doc} ...${o} />`)}
      </section>`)}
    </main>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${Docs} />`, root);
