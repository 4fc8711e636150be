// Instances: the user's Sonarr/Radarr instances.
import { html, Card, Badge, EmptyState, Spinner, ErrorSummary, PageTitle, RelTime, useLoad } from '../ui.js';
import { api } from '../api.js';
import { href } from '../router.js';

const kindName = { sonarr: 'Sonarr', radarr: 'Radarr' };

function List() {
  const { data, error, loading } = useLoad(() => api.get('api/instances'));
  return html`<div>
    <${PageTitle} actions=${html`<a class="btn btn-primary" href=${href('/instances/new')}>Add instance</a>`}>Instances</${PageTitle}>
    ${loading && !data && html`<${Spinner} label="Loading instances" />`}
    <${ErrorSummary} error=${error} />
    ${data && data.length === 0 && html`<${EmptyState} title="No Sonarr or Radarr instance yet">
      <p>Connect one to start searching its backlog.</p>
      <a class="btn btn-primary" href=${href('/instances/new')}>Add instance</a>
    </${EmptyState}>`}
    ${data && data.length > 0 && html`<div class="grid">
      ${data.map((i) => html`<${Card} key=${i.id} title=${html`<a href=${href('/instances/' + i.id)}>${i.name}</a>`}>
        <p><${Badge} kind="info">${kindName[i.kind] || i.kind}</${Badge}> <span class="mono">${i.url}</span></p>
        <p class="muted">Webhook test received: <${RelTime} time=${i.webhook_last_test_at} /></p>
      </${Card}>`)}
    </div>`}
  </div>`;
}

export default function Instances({ params }) {
  if (params && params.id) {
    return html`<div><${PageTitle}>Instance</${PageTitle}><p><a href=${href('/instances')}>Back to instances</a></p></div>`;
  }
  return html`<${List} />`;
}
