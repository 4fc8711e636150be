// Exclusions: episodes, series and movies kept out of every search, until
// an expiry or for good.
import { html, useState, PageTitle, Field, Button, Badge, Card, EmptyState, Spinner, ErrorSummary, ConfirmDialog,
  toast, useLoad, errorText } from '../ui.js';
import { api, fieldErrors } from '../api.js';

/** A datetime-local value ("2025-06-01T12:00") for a time, in local time. */
function localInput(t) {
  if (!t) return '';
  const d = new Date(t);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromInput(v) { return v ? new Date(v).toISOString() : undefined; }

export default function Exclusions() {
  const data = useLoad(async () => {
    const [list, instances] = await Promise.all([api.get('api/exclusions'), api.get('api/instances')]);
    return { list, instances };
  });
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState(null);
  const [confirm, setConfirm] = useState(null);

  const remove = async () => {
    const x = confirm;
    try {
      await api.del(`api/exclusions/${x.id}`);
      toast(`${x.title || 'Exclusion'} removed`, 'ok');
      data.reload();
    } catch (e) {
      toast(errorText(e), 'error');
    }
    setConfirm(null);
  };

  let body;
  if (data.error) body = html`<${ErrorSummary} error=${data.error} />`;
  else if (!data.data) body = html`<${Spinner} label="Loading exclusions" />`;
  else if (data.data.list.length === 0) {
    body = html`<${EmptyState} title="Nothing is excluded">
      <p>Exclude an item from a queue's preview with one click, or add one here by its Sonarr/Radarr id.</p>
    </${EmptyState}>`;
  } else {
    const inst = (id) => (data.data.instances.find((i) => i.id === id) || { name: `instance ${id}` }).name;
    body = html`<div class="table-wrap"><table class="stack">
      <caption class="offscreen">Exclusions</caption>
      <thead><tr><th scope="col">Title</th><th scope="col">What</th><th scope="col">Instance</th><th scope="col">Reason</th><th scope="col">Until</th><th scope="col">Actions</th></tr></thead>
      <tbody>${data.data.list.map((x) => html`<tr key=${x.id}>
        <td data-label="Title">${x.title || html`<span class="muted">untitled</span>`}</td>
        <td data-label="What">${x.kind} <span class="mono muted">${x.target_id}</span></td>
        <td data-label="Instance">${inst(x.instance_id)}</td>
        <td data-label="Reason">${x.reason}</td>
        <td data-label="Until">${x.expires_at ? new Date(x.expires_at).toLocaleString() : 'never ends'} ${!x.active && html`<${Badge}>expired</${Badge}>`}</td>
        <td class="actions-cell" data-label="Actions">
          <${Button} kind="ghost" onClick=${() => setEditing(x)} aria-label=${`Edit ${x.title || x.target_id}`}>Edit</${Button}>
          <${Button} kind="ghost" onClick=${() => setConfirm(x)} aria-label=${`Remove ${x.title || x.target_id}`}>Remove</${Button}>
        </td>
      </tr>`)}</tbody>
    </table></div>`;
  }

  return html`<${PageTitle} actions=${!adding && html`<${Button} kind="primary" onClick=${() => { setAdding(true); setEditing(null); }}>Add exclusion</${Button}>`}>Exclusions</${PageTitle}>
    ${adding && data.data && html`<${ExclusionForm} instances=${data.data.instances} onDone=${() => { setAdding(false); data.reload(); }} />`}
    ${editing && html`<${ExclusionForm} key=${editing.id} exclusion=${editing} onDone=${() => { setEditing(null); data.reload(); }} />`}
    ${body}
    <${ConfirmDialog} open=${!!confirm} title="Remove this exclusion?" confirmLabel="Remove exclusion"
      onConfirm=${remove} onCancel=${() => setConfirm(null)}><p>${confirm && (confirm.title || `${confirm.kind} ${confirm.target_id}`)} can be searched again.</p></${ConfirmDialog}>`;
}

function ExclusionForm({ exclusion, instances = [], onDone }) {
  const [v, setV] = useState(() => (exclusion
    ? { title: exclusion.title, reason: exclusion.reason, expires: localInput(exclusion.expires_at) }
    : { instance_id: instances[0] ? instances[0].id : 0, kind: 'episode', target_id: '', title: '', reason: '', expires: '' }));
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);
  const set = (k, x) => setV((cur) => ({ ...cur, [k]: x }));
  const err = (k) => errors[`body.${k}`];

  const save = async (e) => {
    e.preventDefault();
    setSaving(true);
    setErrors({});
    setError(null);
    try {
      const common = { title: v.title.trim(), reason: v.reason.trim(), expires_at: fromInput(v.expires) };
      if (exclusion) await api.put(`api/exclusions/${exclusion.id}`, common);
      else await api.post('api/exclusions', { ...common, instance_id: Number(v.instance_id), kind: v.kind, target_id: Number(v.target_id) || 0 });
      toast('Exclusion saved', 'ok');
      onDone();
    } catch (err2) {
      setErrors(fieldErrors(err2));
      setError(err2);
    } finally {
      setSaving(false);
    }
  };

  return html`<${Card} title=${exclusion ? `Edit ${exclusion.title || 'exclusion'}` : 'New exclusion'}>
    <form onSubmit=${save} novalidate>
      ${error && html`<${ErrorSummary} error=${error} />`}
      ${!exclusion && html`
        <${Field} as="select" label="Instance" value=${String(v.instance_id)} onInput=${(x) => set('instance_id', Number(x))} error=${err('instance_id')}
          options=${instances.map((i) => ({ value: String(i.id), label: `${i.name} (${i.kind})` }))} />
        <div class="row">
          <${Field} as="select" label="Kind" value=${v.kind} onInput=${(x) => set('kind', x)} error=${err('kind')}
            options=${[{ value: 'episode', label: 'Episode' }, { value: 'series', label: 'Series' }, { value: 'movie', label: 'Movie' }]} />
          <${Field} type="number" label="Sonarr/Radarr id" min="1" value=${v.target_id} onInput=${(x) => set('target_id', Number.isNaN(x) ? '' : x)}
            error=${err('target_id')} help="The episode, series or movie id in Sonarr/Radarr." />
        </div>`}
      <${Field} label="Title" value=${v.title} onInput=${(x) => set('title', x)} error=${err('title')} />
      <${Field} label="Reason" value=${v.reason} onInput=${(x) => set('reason', x)} error=${err('reason')} />
      <${Field} type="datetime-local" label="Expires" value=${v.expires} onInput=${(x) => set('expires', x)} error=${err('expires_at')}
        help="Leave empty to exclude for good." />
      <div class="form-actions">
        <${Button} kind="primary" type="submit" busy=${saving}>Save exclusion</${Button}>
        <${Button} kind="ghost" onClick=${onDone}>Cancel</${Button}>
      </div>
    </form>
  </${Card}>`;
}
