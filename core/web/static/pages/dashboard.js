// Dashboard: the landing page. One request (api/dashboard) paints it; the
// event stream keeps it live: budgets, runs in progress, the daily chart
// and the activity feed move without a reload and without polling.
import { html, useState, useEffect, useRef, Card, Badge, EmptyState, Spinner, ErrorSummary, PageTitle, RelTime, Countdown, useLoad } from '../ui.js';
import { api } from '../api.js';
import { subscribe } from '../events.js';
import { href } from '../router.js';
import { DayChart } from '../chart.js';
import { pauseText, statusWords, triggerWords, strategyName, dateTime, plural } from '../words.js';

const kindName = { sonarr: 'Sonarr', radarr: 'Radarr' };
const counterKeys = ['items_considered', 'items_selected', 'items_searched', 'commands_sent', 'indexer_searches', 'items_found'];

/** The counters of an event's counts object, whatever its nesting. */
export function countsOf(counts) {
  const out = {};
  if (!counts) return out;
  for (const k of counterKeys) if (typeof counts[k] === 'number') out[k] = counts[k];
  return out;
}

export function StatusBadge({ status }) {
  const [label, kind] = statusWords[status] || [status, 'muted'];
  return html`<${Badge} kind=${kind}>${label}</${Badge}>`;
}

/** A used/cap bar with its numbers in words. */
function BudgetBar({ label, used, cap, remaining }) {
  const pct = cap > 0 ? Math.min(100, Math.round((100 * used) / cap)) : 0;
  const tone = cap > 0 && remaining <= 0 ? 'bar-error' : pct >= 80 ? 'bar-warn' : '';
  const words = cap > 0 ? `${used} of ${cap} used, ${Math.max(remaining, 0)} left` : `${used} used, no limit`;
  return html`<div class="budget">
    <div class="budget-head"><span>${label}</span><span class="budget-words">${words}</span></div>
    <span class="bar" aria-hidden="true"><span class=${'bar-fill ' + tone} style=${{ width: `${cap > 0 ? pct : 0}%` }}></span></span>
  </div>`;
}

function InstanceCard({ inst }) {
  const b = inst.budget;
  return html`<${Card} level=${3} title=${inst.name} actions=${html`<${Badge} kind="info">${kindName[inst.kind] || inst.kind}</${Badge}>`}>
    ${inst.paused
      ? html`<p><${Badge} kind="warn">Paused</${Badge}> <span>${pauseText(inst.pause_reasons, inst.pause_message)}</span></p>`
      : html`<p><${Badge} kind="ok">Active</${Badge}></p>`}
    ${b ? html`
      <${BudgetBar} label="Indexer searches this hour" used=${b.hour_used} cap=${b.hour_cap} remaining=${b.hour_remaining} />
      <${BudgetBar} label="Indexer searches today" used=${b.day_used} cap=${b.day_cap} remaining=${b.day_remaining} />
      <p class="muted small">${plural(b.pending, 'search', 'searches')} waiting, ${b.in_flight} in flight${b.next_send_at ? html`; next send <${Countdown} to=${b.next_send_at} />` : ''}</p>`
      : html`<p class="muted">Budget not reported by this server.</p>`}
    ${inst.breaker_state && inst.breaker_state !== 'closed' && html`<p><${Badge} kind="error">Connection failing</${Badge}> circuit ${inst.breaker_state}</p>`}
    ${inst.last_error && html`<p class="small">Last error: <span class="mono">${inst.last_error}</span></p>`}
    <p class="muted small">Last webhook: <${RelTime} time=${inst.last_webhook_at} /></p>
  </${Card}>`;
}

function queueState(q) {
  if (q.running_run_id) return html`<${Badge} kind="info">Running</${Badge}>`;
  if (!q.is_active) return html`<${Badge} kind="warn">${q.status === 'deactivated' ? 'Deactivated' : 'Paused'}</${Badge}>`;
  return html`<${Badge} kind="ok">Active</${Badge}>`;
}

function Queues({ queues, instances }) {
  const name = (id) => (instances.find((i) => i.id === id) || {}).name || `#${id}`;
  if (!queues.length) {
    return html`<${EmptyState} title="No search queue yet"><p>A queue decides what to search and when.</p>
      <a class="btn btn-primary" href=${href('/queues/new')}>Create a queue</a></${EmptyState}>`;
  }
  return html`<div class="table-wrap"><table class="stack">
    <caption class="offscreen">Search queues</caption>
    <thead><tr><th scope="col">Queue</th><th scope="col">Instance</th><th scope="col">State</th><th scope="col">Next run</th><th scope="col">Last run</th></tr></thead>
    <tbody>${queues.map((q) => html`<tr key=${q.id}>
      <td><a href=${href('/queues/' + q.id + '/edit')}>${q.name}</a><div class="muted small">${strategyName(q.strategy)} · <a href=${href('/history?queue_id=' + q.id)}>runs<span class="offscreen"> of ${q.name}</span></a></div></td>
      <td data-label="Instance">${name(q.instance_id)}</td>
      <td data-label="State">${queueState(q)}${q.status_reason && html`<div class="muted small">${q.status_reason}</div>`}</td>
      <td data-label="Next run">${q.is_active ? html`<${Countdown} to=${q.next_run} />` : html`<span class="muted">—</span>`}</td>
      <td data-label="Last run">${q.last_run_status ? html`<${StatusBadge} status=${q.last_run_status} /> <${RelTime} time=${q.last_run} />` : html`<span class="muted">never</span>`}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

/** The counters of a run, as a definition list. */
export function Counters({ run }) {
  const items = [
    ['Considered', run.items_considered], ['Selected', run.items_selected], ['Commands sent', run.commands_sent],
    ['Indexer searches', run.indexer_searches], ['Found', run.items_found],
  ];
  return html`<dl class="counters">${items.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v ?? 0}</dd></div>`)}</dl>`;
}

function ActiveRuns({ runs }) {
  if (!runs.length) return html`<p class="muted">No run in progress.</p>`;
  return html`<ul class="plain-list">${runs.map((r) => html`<li key=${r.id} class="run-live">
    <div><a href=${href('/history/' + r.id)}>Run ${r.id}</a> · ${r.queue_name || 'queue'} <${StatusBadge} status=${r.status} />
      <span class="muted small"> ${triggerWords[r.trigger] || r.trigger || ''}, started <${RelTime} time=${r.started_at || r.created_at} /></span></div>
    <${Counters} run=${r} />
  </li>`)}</ul>`;
}

function RecentRuns({ runs }) {
  if (!runs.length) return html`<p class="muted">No finished run yet.</p>`;
  return html`<div class="table-wrap"><table class="stack">
    <caption class="offscreen">Recent runs</caption>
    <thead><tr><th scope="col">Run</th><th scope="col">Queue</th><th scope="col">Status</th><th scope="col">Ended</th><th scope="col">Searched</th><th scope="col">Found</th></tr></thead>
    <tbody>${runs.map((r) => html`<tr key=${r.id}>
      <td><a href=${href('/history/' + r.id)}>Run ${r.id}</a></td>
      <td data-label="Queue">${r.queue_name}</td>
      <td data-label="Status"><${StatusBadge} status=${r.status} /></td>
      <td data-label="Ended"><${RelTime} time=${r.ended_at || r.created_at} /></td>
      <td data-label="Searched">${r.items_selected}</td>
      <td data-label="Found">${r.items_found}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

function FoundChart({ daily }) {
  const days = daily.map((d) => d.date);
  const found = daily.map((d) => d.items_found);
  const searches = daily.map((d) => d.indexer_searches);
  const total = found.reduce((a, b) => a + b, 0);
  const sent = searches.reduce((a, b) => a + b, 0);
  let best = null;
  daily.forEach((d) => { if (d.items_found > 0 && (!best || d.items_found > best.items_found)) best = d; });
  const summary = `Last ${daily.length} days: ${plural(total, 'item')} found from ${plural(sent, 'indexer search', 'indexer searches')}`
    + (best ? `; the best day was ${best.date} with ${best.items_found} found.` : '.');
  return html`<${DayChart} title="Items found per day" days=${days} summary=${summary}
    series=${[{ label: 'Items found', values: found, color: '--ok', bars: true }, { label: 'Indexer searches', values: searches, color: '--accent' }]} />`;
}

const feedWords = {
  run_started: (d) => `Run ${d.run_id} of ${d.queue_name || 'queue ' + d.queue_id} started`,
  run_ended: (d) => `Run ${d.run_id} ${d.status === 'failed' ? 'failed' : 'finished'}${d.error ? ': ' + d.error : ''}`,
  search_sent: (d) => `Search sent: ${(d.items || []).map((i) => i.title).filter(Boolean).slice(0, 3).join(', ') || d.command}${(d.items || []).length > 3 ? ` and ${d.items.length - 3} more` : ''}`,
  grab_found: (d) => `Grab found: ${d.title || 'an item'}`,
  instance_paused: (d, name) => `${name(d.instance_id)} paused${d.reason ? ': ' + d.reason : ''}`,
  instance_resumed: (d, name) => `${name(d.instance_id)} resumed`,
  budget_exhausted: (d, name) => `${name(d.instance_id)} used up its indexer budget`,
  webhook_test: (d, name) => `Webhook test received from ${name(d.instance_id)}`,
};

function Feed({ entries }) {
  return html`<div class="feed" role="log" aria-live="polite" aria-label="Live activity" tabindex="0">
    ${entries.length === 0 && html`<p class="muted">Waiting for activity… runs, searches and grabs appear here as they happen.</p>`}
    ${entries.length > 0 && html`<ol>${entries.map((e) => html`<li key=${e.id} class=${'feed-' + e.kind}><time datetime=${e.at}>${dateTime(e.at).slice(11)}</time> ${e.text}</li>`)}</ol>`}
  </div>`;
}

const today = () => new Date().toISOString().slice(0, 10);

export default function Dashboard() {
  const { data, error, loading, reload } = useLoad(() => api.get('api/dashboard'));
  // The summary as last loaded, then moved by events.
  const [live, setLive] = useState(null);
  useEffect(() => { if (data) setLive(data); }, [data]);
  const [feed, setFeed] = useState([]);
  const seq = useRef(0);
  const refresh = useRef(null);
  // Instance names for the feed, whose events carry only ids.
  const names = useRef({});
  for (const i of (live || data || { instances: [] }).instances) names.current[i.id] = i.name;

  useEffect(() => {
    // A change the page cannot work out by itself (a run's end moves the
    // queue's next run) asks for the summary again, once per burst.
    const resync = () => {
      clearTimeout(refresh.current);
      refresh.current = setTimeout(reload, 1500);
    };
    const update = (fn) => setLive((cur) => (cur ? fn(cur) : cur));
    const withInstance = (id, fn) => (d) => ({ ...d, instances: d.instances.map((i) => (i.id === id ? fn(i) : i)) });
    const offs = [
      subscribe('*', (d, kind) => {
        const name = (id) => (names.current[id] ? `Instance ${names.current[id]}` : `Instance ${id}`);
        const text = feedWords[kind] ? feedWords[kind](d || {}, name) : null;
        if (!text) return;
        const id = ++seq.current;
        setFeed((f) => [{ id, kind, text, at: (d && d.at) || new Date().toISOString() }, ...f].slice(0, 50));
      }),
      subscribe('run_started', (d) => update((s) => {
        if (s.active_runs.some((r) => r.id === d.run_id)) return s;
        const run = { id: d.run_id, queue_id: d.queue_id, queue_name: d.queue_name, instance_id: d.instance_id, strategy: d.strategy,
          trigger: d.trigger, status: 'running', created_at: d.at, started_at: d.at,
          items_considered: 0, items_selected: 0, commands_sent: 0, indexer_searches: 0, items_found: 0 };
        return { ...s, active_runs: [run, ...s.active_runs],
          queues: s.queues.map((q) => (q.id === d.queue_id ? { ...q, running_run_id: d.run_id } : q)) };
      })),
      subscribe('run_progress', (d) => update((s) => ({
        ...s, active_runs: s.active_runs.map((r) => (r.id === d.run_id ? { ...r, ...countsOf(d.counts), status: 'running' } : r)),
      }))),
      subscribe('run_ended', (d) => {
        update((s) => {
          const was = s.active_runs.find((r) => r.id === d.run_id) || { id: d.run_id, queue_id: d.queue_id, instance_id: d.instance_id };
          const ended = { ...was, ...countsOf(d.counts), status: d.status, error: d.error, ended_at: d.at };
          return { ...s, active_runs: s.active_runs.filter((r) => r.id !== d.run_id),
            recent_runs: [ended, ...s.recent_runs.filter((r) => r.id !== d.run_id)].slice(0, 10),
            queues: s.queues.map((q) => (q.id === d.queue_id ? { ...q, running_run_id: null, last_run_status: d.status, last_run: d.at } : q)) };
        });
        resync();
      }),
      subscribe('search_sent', (d) => update((s) => {
        const cost = d.cost || 0;
        const day = today();
        return withInstance(d.instance_id, (i) => (i.budget ? { ...i, budget: { ...i.budget,
          hour_used: i.budget.hour_used + cost, day_used: i.budget.day_used + cost,
          hour_remaining: i.budget.hour_remaining < 0 ? -1 : Math.max(0, i.budget.hour_remaining - cost),
          day_remaining: i.budget.day_remaining < 0 ? -1 : Math.max(0, i.budget.day_remaining - cost) } } : i))({
          ...s, daily: s.daily.map((x) => (x.date === day ? { ...x, commands: x.commands + 1, indexer_searches: x.indexer_searches + cost } : x)),
        });
      })),
      subscribe('grab_found', (d) => update((s) => {
        const day = today();
        return { ...s, daily: s.daily.map((x) => (x.date === day ? { ...x, items_found: x.items_found + 1 } : x)),
          active_runs: s.active_runs.map((r) => (r.id === d.run_id ? { ...r, items_found: (r.items_found || 0) + 1 } : r)) };
      })),
      subscribe('instance_paused', (d) => update(withInstance(d.instance_id, (i) => ({ ...i, paused: true,
        pause_reasons: i.pause_reasons.includes('paused') ? i.pause_reasons : [...i.pause_reasons, 'paused'], pause_message: d.reason || i.pause_message })))),
      subscribe('instance_resumed', (d) => { update(withInstance(d.instance_id, (i) => ({ ...i, paused: false, pause_reasons: [], pause_message: '' }))); resync(); }),
      subscribe('budget_exhausted', () => resync()),
    ];
    return () => { offs.forEach((off) => off()); clearTimeout(refresh.current); };
  }, []);

  const d = live || data;
  if (!d) {
    return html`<div><${PageTitle}>Dashboard</${PageTitle}>
      ${loading && html`<${Spinner} label="Loading the dashboard" />`}
      <${ErrorSummary} error=${error} /></div>`;
  }
  return html`<div class="dashboard">
    <${PageTitle}>Dashboard</${PageTitle}>
    <${ErrorSummary} error=${error} />
    ${d.instances.length === 0 && html`<${EmptyState} title="Connect Sonarr or Radarr to begin">
      <p>Searcharr searches the backlog of the instances you add.</p>
      <a class="btn btn-primary" href=${href('/instances/new')}>Add instance</a></${EmptyState}>`}
    <section aria-labelledby="dash-instances">
      <h2 id="dash-instances">Instances</h2>
      <div class="grid">${d.instances.map((i) => html`<${InstanceCard} key=${i.id} inst=${i} />`)}</div>
    </section>
    <div class="dash-cols">
      <${Card} title="Runs in progress"><${ActiveRuns} runs=${d.active_runs} /></${Card}>
      <${Card} title="Live activity"><${Feed} entries=${feed} /></${Card}>
    </div>
    <${Card} title="Queues"><${Queues} queues=${d.queues} instances=${d.instances} /></${Card}>
    <${Card} title="Items found per day"><${FoundChart} daily=${d.daily} /></${Card}>
    <${Card} title="Recent runs" actions=${html`<a href=${href('/history')}>All runs</a>`}><${RecentRuns} runs=${d.recent_runs} /></${Card}>
  </div>`;
}
