// Notification sinks: a shoutrrr service URL or a signed JSON webhook, the
// events each receives, a test button and the last delivery's status.
import { html, useState, PageTitle, Field, Button, Badge, Card, RelTime, EmptyState, Spinner, ErrorSummary,
  ConfirmDialog, toast, useLoad, errorText } from '../ui.js';
import { api, fieldErrors } from '../api.js';

export const notificationEvents = [
  { value: 'run_failed', label: 'A run failed' },
  { value: 'run_completed', label: 'A run completed' },
  { value: 'queue_deactivated', label: 'A queue was deactivated after repeated failures' },
  { value: 'grab_found', label: 'A search found a release (grab)' },
  { value: 'instance_unhealthy', label: 'An instance became unhealthy' },
  { value: 'instance_recovered', label: 'An instance recovered' },
  { value: 'budget_exhausted', label: 'An instance used up its indexer budget' },
  { value: 'manual_interaction_required', label: 'Sonarr/Radarr needs a manual decision' },
  { value: 'webhook_test', label: 'A Sonarr/Radarr webhook test arrived' },
];

const blank = { name: '', kind: 'shoutrrr', url: '', secret: '', events: ['run_failed', 'queue_deactivated', 'instance_unhealthy'], enabled: true, rate_per_minute: 0 };

export default function Notifications() {
  const list = useLoad(() => api.get('api/notifications'));
  const [editing, setEditing] = useState(null); // null, 'new' or a sink
  const [busy, setBusy] = useState({});
  const [confirm, setConfirm] = useState(null);

  const test = async (s) => {
    setBusy((b) => ({ ...b, [s.id]: 'test' }));
    try {
      const res = await api.post(`api/notifications/${s.id}/test`);
      toast(res.delivered ? `Test message sent to ${s.name}` : `Test to ${s.name} failed: ${res.error}`, res.delivered ? 'ok' : 'error');
      list.reload();
    } catch (e) {
      toast(`Test to ${s.name} failed: ${errorText(e)}`, 'error');
    } finally {
      setBusy((b) => ({ ...b, [s.id]: null }));
    }
  };
  const remove = async () => {
    const s = confirm;
    try {
      await api.del(`api/notifications/${s.id}`);
      toast(`${s.name} deleted`, 'ok');
      list.reload();
    } catch (e) {
      toast(errorText(e), 'error');
    }
    setConfirm(null);
  };

  let body;
  if (list.error) body = html`<${ErrorSummary} error=${list.error} />`;
  else if (!list.data) body = html`<${Spinner} label="Loading notifications" />`;
  else if (list.data.length === 0 && editing !== 'new') {
    body = html`<${EmptyState} title="No notifications yet">
      <p>Get a message on Discord, Slack, Telegram, ntfy, Gotify, email… or a signed webhook when a run fails or a search finds something.</p>
    </${EmptyState}>`;
  } else {
    body = html`<div class="grid">${list.data.map((s) => editing && editing.id === s.id ? null : html`<section class="card" key=${s.id} aria-labelledby=${`sink-${s.id}`}>
      <div class="card-head">
        <h2 class="card-title" id=${`sink-${s.id}`}>${s.name}</h2>
        ${!s.enabled ? html`<${Badge}>disabled</${Badge}>` : s.last_status === 'ok' ? html`<${Badge} kind="ok">delivered</${Badge}>`
          : s.last_status === 'failed' ? html`<${Badge} kind="error">failed</${Badge}>` : html`<${Badge}>no delivery yet</${Badge}>`}
      </div>
      <dl class="kv">
        <dt>Service</dt><dd>${s.service} <span class="muted mono">${s.target}</span></dd>
        <dt>Events</dt><dd>${s.events.map((e) => (notificationEvents.find((x) => x.value === e) || { label: e }).label).join('; ') || 'none'}</dd>
        <dt>Last attempt</dt><dd><${RelTime} time=${s.last_attempt_at} /></dd>
        <dt>Last delivered</dt><dd><${RelTime} time=${s.last_sent_at} /></dd>
      </dl>
      ${s.last_error && html`<p class="field-error">Last error: ${s.last_error}</p>`}
      <div class="card-actions">
        <${Button} busy=${busy[s.id] === 'test'} onClick=${() => test(s)} aria-label=${`Send test: ${s.name}`}>Send test</${Button}>
        <${Button} onClick=${() => setEditing(s)} aria-label=${`Edit ${s.name}`}>Edit</${Button}>
        <${Button} kind="danger" onClick=${() => setConfirm(s)} aria-label=${`Delete ${s.name}`}>Delete</${Button}>
      </div>
    </section>`)}</div>`;
  }

  return html`<${PageTitle} actions=${editing ? null : html`<${Button} kind="primary" onClick=${() => setEditing('new')}>Add notification</${Button}>`}>Notifications</${PageTitle}>
    ${editing && html`<${SinkForm} sink=${editing === 'new' ? null : editing} onDone=${() => { setEditing(null); list.reload(); }} />`}
    ${body}
    <${ConfirmDialog} open=${!!confirm} title=${confirm ? `Delete ${confirm.name}?` : 'Delete?'} confirmLabel="Delete notification"
      onConfirm=${remove} onCancel=${() => setConfirm(null)}><p>No more messages are sent to it.</p></${ConfirmDialog}>`;
}

function SinkForm({ sink, onDone }) {
  const [v, setV] = useState(() => (sink ? { ...blank, ...sink, url: '', secret: '', kind: sink.kind } : { ...blank }));
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);
  const set = (k, x) => setV((cur) => ({ ...cur, [k]: x }));
  const webhook = v.kind === 'webhook';

  const save = async (e) => {
    e.preventDefault();
    setSaving(true);
    setErrors({});
    setError(null);
    const body = { name: v.name.trim(), events: v.events, enabled: !!v.enabled, rate_per_minute: Number(v.rate_per_minute) || 0 };
    if (v.url) body.url = v.url.trim();
    if (webhook && v.secret) body.secret = v.secret;
    try {
      if (sink) await api.put(`api/notifications/${sink.id}`, body);
      else await api.post('api/notifications', body);
      toast(`Notification ${body.name} saved`, 'ok');
      onDone();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
    } finally {
      setSaving(false);
    }
  };
  const err = (k) => errors[`body.${k}`];
  return html`<${Card} title=${sink ? `Edit ${sink.name}` : 'New notification'}>
    <form onSubmit=${save} novalidate>
      ${error && html`<${ErrorSummary} error=${error} />`}
      <${Field} label="Name" value=${v.name} onInput=${(x) => set('name', x)} error=${err('name')} required />
      <fieldset>
        <legend>Kind</legend>
        <div class="field-check"><input type="radio" id="kind-shoutrrr" name="kind" checked=${!webhook} onChange=${() => set('kind', 'shoutrrr')} />
          <label for="kind-shoutrrr">A service (Discord, Slack, Telegram, ntfy, Gotify, email…)</label></div>
        <div class="field-check"><input type="radio" id="kind-webhook" name="kind" checked=${webhook} onChange=${() => set('kind', 'webhook')} />
          <label for="kind-webhook">A signed JSON webhook</label></div>
      </fieldset>
      <${Field} label=${webhook ? 'Webhook URL' : 'Service URL'} value=${v.url} onInput=${(x) => set('url', x)} error=${err('url')}
        autocomplete="off" spellcheck="false"
        placeholder=${webhook ? 'https://…' : 'discord://token@channel'}
        help=${(sink ? 'Leave empty to keep the stored URL. ' : '') + (webhook ? 'An http(s) URL that receives a JSON POST.' : 'A shoutrrr URL: discord://…, slack://…, telegram://…, ntfy://…, pushover://… (for Gotify or Mattermost, use a webhook with a template)')} />
      ${webhook && html`<${Field} type="password" label="Signing secret" value=${v.secret} onInput=${(x) => set('secret', x)} error=${err('secret')}
        autocomplete="new-password"
        help=${(sink && sink.has_secret ? 'Leave empty to keep the stored secret. ' : '') + '16 to 256 characters; each request carries its HMAC-SHA256 in X-Searcharr-Signature.'} />`}
      <fieldset>
        <legend>Events</legend>
        ${notificationEvents.map((ev) => html`<div class="field-check">
          <input type="checkbox" id=${`ev-${ev.value}`} checked=${v.events.includes(ev.value)}
            onChange=${(e) => set('events', e.target.checked ? [...v.events, ev.value] : v.events.filter((x) => x !== ev.value))} />
          <label for=${`ev-${ev.value}`}>${ev.label}</label>
        </div>`)}
        ${err('events') && html`<p class="field-error" role="alert">${err('events')}</p>`}
      </fieldset>
      <${Field} type="number" label="Messages per minute" min="0" max="600" value=${v.rate_per_minute}
        onInput=${(x) => set('rate_per_minute', Number.isNaN(x) ? 0 : x)} error=${err('rate_per_minute')}
        help="More are folded into one summary; 0 means 10." />
      <${Field} type="checkbox" label="Enabled" value=${v.enabled} onInput=${(x) => set('enabled', x)} />
      <div class="form-actions">
        <${Button} kind="primary" type="submit" busy=${saving}>Save notification</${Button}>
        <${Button} kind="ghost" onClick=${onDone}>Cancel</${Button}>
      </div>
    </form>
  </${Card}>`;
}
