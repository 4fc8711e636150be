// The strategy plugins Searcharr runs: version, fingerprint, health and
// what each does.
import { html, PageTitle, Badge, Spinner, ErrorSummary, EmptyState, useLoad } from '../ui.js';
import { api } from '../api.js';

function health(status) {
  switch (status) {
    case 'running': return html`<${Badge} kind="ok">running</${Badge}>`;
    case 'restarting': return html`<${Badge} kind="warn">restarting</${Badge}>`;
    case 'failed': return html`<${Badge} kind="error">failed</${Badge}>`;
    default: return html`<${Badge}>${status}</${Badge}>`;
  }
}

export default function Plugins() {
  const list = useLoad(() => api.get('api/plugins'));
  let body;
  if (list.error) body = html`<${ErrorSummary} error=${list.error} />`;
  else if (!list.data) body = html`<${Spinner} label="Loading plugins" />`;
  else if (list.data.length === 0) body = html`<${EmptyState} title="No plugins are loaded" />`;
  else {
    body = html`<div class="grid">${list.data.map((p) => html`<section class="card" key=${p.name} aria-labelledby=${`plugin-${p.name}`}>
      <div class="card-head">
        <h2 class="card-title" id=${`plugin-${p.name}`}>${p.name} <span class="muted">${p.version}</span></h2>
        ${health(p.status)}
      </div>
      <p>${p.description}</p>
      <dl class="kv">
        <dt>Source</dt><dd class="mono">${p.source}</dd>
        <dt>Fingerprint</dt><dd>${p.sha256 ? html`<code title="SHA-256 of the executable">${p.sha256}</code>` : html`<span class="muted">part of the searcharr binary</span>`}</dd>
        <dt>Instances</dt><dd>${p.instance_kinds.length ? p.instance_kinds.join(', ') : 'Sonarr and Radarr'}</dd>
        <dt>Triggers</dt><dd>${p.triggers.length ? p.triggers.join(', ') : 'all'}</dd>
        <dt>Restarts</dt><dd>${p.restarts}</dd>
      </dl>
      ${p.last_error && html`<p class="field-error">Last error: ${p.last_error}</p>`}
    </section>`)}</div>`;
  }
  return html`<${PageTitle}>Plugins</${PageTitle}>
    <p class="help">Strategies run as separate processes. A third-party plugin is an executable in the plugin directory (SEARCHARR_PLUGIN_DIR); its queue form is built from its settings schema.</p>
    ${body}`;
}
