// History: the runs of the user's queues with filters and paging.
import { html, useState, useEffect, Field, Button, EmptyState, Spinner, ErrorSummary, PageTitle, RelTime, useLoad } from '../ui.js';
import { api } from '../api.js';
import { href, navigate } from '../router.js';
import { HistoryTabs, useQuery, withQuery } from '../history_nav.js';
import { StatusBadge } from './dashboard.js';
import { triggerWords, strategyName, duration, dateTime } from '../words.js';

const pageSize = 25;
const filterKeys = ['queue_id', 'instance_id', 'status', 'start_date', 'end_date'];

/** The queues and instances of the user, for the filter lists. */
export function useOwned() {
  return useLoad(async () => {
    const [queues, instances] = await Promise.all([api.get('api/search-queues'), api.get('api/instances')]);
    return { queues, instances };
  });
}

/** The filter form; values come from and go to the hash's query. */
export function Filters({ path, query, owned, statuses = true }) {
  const [f, setF] = useState(() => Object.fromEntries(filterKeys.map((k) => [k, query[k] || ''])));
  useEffect(() => setF(Object.fromEntries(filterKeys.map((k) => [k, query[k] || '']))), [JSON.stringify(query)]);
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const queues = (owned && owned.queues) || [];
  const instances = (owned && owned.instances) || [];
  const submit = (e) => { e.preventDefault(); navigate(withQuery(path, f)); };
  const clear = () => navigate(path);
  return html`<form class="filters" onSubmit=${submit} aria-label="Filter runs">
    <div class="filter-row">
      <${Field} as="select" label="Queue" value=${f.queue_id} onInput=${set('queue_id')}
        options=${[{ value: '', label: 'All queues' }, ...queues.map((q) => ({ value: String(q.id), label: q.name }))]} />
      <${Field} as="select" label="Instance" value=${f.instance_id} onInput=${set('instance_id')}
        options=${[{ value: '', label: 'All instances' }, ...instances.map((i) => ({ value: String(i.id), label: i.name }))]} />
      ${statuses && html`<${Field} as="select" label="Status" value=${f.status} onInput=${set('status')}
        options=${[{ value: '', label: 'Any status' }, { value: 'succeeded', label: 'Succeeded' }, { value: 'failed', label: 'Failed' },
          { value: 'running', label: 'Running' }, { value: 'pending', label: 'Waiting' }]} />`}
      <${Field} type="date" label="From" value=${f.start_date} onInput=${set('start_date')} />
      <${Field} type="date" label="To" value=${f.end_date} onInput=${set('end_date')} help="Included" />
    </div>
    <div class="form-actions">
      <${Button} kind="primary" type="submit">Apply filters</${Button}>
      <${Button} kind="ghost" onClick=${clear}>Clear filters</${Button}>
    </div>
  </form>`;
}

/** Previous/next links and where the page stands. */
export function Pager({ path, query, total, offset, limit, noun = 'runs' }) {
  if (!total) return null;
  const last = Math.min(offset + limit, total);
  const page = (o) => withQuery(path, { ...query, offset: o > 0 ? o : '' });
  return html`<nav class="pager" aria-label="Pages">
    <span>${noun[0].toUpperCase() + noun.slice(1)} ${offset + 1}–${last} of ${total}</span>
    ${offset > 0 ? html`<a class="btn btn-small" href=${href(page(Math.max(0, offset - limit)))}>Previous page</a>` : ''}
    ${last < total ? html`<a class="btn btn-small" href=${href(page(offset + limit))}>Next page</a>` : ''}
  </nav>`;
}

/** The query string of the API for the filters of query. */
export function apiFilters(query, extra = {}) {
  const p = {};
  for (const k of filterKeys) if (query[k]) p[k] = query[k];
  return new URLSearchParams({ ...p, ...extra }).toString();
}

export function RunsTable({ runs, instances, caption }) {
  const name = (id) => ((instances || []).find((i) => i.id === id) || {}).name || `#${id}`;
  return html`<div class="table-wrap"><table class="stack">
    <caption class="offscreen">${caption}</caption>
    <thead><tr><th scope="col">Run</th><th scope="col">Queue</th><th scope="col">Instance</th><th scope="col">Status</th>
      <th scope="col">Started</th><th scope="col">Duration</th><th scope="col">Searched</th><th scope="col">Found</th></tr></thead>
    <tbody>${runs.map((r) => html`<tr key=${r.id}>
      <td><a href=${href('/history/' + r.id)}>Run ${r.id}</a>${r.dry_run && html` <span class="badge badge-muted">Preview</span>`}
        <div class="muted small">${triggerWords[r.trigger] || r.trigger}</div></td>
      <td data-label="Queue">${r.queue_name}<div class="muted small">${strategyName(r.strategy)}</div></td>
      <td data-label="Instance">${name(r.instance_id)}</td>
      <td data-label="Status"><${StatusBadge} status=${r.status} /></td>
      <td data-label="Started"><span title=${dateTime(r.created_at)}><${RelTime} time=${r.started_at || r.created_at} /></span></td>
      <td data-label="Duration">${duration(r.duration_seconds)}</td>
      <td data-label="Searched">${r.items_selected}</td>
      <td data-label="Found">${r.items_found}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

export default function History() {
  const query = useQuery();
  const owned = useOwned();
  const offset = Number(query.offset) || 0;
  const { data, error, loading } = useLoad(
    () => api.get('api/search-history?' + apiFilters(query, { limit: pageSize, offset })),
    [JSON.stringify(query)],
  );
  const filtered = filterKeys.some((k) => query[k]);
  return html`<div>
    <${PageTitle}>History</${PageTitle}>
    <${HistoryTabs} current="/history" />
    <${Filters} path="/history" query=${query} owned=${owned.data} />
    <${ErrorSummary} error=${error || owned.error} />
    ${loading && !data && html`<${Spinner} label="Loading runs" />`}
    ${data && data.items.length === 0 && html`<${EmptyState} title=${filtered ? 'No run matches these filters' : 'No run yet'}>
      <p>${filtered ? 'Change or clear the filters.' : 'Runs appear here once a queue has run.'}</p></${EmptyState}>`}
    ${data && data.items.length > 0 && html`
      <${RunsTable} runs=${data.items} instances=${owned.data && owned.data.instances} caption="Runs" />
      <${Pager} path="/history" query=${query} total=${data.total} offset=${data.offset} limit=${data.limit} />`}
  </div>`;
}
