// Settings: the scheduler (pause/resume, administrators), the password,
// personal API keys, and the users (administrators).
import { html, useState, PageTitle, Field, Button, Badge, Card, RelTime, Spinner, ErrorSummary, ConfirmDialog,
  CopyButton, toast, useLoad, errorText } from '../ui.js';
import { api, fieldErrors } from '../api.js';
import { useSession } from '../session.js';

export default function Settings() {
  const { user } = useSession();
  const admin = !!(user && user.is_admin);
  return html`<${PageTitle}>Settings</${PageTitle}>
    <${Scheduler} admin=${admin} />
    <${Password} />
    <${APIKeys} />
    ${admin && html`<${Users} />`}`;
}

function Scheduler({ admin }) {
  const st = useLoad(() => api.get('api/scheduler'));
  const [busy, setBusy] = useState(false);
  const flip = async () => {
    setBusy(true);
    try {
      st.setData(await api.post(st.data.paused ? 'api/scheduler/resume' : 'api/scheduler/pause'));
      toast(st.data.paused ? 'Scheduler resumed' : 'Scheduler paused', 'ok');
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setBusy(false);
    }
  };
  return html`<${Card} title="Scheduler">
    ${st.error && html`<${ErrorSummary} error=${st.error} />`}
    ${!st.data && !st.error && html`<${Spinner} label="Loading the scheduler" />`}
    ${st.data && html`<dl class="kv">
        <dt>State</dt><dd>${st.data.paused ? html`<${Badge} kind="warn">paused</${Badge}>` : st.data.running ? html`<${Badge} kind="ok">running</${Badge}>` : html`<${Badge} kind="error">stopped</${Badge}>`}</dd>
        <dt>Scheduled queues</dt><dd>${st.data.jobs_count}</dd>
        <dt>Next due</dt><dd><${RelTime} time=${st.data.next_due} /></dd>
      </dl>
      ${admin
        ? html`<div class="form-actions"><${Button} kind=${st.data.paused ? 'primary' : 'secondary'} busy=${busy} onClick=${flip}>
            ${st.data.paused ? 'Resume scheduler' : 'Pause scheduler'}</${Button}></div>
          <p class="help">Pausing holds back every scheduled run of every user, across restarts; Start now still works.</p>`
        : html`<p class="help">Only an administrator can pause the scheduler.</p>`}`}
  </${Card}>`;
}

function Password() {
  const [v, setV] = useState({ current: '', next: '', again: '' });
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);
  const save = async (e) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    if (v.next !== v.again) {
      setErrors({ 'body.again': 'The two new passwords differ.' });
      return;
    }
    setSaving(true);
    try {
      await api.post('api/auth/password', { current_password: v.current, new_password: v.next });
      setV({ current: '', next: '', again: '' });
      toast('Password changed; other sessions were signed out', 'ok');
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
    } finally {
      setSaving(false);
    }
  };
  return html`<${Card} title="Password">
    <form onSubmit=${save} novalidate>
      ${error && html`<${ErrorSummary} error=${error} />`}
      <${Field} type="password" label="Current password" autocomplete="current-password" value=${v.current}
        onInput=${(x) => setV({ ...v, current: x })} error=${errors['body.current_password']} />
      <${Field} type="password" label="New password" autocomplete="new-password" value=${v.next}
        onInput=${(x) => setV({ ...v, next: x })} error=${errors['body.new_password']} help="A long passphrase is best." />
      <${Field} type="password" label="New password again" autocomplete="new-password" value=${v.again}
        onInput=${(x) => setV({ ...v, again: x })} error=${errors['body.again']} />
      <div class="form-actions"><${Button} kind="primary" type="submit" busy=${saving}>Change password</${Button}></div>
    </form>
  </${Card}>`;
}

function APIKeys() {
  const keys = useLoad(() => api.get('api/auth/api-keys'));
  const [name, setName] = useState('');
  const [days, setDays] = useState(0);
  const [created, setCreated] = useState(null);
  const [errors, setErrors] = useState({});
  const [saving, setSaving] = useState(false);
  const [confirm, setConfirm] = useState(null);

  const create = async (e) => {
    e.preventDefault();
    setSaving(true);
    setErrors({});
    try {
      const k = await api.post('api/auth/api-keys', { name: name.trim(), expires_in_days: Number(days) || 0 });
      setCreated(k);
      setName('');
      keys.reload();
    } catch (err) {
      setErrors({ ...fieldErrors(err), form: errorText(err) });
    } finally {
      setSaving(false);
    }
  };
  const revoke = async () => {
    const k = confirm;
    try {
      await api.del(`api/auth/api-keys/${k.id}`);
      toast(`Key ${k.name} revoked`, 'ok');
      keys.reload();
    } catch (e) {
      toast(errorText(e), 'error');
    }
    setConfirm(null);
  };

  return html`<${Card} title="Personal API keys">
    <p class="help">For scripts and tools: send the key in the X-Api-Key header. It acts as you.</p>
    ${created && html`<div class="notice notice-ok" role="status">
      <p>Key <strong>${created.name}</strong> created. Copy it now: it is not shown again.</p>
      <div class="copy-row"><input class="mono" readonly value=${created.key} aria-label="New API key" />
        <${CopyButton} text=${created.key} label="key" /></div>
      <${Button} kind="ghost" onClick=${() => setCreated(null)}>Done</${Button}>
    </div>`}
    ${keys.error && html`<${ErrorSummary} error=${keys.error} />`}
    ${keys.data && (keys.data.length === 0 ? html`<p class="muted">No API keys.</p>` : html`<div class="table-wrap"><table class="stack">
      <caption class="offscreen">API keys</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col">Actions</th></tr></thead>
      <tbody>${keys.data.map((k) => html`<tr key=${k.id}>
        <td data-label="Name">${k.name}</td><td data-label="Starts with"><span class="mono">${k.prefix}…</span></td><td data-label="Created"><${RelTime} time=${k.created_at} /></td>
        <td data-label="Last used"><${RelTime} time=${k.last_used_at} /></td><td data-label="Expires">${k.expires_at ? new Date(k.expires_at).toLocaleDateString() : 'never'}</td>
        <td data-label="Actions"><${Button} kind="ghost" onClick=${() => setConfirm(k)} aria-label=${`Revoke key ${k.name}`}>Revoke</${Button}></td>
      </tr>`)}</tbody>
    </table></div>`)}
    <form onSubmit=${create} novalidate class="inline-form">
      <h3>New key</h3>
      ${errors.form && !errors['body.name'] && html`<p class="field-error" role="alert">${errors.form}</p>`}
      <div class="row">
        <${Field} label="Key name" value=${name} onInput=${setName} error=${errors['body.name']} help="What the key is for, e.g. backup script." />
        <${Field} type="number" label="Expires after days" min="0" max="3650" value=${days} onInput=${(x) => setDays(Number.isNaN(x) ? 0 : x)}
          error=${errors['body.expires_in_days']} help="0 never expires." />
      </div>
      <div class="form-actions"><${Button} kind="primary" type="submit" busy=${saving}>Create API key</${Button}></div>
    </form>
    <${ConfirmDialog} open=${!!confirm} title=${confirm ? `Revoke key ${confirm.name}?` : 'Revoke key?'} confirmLabel="Revoke key"
      onConfirm=${revoke} onCancel=${() => setConfirm(null)}><p>Scripts using it stop working at once.</p></${ConfirmDialog}>
  </${Card}>`;
}

function Users() {
  const users = useLoad(() => api.get('api/users'));
  const [v, setV] = useState({ username: '', password: '', is_admin: false });
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);
  const create = async (e) => {
    e.preventDefault();
    setSaving(true);
    setErrors({});
    setError(null);
    try {
      const u = await api.post('api/auth/register', { username: v.username.trim(), password: v.password, is_admin: v.is_admin });
      toast(`User ${u.username} created`, 'ok');
      setV({ username: '', password: '', is_admin: false });
      users.reload();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
    } finally {
      setSaving(false);
    }
  };
  return html`<${Card} title="Users">
    ${users.error && html`<${ErrorSummary} error=${users.error} />`}
    ${users.data && html`<div class="table-wrap"><table>
      <caption class="offscreen">Users</caption>
      <thead><tr><th scope="col">Username</th><th scope="col">Role</th><th scope="col">Created</th></tr></thead>
      <tbody>${users.data.map((u) => html`<tr key=${u.id}><td>${u.username}</td>
        <td>${u.is_admin ? html`<${Badge} kind="info">administrator</${Badge}>` : 'user'}</td><td><${RelTime} time=${u.created_at} /></td></tr>`)}</tbody>
    </table></div>`}
    <form onSubmit=${create} novalidate class="inline-form">
      <h3>New user</h3>
      ${error && html`<${ErrorSummary} error=${error} />`}
      <div class="row">
        <${Field} label="Username" autocomplete="off" value=${v.username} onInput=${(x) => setV({ ...v, username: x })} error=${errors['body.username']} />
        <${Field} type="password" label="Password" autocomplete="new-password" value=${v.password} onInput=${(x) => setV({ ...v, password: x })} error=${errors['body.password']} />
      </div>
      <${Field} type="checkbox" label="Administrator" value=${v.is_admin} onInput=${(x) => setV({ ...v, is_admin: x })}
        help="Administrators create users and pause the scheduler. Every user sees only their own instances, queues and history." />
      <div class="form-actions"><${Button} kind="primary" type="submit" busy=${saving}>Create user</${Button}></div>
    </form>
  </${Card}>`;
}
