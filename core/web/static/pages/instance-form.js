// The instance form (add and edit, with a live connection test) and the
// webhook setup panel, shared by the setup wizard and the instances page.
import { html, useState, useEffect, Field, Button, ErrorSummary, CopyButton, Badge, RelTime, Spinner, useLoad } from '../ui.js';
import { api, fieldErrors } from '../api.js';
import { subscribe } from '../events.js';

const kindName = { sonarr: 'Sonarr', radarr: 'Radarr' };

/** The body fields an instance form edits, from a stored instance. */
function initial(inst) {
  return {
    name: inst ? inst.name : '',
    url: inst ? inst.url : '',
    api_key: '',
    verify_tls: inst ? inst.verify_tls : true,
    timeout_seconds: inst ? inst.timeout_seconds : 30,
    rate_per_second: inst ? inst.rate_per_second : 1,
    burst: inst ? inst.burst : 1,
    hourly_cap: inst ? inst.hourly_cap : 20,
    daily_cap: inst ? inst.daily_cap : 100,
    max_in_flight: inst ? inst.max_in_flight : 1,
    max_queue_size: inst ? inst.max_queue_size : 0,
    budget_group: inst ? inst.budget_group : '',
  };
}

/**
 * Add or edit an instance. The connection is tested before saving; the
 * kind comes from the application's answer. Changing the URL of a saved
 * instance asks for its API key again. onSaved(instance) after saving.
 */
export function InstanceForm({ instance, onSaved, onCancel, submitLabel }) {
  const [v, setV] = useState(initial(instance));
  const [tested, setTested] = useState(null); // {kind, app, version, instance_name} of the values tested
  const [testing, setTesting] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState(null);
  const [fields, setFields] = useState({});
  const editing = !!instance;
  const urlChanged = editing && v.url.trim().replace(/\/+$/, '') !== instance.url;
  const needKey = !editing || urlChanged;
  const set = (k) => (val) => { setV((o) => ({ ...o, [k]: val })); if (k === 'url' || k === 'api_key') setTested(null); };

  const fail = (err) => {
    setError(err);
    const f = fieldErrors(err);
    // A kind mismatch is about the address: the user never picks a kind.
    if (f['body.kind'] && !f['body.url']) f['body.url'] = f['body.kind'];
    setFields(f);
  };

  const test = async () => {
    setTesting(true); setError(null); setFields({});
    try {
      let res;
      if (v.api_key) {
        res = await api.post('api/instances/test', { url: v.url.trim(), api_key: v.api_key, verify_tls: v.verify_tls, timeout_seconds: v.timeout_seconds });
      } else if (editing && !urlChanged) {
        res = await api.post(`api/instances/${instance.id}/test`);
        res.kind = instance.kind;
      } else {
        setFields({ 'body.api_key': 'enter the API key (Settings → General → API Key)' });
        return null;
      }
      setTested(res);
      return res;
    } catch (err) { fail(err); return null; } finally { setTesting(false); }
  };

  const save = async (e) => {
    e.preventDefault();
    if (needKey && !v.api_key) {
      setFields({ 'body.api_key': urlChanged ? 'enter the API key again: the URL changed' : 'enter the API key (Settings → General → API Key)' });
      return;
    }
    const res = tested || await test();
    if (!res) return;
    setSaving(true); setError(null);
    const body = { ...v, url: v.url.trim(), kind: res.kind || (instance && instance.kind), name: v.name.trim() || res.instance_name || kindName[res.kind] };
    if (!body.api_key) delete body.api_key;
    if (!body.budget_group) delete body.budget_group;
    try {
      const saved = editing ? await api.put(`api/instances/${instance.id}`, body) : await api.post('api/instances', body);
      onSaved(saved);
    } catch (err) { fail(err); setSaving(false); }
  };

  return html`<form onSubmit=${save} novalidate>
    <${Field} label="URL" value=${v.url} onInput=${set('url')} error=${fields['body.url']} required type="url"
      placeholder="http://192.168.1.10:8989" autocomplete="url"
      help="The address you open Sonarr or Radarr at, with its URL base if it has one (Settings → General → URL Base), e.g. http://sonarr:8989/sonarr." />
    <${Field} label="API key" type="password" value=${v.api_key} onInput=${set('api_key')} error=${fields['body.api_key']} autocomplete="off"
      required=${needKey}
      help=${editing && !urlChanged ? 'Leave empty to keep the stored key.' : 'In Sonarr or Radarr: Settings → General → Security → API Key.'} />
    <${Field} label="Name" value=${v.name} onInput=${set('name')} error=${fields['body.name']}
      help="How Searcharr shows this instance; by default the name the application reports." />
    ${tested && html`<p class="notice notice-ok" role="status">Connected to ${tested.app} ${tested.version}${tested.instance_name ? ` (${tested.instance_name})` : ''}.</p>`}
    <details>
      <summary>Budget and connection</summary>
      <div class="row">
        <${Field} label="Searches per hour" type="number" min="0" value=${v.hourly_cap} onInput=${set('hourly_cap')} error=${fields['body.hourly_cap']} help="Indexer searches per rolling hour; 0 means no cap." />
        <${Field} label="Searches per day" type="number" min="0" value=${v.daily_cap} onInput=${set('daily_cap')} error=${fields['body.daily_cap']} help="Indexer searches per rolling day; 0 means no cap." />
      </div>
      <div class="row">
        <${Field} label="Commands per second" type="number" min="0.01" step="0.01" value=${v.rate_per_second} onInput=${set('rate_per_second')} error=${fields['body.rate_per_second']} />
        <${Field} label="Burst" type="number" min="1" value=${v.burst} onInput=${set('burst')} error=${fields['body.burst']} />
        <${Field} label="Commands in flight" type="number" min="0" value=${v.max_in_flight} onInput=${set('max_in_flight')} error=${fields['body.max_in_flight']} />
      </div>
      <div class="row">
        <${Field} label="Pause above this download queue size" type="number" min="0" value=${v.max_queue_size} onInput=${set('max_queue_size')} error=${fields['body.max_queue_size']} help="0 disables." />
        <${Field} label="Budget group" value=${v.budget_group} onInput=${set('budget_group')} error=${fields['body.budget_group']} help="Instances in one group share the caps (one indexer account)." />
      </div>
      <div class="row">
        <${Field} label="Timeout in seconds" type="number" min="1" max="300" value=${v.timeout_seconds} onInput=${set('timeout_seconds')} error=${fields['body.timeout_seconds']} />
        <${Field} label="Check the TLS certificate" type="checkbox" value=${v.verify_tls} onInput=${set('verify_tls')} />
      </div>
    </details>
    <${ErrorSummary} error=${error} />
    <div class="form-actions">
      <${Button} onClick=${test} busy=${testing}>Test connection</${Button}>
      <${Button} kind="primary" type="submit" busy=${saving}>${submitLabel || (editing ? 'Save' : 'Save instance')}</${Button}>
      ${onCancel && html`<${Button} kind="ghost" onClick=${onCancel}>Cancel</${Button}>`}
    </div>
  </form>`;
}

function CopyField({ label, value }) {
  const id = `copy-${label.toLowerCase().replace(/\W+/g, '-')}`;
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <div class="copy-row">
      <input id=${id} readonly value=${value} onFocus=${(e) => e.target.select()} />
      <${CopyButton} text=${value} label=${label} />
    </div>
  </div>`;
}

/**
 * What to enter in Sonarr/Radarr → Settings → Connect → + → Webhook, with
 * copy buttons and an indicator that turns green when the Test arrives.
 */
export function WebhookSetup({ instanceId, kind }) {
  const { data, error, loading, reload } = useLoad(() => api.get(`api/instances/${instanceId}/webhook`), [instanceId]);
  const [testAt, setTestAt] = useState(null);
  const [regenerating, setRegenerating] = useState(false);
  useEffect(() => subscribe('webhook_test', (ev) => { if (ev.instance_id === instanceId) setTestAt(ev.at); }), [instanceId]);
  if (loading && !data) return html`<${Spinner} label="Loading the webhook settings" />`;
  if (error) return html`<${ErrorSummary} error=${error} />`;
  const app = kindName[kind] || 'Sonarr/Radarr';
  const last = testAt || data.last_test_at;
  const regenerate = async () => {
    setRegenerating(true);
    try { await api.post(`api/instances/${instanceId}/webhook/regenerate`); reload(); } finally { setRegenerating(false); }
  };
  return html`<div class="webhook">
    ${data.warning && html`<div class="notice" role="alert">
      <p><strong>Sonarr/Radarr may not reach this address.</strong> ${data.warning}</p>
      <p>For example, start Searcharr with <code>SEARCHARR_BASE_URL=http://192.168.1.10:7337 searcharr serve</code>, or set <code>SEARCHARR_BASE_URL</code> in the container's environment.</p>
    </div>`}
    <p>In ${app}: <strong>Settings → Connect → + → Webhook</strong>. Enter these values, tick the triggers below, then press <strong>Test</strong> and <strong>Save</strong>.</p>
    <${CopyField} label="Webhook URL" value=${data.url} />
    <${CopyField} label="Method" value=${data.method} />
    <${CopyField} label="Username" value=${data.username} />
    <${CopyField} label="Password" value=${data.password} />
    <h3>Triggers to tick</h3>
    <ul class="triggers">
      ${(data.triggers || []).map((t) => html`<li><strong>${t.label}</strong> <span class="muted">— ${t.why}</span></li>`)}
    </ul>
    <p class=${'indicator' + (last ? ' ok' : '')} role="status" aria-live="polite">
      <span class="dot" aria-hidden="true"></span>
      ${last ? html`Test received <${RelTime} time=${last} />.` : `Waiting for ${app}'s Test…`}
      ${last && html` <${Badge} kind="ok">Connected</${Badge}>`}
    </p>
    <div class="form-actions">
      <${Button} kind="ghost" busy=${regenerating} onClick=${regenerate}>New credentials</${Button}>
    </div>
  </div>`;
}
