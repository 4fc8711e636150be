// The setup wizard: create the administrator, then connect the first
// Sonarr/Radarr instance, set up its webhook and start a first queue.
import { html, useState, useEffect, useRef, Field, Button, ErrorSummary, PageTitle, Spinner, Badge } from '../ui.js';
import { api, fieldErrors } from '../api.js';
import { useSession } from '../session.js';
import { navigate } from '../router.js';
import { InstanceForm, WebhookSetup } from './instance-form.js';
import { reasonLabels, reasonSentence } from '../words.js';

function AdminStep({ onDone }) {
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [fields, setFields] = useState({});

  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    if (password !== confirm) {
      setFields({ 'body.confirm': 'the two passwords differ' });
      return;
    }
    setBusy(true);
    try {
      await api.post('api/auth/register', { username, password });
      await api.post('api/auth/login', { username, password });
      onDone(await api.get('api/auth/me'));
    } catch (err) {
      setError(err);
      setFields(fieldErrors(err));
      setBusy(false);
    }
  };

  return html`<form onSubmit=${submit} novalidate>
    <p>Searcharr has no user yet. The account you create now is the administrator.</p>
    <${Field} label="Username" value=${username} onInput=${setUsername} error=${fields['body.username']}
      autocomplete="username" required help="Letters, digits, dot, dash and underscore; at least 3 characters." />
    <${Field} label="Password" type="password" value=${password} onInput=${setPassword} error=${fields['body.password']}
      autocomplete="new-password" required help="At least 12 characters." />
    <${Field} label="Confirm password" type="password" value=${confirm} onInput=${setConfirm} error=${fields['body.confirm']}
      autocomplete="new-password" required />
    <${ErrorSummary} error=${error} />
    <${Button} kind="primary" type="submit" busy=${busy}>Create administrator</${Button}>
  </form>`;
}


const STEPS = ['Administrator', 'Instance', 'Webhook', 'First queue', 'Preview'];

function Steps({ current }) {
  return html`<ol class="steps" aria-label="Setup steps">
    ${STEPS.map((name, i) => html`<li class=${i < current ? 'done' : ''} aria-current=${i === current ? 'step' : undefined}>${name}</li>`)}
  </ol>`;
}

/** Queue presets: what a first queue can be, with caps prefilled. */
const PRESETS = [
  {
    id: 'backlog', title: 'Gentle backlog', strategy: 'missing',
    text: 'Searches missing items, oldest first, once a day, a few at a time.',
    body: { name: 'Gentle backlog', strategy: 'missing', recurring: true, interval_hours: 24, max_items_per_run: 10, max_searches_per_run: 10, cooldown_hours: 168 },
  },
  {
    id: 'upgrades', title: 'Upgrades weekly', strategy: 'cutoff',
    text: 'Searches items below their quality cutoff once a week.',
    body: { name: 'Upgrades weekly', strategy: 'cutoff', recurring: true, interval_hours: 168, max_items_per_run: 20, max_searches_per_run: 20, cooldown_hours: 336 },
  },
  {
    id: 'recent', title: 'New releases', strategy: 'recent',
    text: 'Searches recently released items every few hours.',
    body: { name: 'New releases', strategy: 'recent', recurring: true, interval_hours: 4, max_items_per_run: 10, max_searches_per_run: 10, cooldown_hours: 24 },
  },
];

function QueueStep({ instance, onDone }) {
  const [preset, setPreset] = useState(PRESETS[0]);
  const [name, setName] = useState(PRESETS[0].body.name);
  const [hours, setHours] = useState(PRESETS[0].body.interval_hours);
  const [items, setItems] = useState(PRESETS[0].body.max_items_per_run);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [fields, setFields] = useState({});
  const choose = (p) => { setPreset(p); setName(p.body.name); setHours(p.body.interval_hours); setItems(p.body.max_items_per_run); };
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null); setFields({});
    try {
      const q = await api.post('api/search-queues', { ...preset.body, instance_id: instance.id, name, interval_hours: hours,
        max_items_per_run: items, max_searches_per_run: items });
      onDone(q);
    } catch (err) { setError(err); setFields(fieldErrors(err)); setBusy(false); }
  };
  return html`<form onSubmit=${submit} novalidate>
    <p>Pick what the first queue searches. You can change everything later on the Queues page.</p>
    <div class="presets" role="group" aria-label="Queue presets">
      ${PRESETS.map((p) => html`<button type="button" class="preset" aria-pressed=${preset.id === p.id ? 'true' : 'false'} onClick=${() => choose(p)}>
        <strong>${p.title}</strong><span class="muted">${p.text}</span>
      </button>`)}
    </div>
    <${Field} label="Queue name" value=${name} onInput=${setName} error=${fields['body.name']} required />
    <div class="row">
      <${Field} label="Run every (hours)" type="number" min="1" value=${hours} onInput=${setHours} error=${fields['body.interval_hours']} />
      <${Field} label="Items per run" type="number" min="1" value=${items} onInput=${setItems} error=${fields['body.max_items_per_run']}
        help="Also the most indexer searches one run may spend." />
    </div>
    <${ErrorSummary} error=${error} />
    <div class="form-actions"><${Button} kind="primary" type="submit" busy=${busy}>Create queue and preview</${Button}></div>
  </form>`;
}

function PreviewStep({ queue, onStarted }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [starting, setStarting] = useState(false);
  useEffect(() => {
    api.post(`api/search-queues/${queue.id}/preview`, {}).then(setData, setError);
  }, [queue.id]);
  const start = async () => {
    setStarting(true); setError(null);
    try { await api.post(`api/search-queues/${queue.id}/start`, {}); onStarted(); } catch (err) { setError(err); setStarting(false); }
  };
  const kept = data ? data.decisions.filter((d) => d.decision === 'kept') : [];
  const dropped = data ? data.decisions.filter((d) => d.decision !== 'kept') : [];
  return html`<div>
    <p>What a run of <strong>${queue.name}</strong> would search now, and why. Nothing was sent.</p>
    ${!data && !error && html`<${Spinner} label="Planning a dry run" />`}
    <${ErrorSummary} error=${error} />
    ${data && html`<div>
      <p>${kept.length} to search, ${dropped.length} skipped.</p>
      ${data.decisions.length === 0 && html`<p class="muted">Nothing to search right now: the instance's wanted list is empty.</p>`}
      ${data.decisions.length > 0 && html`<div class="table-wrap"><table>
        <caption class="offscreen">Dry run decisions</caption>
        <thead><tr><th scope="col">Item</th><th scope="col">Decision</th><th scope="col">Why</th></tr></thead>
        <tbody>${data.decisions.slice(0, 50).map((d) => html`<tr>
          <td>${d.title || d.item_key}</td>
          <td><${Badge} kind=${d.decision === 'kept' ? 'ok' : 'muted'}>${reasonLabels[d.reason_code] || d.reason_code}</${Badge}></td>
          <td>${reasonSentence(d.reason_code)}${d.reason ? html` <span class="muted">(${d.reason})</span>` : ''}</td>
        </tr>`)}</tbody>
      </table></div>`}
      ${data.decisions.length > 50 && html`<p class="muted">The first 50 of ${data.decisions.length} items are shown.</p>`}
    </div>`}
    <div class="form-actions">
      <${Button} kind="primary" busy=${starting} disabled=${!data} onClick=${start}>Start searching</${Button}>
    </div>
  </div>`;
}

export default function Setup() {
  const session = useSession();
  const signedIn = !!session.user;
  const [step, setStep] = useState(signedIn ? 1 : 0);
  const [instance, setInstance] = useState(null);
  const [queue, setQueue] = useState(null);
  const heading = useRef(null);
  useEffect(() => { if (heading.current && step > 0) heading.current.focus(); }, [step]);
  const titles = ['Create the administrator', 'Connect Sonarr or Radarr', 'Send Sonarr/Radarr events to Searcharr', 'Create a first queue', 'Preview and start'];
  return html`<div class="wizard">
    <${PageTitle}>Set up Searcharr</${PageTitle}>
    <${Steps} current=${step} />
    <h2 tabindex="-1" ref=${heading}>${titles[step]}</h2>
    ${step === 0 && html`<${AdminStep} onDone=${(u) => { session.setUser(u); navigate('/setup', { replace: true }); }} />`}
    ${step === 1 && html`<div>
      <p>Searcharr tests the connection before saving and recognises Sonarr or Radarr by itself.</p>
      <${InstanceForm} submitLabel="Test and save" onSaved=${(i) => { setInstance(i); setStep(2); }} />
    </div>`}
    ${step === 2 && instance && html`<div>
      <${WebhookSetup} instanceId=${instance.id} kind=${instance.kind} />
      <div class="form-actions"><${Button} kind="primary" onClick=${() => setStep(3)}>Continue</${Button}></div>
      <p class="help">Without the webhook Searcharr still works: it reads the grab history instead, a little later.</p>
    </div>`}
    ${step === 3 && instance && html`<${QueueStep} instance=${instance} onDone=${(q) => { setQueue(q); setStep(4); }} />`}
    ${step === 4 && queue && html`<${PreviewStep} queue=${queue} onStarted=${() => navigate('/dashboard')} />`}
    ${step > 0 && html`<p class="help"><a href="#/dashboard">Skip the rest of the setup</a></p>`}
  </div>`;
}
