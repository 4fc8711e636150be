// What a run of a queue would search and why, without sending anything:
// every item with its title, the decision and its reason in words, and a
// one-click exclusion.
import { html, useState, useEffect, PageTitle, Button, Badge, Spinner, ErrorSummary, EmptyState, Field, toast,
  errorText } from '../ui.js';
import { api } from '../api.js';
import { href } from '../router.js';
import { reasonLabels } from '../words.js';

/** Reason codes in words; a dry run's kept items would be searched. */
const reasonWords = { ...reasonLabels, searched: 'Would be searched' };

/** "episode:123" → {kind: "episode", id: 123}. */
function parseKey(key) {
  const [kind, id] = String(key).split(':');
  return { kind, id: Number(id) };
}

export default function Preview({ params }) {
  const id = Number(params.id);
  const [queue, setQueue] = useState(null);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [override, setOverride] = useState(false);
  const [excluded, setExcluded] = useState({});
  const [filter, setFilter] = useState('all');
  const [limit, setLimit] = useState(100);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api.post(`api/search-queues/${id}/preview`, { override_cooldown: override }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    api.get(`api/search-queues/${id}`).then(setQueue, setError);
    run();
  }, [id]);

  const exclude = async (d) => {
    const { kind, id: target } = parseKey(d.item_key);
    setExcluded((x) => ({ ...x, [d.item_key]: 'busy' }));
    try {
      await api.post('api/exclusions', {
        instance_id: result.run.instance_id, kind, target_id: target, title: d.title,
        reason: `Excluded from the preview of ${queue ? queue.name : `queue ${id}`}`,
      });
      setExcluded((x) => ({ ...x, [d.item_key]: 'done' }));
      toast(`${d.title || d.item_key} excluded`, 'ok');
    } catch (e) {
      setExcluded((x) => ({ ...x, [d.item_key]: null }));
      toast(`Could not exclude ${d.title || d.item_key}: ${errorText(e)}`, 'error');
    }
  };

  const name = queue ? queue.name : `queue ${id}`;
  const decisions = result ? result.decisions.filter((d) => filter === 'all' || d.decision === filter) : [];
  return html`<${PageTitle} actions=${html`<a class="btn" href=${href(`/queues/${id}/edit`)}>Edit queue</a>`}>Preview of ${name}</${PageTitle}>
    <p>What a run would search now, and why the other items would not be. Nothing is sent to Sonarr/Radarr.</p>
    <div class="row preview-controls">
      <${Field} type="checkbox" label="Ignore cooldowns" value=${override} onInput=${setOverride}
        help="Plan as if no item had been searched recently." />
      <div><${Button} kind="primary" busy=${busy} onClick=${run}>Run preview again</${Button}></div>
    </div>
    ${error && html`<${ErrorSummary} error=${error} />`}
    ${busy && !result && html`<${Spinner} label="Planning a run" />`}
    ${result && html`<section aria-labelledby="summary-title">
      <h2 id="summary-title">Summary</h2>
      <p><strong>${result.summary.kept}</strong> would be searched, <strong>${result.summary.dropped}</strong> left out.</p>
      ${Object.keys(result.summary.by_reason_code || {}).length > 0 && html`<ul class="reason-summary">
        ${Object.entries(result.summary.by_reason_code).map(([code, n]) => html`<li>${reasonWords[code] || code}: ${n}</li>`)}
      </ul>`}
    </section>
    <section aria-labelledby="items-title">
      <h2 id="items-title">Items</h2>
      <${Field} as="select" label="Show" value=${filter} onInput=${setFilter}
        options=${[{ value: 'all', label: 'All items' }, { value: 'kept', label: 'Would be searched' }, { value: 'dropped', label: 'Left out' }]} />
      ${decisions.length === 0 ? html`<${EmptyState} title="No items">
        <p>The strategy found nothing to consider${filter !== 'all' ? ' with this filter' : ''}.</p></${EmptyState}>` : html`
      <div class="table-wrap"><table class="stack">
        <caption class="offscreen">Decisions of the preview</caption>
        <thead><tr><th scope="col">Item</th><th scope="col">Decision</th><th scope="col">Why</th><th scope="col">Command</th><th scope="col">Exclusion</th></tr></thead>
        <tbody>
          ${decisions.slice(0, limit).map((d) => html`<tr key=${d.item_key}>
            <td data-label="Item">${d.title || html`<span class="muted">untitled</span>`}<br /><span class="muted mono">${d.item_key}</span></td>
            <td data-label="Decision"><${Badge} kind=${d.decision === 'kept' ? 'ok' : 'muted'}>${d.decision === 'kept' ? 'search' : 'skip'}</${Badge}></td>
            <td data-label="Why">${reasonWords[d.reason_code] || d.reason_code}${d.reason && html`<br /><span class="help">${d.reason}</span>`}</td>
            <td data-label="Command">${d.command || ''}</td>
            <td data-label="Exclusion">${excluded[d.item_key] === 'done'
              ? html`<span class="muted">Excluded</span>`
              : html`<${Button} kind="ghost" busy=${excluded[d.item_key] === 'busy'} onClick=${() => exclude(d)}
                  aria-label=${`Exclude ${d.title || d.item_key}`}>Exclude</${Button}>`}</td>
          </tr>`)}
        </tbody>
      </table></div>
      ${decisions.length > limit && html`<p><${Button} onClick=${() => setLimit(decisions.length)}>Show all ${decisions.length} items</${Button}></p>`}`}
    </section>`}`;
}
