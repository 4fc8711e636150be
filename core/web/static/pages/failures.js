// Failures: failed runs with their errors in words.
import { html, EmptyState, Spinner, ErrorSummary, PageTitle, RelTime, useLoad } from '../ui.js';
import { api } from '../api.js';
import { href } from '../router.js';
import { HistoryTabs, useQuery } from '../history_nav.js';
import { useOwned, Filters, Pager, apiFilters } from './history.js';
import { errorInWords, strategyName } from '../words.js';

const pageSize = 25;

export default function Failures() {
  const query = useQuery();
  const owned = useOwned();
  const offset = Number(query.offset) || 0;
  const { data, error, loading } = useLoad(
    () => api.get('api/search-history/failures?' + apiFilters({ ...query, status: '' }, { limit: pageSize, offset })),
    [JSON.stringify(query)],
  );
  const instances = (owned.data && owned.data.instances) || [];
  const name = (id) => (instances.find((i) => i.id === id) || {}).name || `Instance ${id}`;
  return html`<div>
    <${PageTitle}>Failures</${PageTitle}>
    <${HistoryTabs} current="/history/failures" />
    <${Filters} path="/history/failures" query=${query} owned=${owned.data} statuses=${false} />
    <${ErrorSummary} error=${error || owned.error} />
    ${loading && !data && html`<${Spinner} label="Loading failures" />`}
    ${data && data.items.length === 0 && html`<${EmptyState} title="No failed run"><p>Every run in this selection succeeded or is still going.</p></${EmptyState}>`}
    ${data && data.items.length > 0 && html`
      <ul class="failures">${data.items.map((r) => html`<li key=${r.id} class="card">
        <h2 class="card-title"><a href=${href('/history/' + r.id)}>Run ${r.id}</a> · ${r.queue_name}</h2>
        <p class="muted small">${strategyName(r.strategy)} on ${name(r.instance_id)}, <${RelTime} time=${r.created_at} /></p>
        <p>${errorInWords(r.error)}</p>
        ${r.error && html`<details><summary>The error as recorded</summary><p class="mono small">${r.error}</p></details>`}
      </li>`)}</ul>
      <${Pager} path="/history/failures" query=${query} total=${data.total} offset=${data.offset} limit=${data.limit} noun="failures" />`}
  </div>`;
}
