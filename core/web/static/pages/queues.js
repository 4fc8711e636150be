// Search queues: each with its state, strategy, instance and next run, and
// the everyday actions (start now, pause/resume, preview, clone, delete).
import { html, useState, useEffect, PageTitle, Button, Badge, Countdown, RelTime, EmptyState, Spinner,
  ErrorSummary, ConfirmDialog, toast, useLoad, errorText } from '../ui.js';
import { api } from '../api.js';
import { href } from '../router.js';
import { subscribe } from '../events.js';

/** The badge kind of a queue status. */
export function statusKind(status) {
  switch (status) {
    case 'running': return 'info';
    case 'completed': return 'ok';
    case 'failed': case 'deactivated': return 'error';
    case 'paused': return 'warn';
    default: return 'muted';
  }
}

export default function Queues() {
  const queues = useLoad(() => api.get('api/search-queues'));
  const instances = useLoad(() => api.get('api/instances'));
  const [busy, setBusy] = useState({});
  const [confirm, setConfirm] = useState(null);

  useEffect(() => {
    const offs = ['run_started', 'run_ended', 'instance_paused', 'instance_resumed'].map((k) => subscribe(k, () => queues.reload()));
    return () => offs.forEach((off) => off());
  }, []);

  const instanceName = (id) => {
    const i = (instances.data || []).find((x) => x.id === id);
    return i ? i.name : `instance ${id}`;
  };

  const act = async (q, what, fn, done) => {
    setBusy((b) => ({ ...b, [q.id]: what }));
    try {
      const res = await fn();
      if (done) toast(done(res), 'ok');
      queues.reload();
    } catch (e) {
      toast(`${q.name}: ${errorText(e)}`, 'error');
    } finally {
      setBusy((b) => ({ ...b, [q.id]: null }));
    }
  };

  const base = (q) => `api/search-queues/${q.id}`;
  const start = (q) => act(q, 'start', () => api.post(`${base(q)}/start`), () => `${q.name}: run started`);
  const pause = (q) => act(q, 'pause', () => api.post(`${base(q)}/pause`), () => `${q.name} paused`);
  const resume = (q) => act(q, 'resume', () => api.post(`${base(q)}/resume`), () => `${q.name} resumed`);
  const clone = (q) => act(q, 'clone', () => api.post(`${base(q)}/clone`, {}), (c) => `Cloned as ${c.name}`);
  const remove = async () => {
    const q = confirm;
    await act(q, 'delete', () => api.del(base(q)), () => `${q.name} deleted`);
    setConfirm(null);
  };

  const actions = html`<a class="btn btn-primary" href=${href('/queues/new')}>New queue</a>`;
  let body;
  if (queues.error) body = html`<${ErrorSummary} error=${queues.error} />`;
  else if (!queues.data) body = html`<${Spinner} label="Loading queues" />`;
  else if (queues.data.length === 0) {
    body = html`<${EmptyState} title="No search queues yet">
      <p>A queue decides what to search on an instance and when.</p>
      <a class="btn btn-primary" href=${href('/queues/new')}>Create a queue</a>
    </${EmptyState}>`;
  } else {
    body = html`<div class="grid queue-grid">
      ${queues.data.map((q) => {
        const paused = q.status === 'paused' || q.status === 'deactivated' || !q.is_active;
        const b = busy[q.id];
        return html`<section class="card queue-card" key=${q.id} aria-labelledby=${`queue-${q.id}`}>
          <div class="card-head">
            <h2 class="card-title" id=${`queue-${q.id}`}><a href=${href(`/queues/${q.id}/edit`)}>${q.name}</a></h2>
            <${Badge} kind=${statusKind(q.status)}>${q.status}</${Badge}>
          </div>
          <dl class="kv">
            <dt>Strategy</dt><dd>${q.strategy}</dd>
            <dt>Instance</dt><dd>${instanceName(q.instance_id)}</dd>
            <dt>Next run</dt><dd>${paused ? html`<span class="muted">paused</span>` : html`<${Countdown} to=${q.next_run} />`}</dd>
            <dt>Last run</dt><dd><${RelTime} time=${q.last_run} /></dd>
            <dt>Per run</dt><dd>${q.max_items_per_run} items, ${q.max_searches_per_run} indexer searches</dd>
          </dl>
          ${q.status_reason && html`<p class="help">${q.status_reason}</p>`}
          ${q.last_error && html`<p class="field-error">Last error: ${q.last_error}</p>`}
          <div class="card-actions queue-actions">
            <${Button} kind="primary" busy=${b === 'start'} onClick=${() => start(q)} aria-label=${`Start now: ${q.name}`}>Start now</${Button}>
            ${paused
              ? html`<${Button} busy=${b === 'resume'} onClick=${() => resume(q)} aria-label=${`Resume ${q.name}`}>Resume</${Button}>`
              : html`<${Button} busy=${b === 'pause'} onClick=${() => pause(q)} aria-label=${`Pause ${q.name}`}>Pause</${Button}>`}
            <a class="btn" href=${href(`/queues/${q.id}/preview`)} aria-label=${`Preview ${q.name}`}>Preview</a>
            <a class="btn" href=${href(`/queues/${q.id}/edit`)} aria-label=${`Edit ${q.name}`}>Edit</a>
            <${Button} busy=${b === 'clone'} onClick=${() => clone(q)} aria-label=${`Clone ${q.name}`}>Clone</${Button}>
            <${Button} kind="danger" onClick=${() => setConfirm(q)} aria-label=${`Delete ${q.name}`}>Delete</${Button}>
          </div>
        </section>`;
      })}
    </div>`;
  }

  return html`<${PageTitle} actions=${actions}>Search queues</${PageTitle}>
    ${body}
    <${ConfirmDialog} open=${!!confirm} title=${confirm ? `Delete ${confirm.name}?` : 'Delete queue?'} confirmLabel="Delete queue"
      busy=${confirm && busy[confirm.id] === 'delete'} onConfirm=${remove} onCancel=${() => setConfirm(null)}>
      <p>The queue stops running. Its history stays.</p>
    </${ConfirmDialog}>`;
}

