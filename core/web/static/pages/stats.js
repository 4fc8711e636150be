// Statistics: trend, by strategy, by instance, and items found per search,
// from api/search-history/stats.
import { html, Field, Card, Spinner, ErrorSummary, PageTitle, EmptyState, useLoad } from '../ui.js';
import { api } from '../api.js';
import { navigate } from '../router.js';
import { HistoryTabs, useQuery, withQuery } from '../history_nav.js';
import { useOwned, apiFilters } from './history.js';
import { DayChart, BarList } from '../chart.js';
import { strategyName, duration, plural } from '../words.js';

/** Items found per 100 indexer searches, in words. */
function perSearch(found, searches) {
  if (!searches) return '—';
  const r = (100 * found) / searches;
  return `${r < 10 ? r.toFixed(1) : Math.round(r)} per 100`;
}

function Tiles({ s }) {
  const tiles = [
    ['Runs', s.total_runs], ['Success rate', `${s.success_rate}%`], ['Items searched', s.items_searched],
    ['Indexer searches', s.indexer_searches], ['Items found', s.items_found],
    ['Found per 100 searches', perSearch(s.items_found, s.indexer_searches).replace(' per 100', '')],
    ['Average duration', duration(s.average_duration_seconds)],
  ];
  return html`<dl class="tiles">${tiles.map(([k, v]) => html`<div class="tile"><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

const tallyColumns = [
  { label: 'Runs' },
  { label: 'Failed', tone: 'bar-error' },
  { label: 'Items searched' },
  { label: 'Items found', tone: 'bar-ok' },
  { label: 'Found per search', tone: 'bar-ok', format: (v) => (v == null ? '—' : `${(100 * v).toFixed(1)} per 100`) },
];
const tallyValues = (t) => [t.total, t.failed, t.items_searched, t.items_found, t.indexer_searches ? t.items_found / t.indexer_searches : null];

export default function Stats() {
  const query = useQuery();
  const owned = useOwned();
  const days = query.days || '30';
  const { data, error, loading } = useLoad(() => api.get('api/search-history/stats?' + apiFilters(query, { days })), [JSON.stringify(query)]);
  const set = (k) => (v) => navigate(withQuery('/history/stats', { ...query, [k]: v }));
  const instances = (owned.data && owned.data.instances) || [];
  const queues = (owned.data && owned.data.queues) || [];
  const name = (id) => (instances.find((i) => i.id === id) || {}).name || `Instance ${id}`;

  let body = null;
  if (data && data.total_runs === 0) {
    body = html`<${EmptyState} title="No run in this period"><p>Statistics appear once queues have run.</p></${EmptyState}>`;
  } else if (data) {
    const trend = data.daily_trend;
    const dayList = trend.map((d) => d.date);
    const searched = trend.map((d) => d.items_searched);
    const found = trend.map((d) => d.items_found);
    const okRuns = trend.map((d) => d.successful);
    const failedRuns = trend.map((d) => d.failed);
    const summary = `Over ${plural(trend.length, 'day')}: ${plural(data.items_searched, 'item')} searched and ${data.items_found} found `
      + `(${perSearch(data.items_found, data.indexer_searches)} indexer searches), in ${plural(data.total_runs, 'run')} of which ${data.failed_runs} failed.`;
    body = html`
      <${Tiles} s=${data} />
      <${Card} title="Trend: items searched and found per day">
        <${DayChart} title="Items searched and found per day" days=${dayList} summary=${summary}
          series=${[{ label: 'Items searched', values: searched, color: '--accent' }, { label: 'Items found', values: found, color: '--ok', bars: true }]} />
      </${Card}>
      <${Card} title="Runs per day">
        <${DayChart} title="Runs per day" days=${dayList} height=${160}
          summary=${`${data.successful_runs} runs succeeded and ${data.failed_runs} failed over the period.`}
          series=${[{ label: 'Succeeded', values: okRuns, color: '--ok', bars: true }, { label: 'Failed', values: failedRuns, color: '--error' }]} />
      </${Card}>
      <${Card} title="By strategy">
        <${BarList} caption="Runs and results by strategy" header="Strategy" columns=${tallyColumns}
          rows=${data.by_strategy.map((s) => ({ label: strategyName(s.strategy), values: tallyValues(s) }))} />
      </${Card}>
      <${Card} title="By instance">
        <${BarList} caption="Runs and results by instance" header="Instance" columns=${tallyColumns}
          rows=${(data.by_instance || []).map((s) => ({ label: name(s.instance_id), values: tallyValues(s) }))} />
      </${Card}>`;
  }
  return html`<div>
    <${PageTitle}>Statistics</${PageTitle}>
    <${HistoryTabs} current="/history/stats" />
    <form class="filters" aria-label="Statistics period and scope" onSubmit=${(e) => e.preventDefault()}>
      <div class="filter-row">
        <${Field} as="select" label="Period" value=${days} onInput=${set('days')}
          options=${[{ value: '7', label: 'Last 7 days' }, { value: '30', label: 'Last 30 days' }, { value: '90', label: 'Last 90 days' }, { value: '365', label: 'Last year' }]} />
        <${Field} as="select" label="Instance" value=${query.instance_id || ''} onInput=${set('instance_id')}
          options=${[{ value: '', label: 'All instances' }, ...instances.map((i) => ({ value: String(i.id), label: i.name }))]} />
        <${Field} as="select" label="Queue" value=${query.queue_id || ''} onInput=${set('queue_id')}
          options=${[{ value: '', label: 'All queues' }, ...queues.map((q) => ({ value: String(q.id), label: q.name }))]} />
      </div>
    </form>
    <${ErrorSummary} error=${error || owned.error} />
    ${loading && !data && html`<${Spinner} label="Loading statistics" />`}
    ${body}
  </div>`;
}
