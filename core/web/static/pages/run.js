// One run: what it did, every decision with its title and reason in words,
// and for each searched item whether it was found, when and by which run.
import { html, useState, useEffect, Field, Button, Badge, Card, Spinner, ErrorSummary, PageTitle, EmptyState, useLoad } from '../ui.js';
import { api } from '../api.js';
import { subscribe } from '../events.js';
import { href } from '../router.js';
import { HistoryTabs } from '../history_nav.js';
import { StatusBadge, Counters, countsOf } from './dashboard.js';
import { reasonSentence, reasonLabels, errorInWords, triggerWords, strategyName, duration, dateTime, plural } from '../words.js';

const pageSize = 500;

function Outcome({ item, run }) {
  if (item.decision !== 'kept') return html`<span class="muted">—</span>`;
  if (run.dry_run) return html`<span class="muted">Preview: not sent</span>`;
  if (!item.found) return html`<span class="muted">Not found yet</span>`;
  const other = item.found_by_run_id && item.found_by_run_id !== run.id;
  return html`<span><${Badge} kind="ok">Found</${Badge}> <time datetime=${item.found_at}>${dateTime(item.found_at)}</time>
    ${other && html`<div class="small">after a later search by <a href=${href('/history/' + item.found_by_run_id)}>run ${item.found_by_run_id}</a></div>`}</span>`;
}

function ReasonSummary({ items }) {
  const by = {};
  for (const it of items) by[it.reason_code] = (by[it.reason_code] || 0) + 1;
  const codes = Object.keys(by).sort((a, b) => by[b] - by[a]);
  if (!codes.length) return null;
  return html`<ul class="reason-summary">${codes.map((c) => html`<li><strong>${by[c]}</strong> ${reasonLabels[c] || c}<span class="muted small"> — ${reasonSentence(c)}</span></li>`)}</ul>`;
}

function Decisions({ items, run }) {
  return html`<div class="table-wrap"><table class="decisions stack">
    <caption class="offscreen">Decisions item by item</caption>
    <thead><tr><th scope="col">Item</th><th scope="col">Decision</th><th scope="col">Why</th><th scope="col">Outcome</th></tr></thead>
    <tbody>${items.map((it) => html`<tr key=${it.item_key}>
      <td>${it.title || html`<span class="mono">${it.item_key}</span>`}${it.command && html`<div class="muted small">${it.command}</div>`}</td>
      <td data-label="Decision">${it.decision === 'kept' ? html`<${Badge} kind="info">Searched</${Badge}>` : html`<${Badge} kind="muted">Skipped</${Badge}>`}</td>
      <td data-label="Why">${reasonSentence(it.reason_code)}${it.reason && html`<div class="muted small">${it.reason}</div>`}</td>
      <td data-label="Outcome"><${Outcome} item=${it} run=${run} /></td>
    </tr>`)}</tbody>
  </table></div>`;
}

export default function RunDetail({ params }) {
  const id = Number(params.id);
  const [limit, setLimit] = useState(pageSize);
  const { data, error, loading, reload } = useLoad(() => api.get(`api/search-history/${id}/items?limit=${limit}`), [id, limit]);
  const [counts, setCounts] = useState({});
  const [show, setShow] = useState('all');
  useEffect(() => setCounts({}), [data]);

  useEffect(() => {
    const mine = (d) => d && d.run_id === id;
    const offs = [
      subscribe('run_progress', (d) => { if (mine(d)) setCounts((c) => ({ ...c, ...countsOf(d.counts), status: 'running' })); }),
      subscribe('run_ended', (d) => { if (mine(d)) reload(); }),
      subscribe('grab_found', (d) => { if (mine(d)) reload(); }),
    ];
    return () => offs.forEach((off) => off());
  }, [id]);

  if (!data) {
    return html`<div><${PageTitle}>Run ${id}</${PageTitle}><${HistoryTabs} />
      ${loading && html`<${Spinner} label="Loading the run" />`}<${ErrorSummary} error=${error} /></div>`;
  }
  const run = { ...data.run, ...counts };
  const shown = data.items.filter((it) => show === 'all' || (show === 'kept' ? it.decision === 'kept' : it.decision !== 'kept'));
  const found = data.items.filter((it) => it.found).length;
  return html`<div>
    <${PageTitle}>Run ${run.id}</${PageTitle}>
    <${HistoryTabs} />
    <p><a href=${href('/history')}>Back to all runs</a></p>
    <${ErrorSummary} error=${error} />
    <${Card} title="Summary">
      <p><${StatusBadge} status=${run.status} />${run.dry_run && html` <${Badge} kind="muted">Preview</${Badge}>`}</p>
      ${run.status === 'failed' && html`<div class="error-summary" role="alert"><p>${errorInWords(run.error)}</p>${run.error && html`<p class="mono small">${run.error}</p>`}</div>`}
      <dl class="kv">
        <dt>Queue</dt><dd>${run.queue_id ? html`<a href=${href('/history?queue_id=' + run.queue_id)}>${run.queue_name}</a>` : `${run.queue_name} (deleted)`}</dd>
        <dt>Strategy</dt><dd>${strategyName(run.strategy)}</dd>
        <dt>Started by</dt><dd>${triggerWords[run.trigger] || run.trigger}</dd>
        <dt>Created</dt><dd>${dateTime(run.created_at)}</dd>
        <dt>Ended</dt><dd>${run.ended_at ? dateTime(run.ended_at) : 'not yet'}</dd>
        <dt>Duration</dt><dd>${duration(run.duration_seconds)}</dd>
      </dl>
      <${Counters} run=${run} />
    </${Card}>
    <${Card} title="Decisions">
      ${data.items.length === 0
        ? html`<${EmptyState} title="No decision recorded"><p>${run.status === 'failed' ? 'The run failed before deciding anything.' : 'The strategy proposed no item.'}</p></${EmptyState}>`
        : html`
          <p>${plural(data.items.length, 'item')} considered, ${data.items.filter((it) => it.decision === 'kept').length} searched${run.dry_run ? '' : `, ${found} found so far`}.</p>
          <${ReasonSummary} items=${data.items} />
          <div class="filter-row narrow">
            <${Field} as="select" label="Show" value=${show} onInput=${setShow}
              options=${[{ value: 'all', label: 'All decisions' }, { value: 'kept', label: 'Searched items' }, { value: 'dropped', label: 'Skipped items' }]} />
          </div>
          <${Decisions} items=${shown} run=${run} />
          ${data.items.length >= limit && html`<${Button} onClick=${() => setLimit(limit + pageSize)}>Show more decisions</${Button}>`}`}
    </${Card}>
  </div>`;
}
