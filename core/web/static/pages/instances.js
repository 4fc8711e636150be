// Instances: list, add, edit, test, budget, webhook settings, delete.
import { html, useState, Card, Badge, Button, ConfirmDialog, EmptyState, Spinner, ErrorSummary, PageTitle, RelTime, useLoad, toast, errorText } from '../ui.js';
import { api } from '../api.js';
import { href, navigate } from '../router.js';
import { InstanceForm, WebhookSetup } from './instance-form.js';
import { pauseText } from '../words.js';

const kindName = { sonarr: 'Sonarr', radarr: 'Radarr' };

function capText(w) {
  if (!w || !w.cap) return 'no cap';
  return `${w.used} of ${w.cap} used, ${w.remaining} left`;
}

function Budget({ id }) {
  const { data, error, loading } = useLoad(() => api.get(`api/instances/${id}/budget`), [id]);
  if (loading && !data) return html`<${Spinner} label="Loading the budget" />`;
  if (error) return html`<p class="muted">Budget unavailable: ${errorText(error)}</p>`;
  return html`<dl class="kv">
    <dt>This hour</dt><dd>${capText(data.hour)}</dd>
    <dt>Today</dt><dd>${capText(data.day)}</dd>
    <dt>Waiting commands</dt><dd>${data.pending}</dd>
    <dt>State</dt><dd>${data.paused ? html`<${Badge} kind="warn">Paused</${Badge}> ${pauseText(data.reasons, data.pause_message)}` : html`<${Badge} kind="ok">Sending</${Badge}>`}</dd>
  </dl>`;
}

function TestButton({ id }) {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const r = await api.post(`api/instances/${id}/test`);
      toast(`Connected to ${r.app} ${r.version} in ${r.latency_ms} ms.`, 'ok');
    } catch (err) {
      toast(`Connection test failed: ${errorText(err)}`, 'error');
    } finally { setBusy(false); }
  };
  return html`<${Button} busy=${busy} onClick=${run}>Test</${Button}>`;
}

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
      ${data.map((i) => html`<${Card} key=${i.id} title=${html`<a href=${href('/instances/' + i.id)}>${i.name}</a>`}
        actions=${html`<${TestButton} id=${i.id} />`}>
        <p><${Badge} kind="info">${kindName[i.kind] || i.kind}</${Badge}> <span class="mono">${i.url}</span></p>
        <${Budget} id=${i.id} />
        <p class="muted">Webhook test received: <${RelTime} time=${i.webhook_last_test_at} /></p>
      </${Card}>`)}
    </div>`}
  </div>`;
}

function Add() {
  return html`<div>
    <${PageTitle}>Add instance</${PageTitle}>
    <p><a href=${href('/instances')}>Back to instances</a></p>
    <${InstanceForm} onSaved=${(i) => { toast(`${i.name} saved.`, 'ok'); navigate('/instances/' + i.id); }} onCancel=${() => navigate('/instances')} />
  </div>`;
}

function Detail({ id }) {
  const { data, error, loading, setData } = useLoad(() => api.get(`api/instances/${id}`), [id]);
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const [deleting, setDeleting] = useState(false);
  if (loading && !data) return html`<${Spinner} label="Loading the instance" />`;
  if (error) return html`<div><${PageTitle}>Instance</${PageTitle}><${ErrorSummary} error=${error} /><p><a href=${href('/instances')}>Back to instances</a></p></div>`;
  const remove = async () => {
    setDeleting(true);
    try {
      await api.del(`api/instances/${id}`);
      toast(`${data.name} deleted.`, 'ok');
      navigate('/instances');
    } catch (err) { toast(errorText(err), 'error'); setDeleting(false); setConfirm(false); }
  };
  return html`<div>
    <${PageTitle} actions=${html`
      <${TestButton} id=${data.id} />
      <${Button} onClick=${() => setEditing(!editing)}>${editing ? 'Close editor' : 'Edit'}</${Button}>
      <${Button} kind="danger" onClick=${() => setConfirm(true)}>Delete</${Button}>`}>${data.name}</${PageTitle}>
    <p><a href=${href('/instances')}>Back to instances</a></p>
    ${editing
      ? html`<${Card} title="Settings"><${InstanceForm} instance=${data} onSaved=${(i) => { setData(i); setEditing(false); toast('Saved.', 'ok'); }} onCancel=${() => setEditing(false)} /></${Card}>`
      : html`<${Card} title="Settings"><dl class="kv">
          <dt>Application</dt><dd>${kindName[data.kind] || data.kind}</dd>
          <dt>URL</dt><dd class="mono">${data.url}</dd>
          <dt>Searches per hour</dt><dd>${data.hourly_cap || 'no cap'}</dd>
          <dt>Searches per day</dt><dd>${data.daily_cap || 'no cap'}</dd>
          <dt>Commands per second</dt><dd>${data.rate_per_second} (burst ${data.burst})</dd>
          <dt>Budget group</dt><dd>${data.budget_group || 'none'}</dd>
        </dl></${Card}>`}
    <${Card} title="Budget"><${Budget} id=${data.id} /></${Card}>
    <${Card} title="Webhook"><${WebhookSetup} instanceId=${data.id} kind=${data.kind} /></${Card}>
    <${ConfirmDialog} open=${confirm} title=${`Delete ${data.name}?`} confirmLabel="Delete instance" busy=${deleting}
      onConfirm=${remove} onCancel=${() => setConfirm(false)}>
      <p>Its queues and their history are deleted too. Sonarr/Radarr itself is not changed.</p>
    </${ConfirmDialog}>
  </div>`;
}

export default function Instances({ params, path }) {
  if (path === '/instances/new') return html`<${Add} />`;
  if (params && params.id) return html`<${Detail} key=${params.id} id=${Number(params.id)} />`;
  return html`<${List} />`;
}
