// Create or edit a search queue: instance and strategy, the strategy's
// settings (a form generated from the plugin's JSON Schema), the budget of
// a run, the schedule with its next runs, and the webhook subscriptions.
import { html, useState, useEffect, PageTitle, Field, Button, Card, Spinner, ErrorSummary, toast, useLoad,
  errorText } from '../ui.js';
import { api, fieldErrors } from '../api.js';
import { href, navigate } from '../router.js';
import { SchemaForm } from '../components/schemaform.js';
import { ScheduleEditor, scheduleBody, localZone } from '../components/schedule.js';
import { Subscriptions } from '../components/subscriptions.js';

const defaults = {
  name: '', instance_id: 0, strategy: 'missing', filters: {},
  max_items_per_run: 50, max_searches_per_run: 50, cooldown_hours: 24, cooldown_mode: 'flat',
  shared_cooldown: true, include_unmonitored: false,
};

function fromQueue(q) {
  return {
    name: q.name, instance_id: q.instance_id, strategy: q.strategy, filters: q.filters || {},
    max_items_per_run: q.max_items_per_run, max_searches_per_run: q.max_searches_per_run, cooldown_hours: q.cooldown_hours,
    cooldown_mode: q.cooldown_mode || 'flat', shared_cooldown: q.shared_cooldown, include_unmonitored: q.include_unmonitored,
    interval_minutes: q.interval_minutes,
  };
}

function fromSchedule(s, q) {
  return {
    kind: s.kind || (q && !q.recurring ? 'once' : 'interval'),
    interval_minutes: s.interval_minutes || (q && q.interval_minutes) || 1440,
    cron: s.cron || '', at: s.at || '03:00', weekdays: s.weekdays || [], time_zone: s.time_zone || '',
    windows: s.windows || [], jitter_seconds: s.jitter_seconds || 0,
  };
}

export default function QueueEdit({ params }) {
  const id = params.id ? Number(params.id) : 0;
  const data = useLoad(async () => {
    const [instances, plugins] = await Promise.all([api.get('api/instances'), api.get('api/plugins')]);
    if (!id) return { instances, plugins };
    const [queue, schedule, subs] = await Promise.all([
      api.get(`api/search-queues/${id}`),
      api.get(`api/search-queues/${id}/schedule`).catch(() => ({})),
      api.get(`api/search-queues/${id}/subscriptions`).catch(() => ({ subscriptions: [] })),
    ]);
    return { instances, plugins, queue, schedule, subs: subs.subscriptions || [] };
  }, [id]);

  if (data.error) return html`<${PageTitle}>${id ? 'Edit queue' : 'New queue'}</${PageTitle}><${ErrorSummary} error=${data.error} />`;
  if (!data.data) return html`<${PageTitle}>${id ? 'Edit queue' : 'New queue'}</${PageTitle}><${Spinner} label="Loading queue" />`;
  return html`<${Editor} key=${id} id=${id} ...${data.data} />`;
}

function Editor({ id, instances, plugins, queue, schedule, subs }) {
  const [q, setQ] = useState(() => (queue ? fromQueue(queue) : { ...defaults, instance_id: instances[0] ? instances[0].id : 0 }));
  const [sched, setSched] = useState(() => (schedule ? fromSchedule(schedule, queue) : { ...fromSchedule({}), time_zone: localZone() }));
  const [subscriptions, setSubscriptions] = useState(() => (subs || []).map((s) => ({ event_type: s.event_type, condition: s.condition || '' })));
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);
  const set = (k, v) => setQ((cur) => ({ ...cur, [k]: v }));

  const instance = instances.find((i) => i.id === Number(q.instance_id));
  const usable = plugins.filter((p) => !instance || !p.instance_kinds || p.instance_kinds.length === 0 || p.instance_kinds.includes(instance.kind));
  const plugin = plugins.find((p) => p.name === q.strategy) || null;
  const title = id ? `Edit ${queue.name}` : 'New queue';

  useEffect(() => {
    if (!usable.find((p) => p.name === q.strategy) && usable[0]) setQ((cur) => ({ ...cur, strategy: usable[0].name, filters: {} }));
  }, [q.instance_id]);

  if (instances.length === 0) {
    return html`<${PageTitle}>${title}</${PageTitle}>
      <p>A queue searches on a Sonarr or Radarr instance; connect one first.</p>
      <a class="btn btn-primary" href=${href('/instances/new')}>Add an instance</a>`;
  }

  // Plugin errors arrive as body.filters.<path with dots>; the form keys them by "/" paths.
  const filterErrors = {};
  for (const [loc, msg] of Object.entries(errors)) {
    if (loc.startsWith('body.filters.')) filterErrors[loc.slice('body.filters.'.length).replace(/\./g, '/')] = msg;
  }
  const scheduleErrors = {};
  const subErrors = {};
  for (const [loc, msg] of Object.entries(errors)) {
    if (loc.startsWith('schedule.')) scheduleErrors[loc.slice('schedule.'.length)] = msg;
    if (loc.startsWith('subscriptions.')) subErrors[loc.slice('subscriptions.'.length)] = msg;
  }

  const save = async (e) => {
    e.preventDefault();
    setSaving(true);
    setErrors({});
    setError(null);
    const once = sched.kind === 'once';
    const body = {
      instance_id: Number(q.instance_id), name: q.name.trim(), strategy: q.strategy, filters: q.filters || {},
      recurring: !once,
      interval_minutes: once ? 0 : (sched.kind === 'interval' ? Number(sched.interval_minutes) || 0 : (q.interval_minutes || 1440)),
      max_items_per_run: Number(q.max_items_per_run) || undefined,
      max_searches_per_run: Number(q.max_searches_per_run) || undefined,
      cooldown_hours: Number(q.cooldown_hours) || undefined,
      cooldown_mode: q.cooldown_mode, shared_cooldown: !!q.shared_cooldown, include_unmonitored: !!q.include_unmonitored,
    };
    if (once) delete body.interval_minutes;
    let saved;
    let stage = 'queue';
    try {
      saved = id ? await api.put(`api/search-queues/${id}`, body) : await api.post('api/search-queues', body);
      stage = 'schedule';
      await api.put(`api/search-queues/${saved.id}/schedule`, scheduleBody(sched));
      stage = 'subscriptions';
      await api.put(`api/search-queues/${saved.id}/subscriptions`, { subscriptions: subscriptions.filter((s) => s.event_type) });
      toast(`Queue ${saved.name} saved`, 'ok');
      navigate('/queues');
    } catch (err) {
      const fe = fieldErrors(err);
      const keyed = {};
      for (const [loc, msg] of Object.entries(fe)) keyed[stage === 'queue' ? loc : `${stage}.${loc}`] = msg;
      setErrors(keyed);
      setError(err);
      if (saved && !id) {
        // The queue exists now: go on editing it there.
        toast(`Queue ${saved.name} created, but its ${stage} was refused: ${errorText(err)}`, 'error');
        navigate(`/queues/${saved.id}/edit`, { replace: true });
      }
    } finally {
      setSaving(false);
    }
  };

  const err = (k) => errors[`body.${k}`];
  return html`<${PageTitle} actions=${id ? html`<${QueueControls} queue=${queue} />` : null}>${title}</${PageTitle}>
    <form class="queue-form" onSubmit=${save} novalidate>
      ${error && html`<${ErrorSummary} error=${error} />`}
      <${Card} title="Queue">
        <${Field} label="Name" value=${q.name} onInput=${(v) => set('name', v)} error=${err('name')} required maxLength="100" />
        <${Field} as="select" label="Instance" value=${String(q.instance_id)} onInput=${(v) => set('instance_id', Number(v))}
          error=${err('instance_id')} options=${instances.map((i) => ({ value: String(i.id), label: `${i.name} (${i.kind})` }))} />
        <${Field} as="select" label="Strategy" value=${q.strategy} onInput=${(v) => setQ((cur) => ({ ...cur, strategy: v, filters: {} }))}
          error=${err('strategy')} options=${usable.map((p) => ({ value: p.name, label: `${p.name} ${p.version}` }))}
          help=${plugin ? plugin.description : ''} />
      </${Card}>
      <${Card} title=${plugin ? `Settings of ${plugin.name}` : 'Strategy settings'}>
        ${err('filters') && html`<p class="field-error" role="alert">${err('filters')}</p>`}
        ${plugin && html`<${SchemaForm} key=${plugin.name} schema=${plugin.config_schema} value=${q.filters}
          onChange=${(v) => set('filters', v)} errors=${filterErrors} expression=${{ strategy: plugin.name, filters: q.filters }} />`}
      </${Card}>
      <${Card} title="Limits per run">
        <div class="row">
          <${Field} type="number" label="Items per run" min="1" max="10000" value=${q.max_items_per_run}
            onInput=${(v) => set('max_items_per_run', v)} error=${err('max_items_per_run')} help="The most items one run searches." />
          <${Field} type="number" label="Indexer searches per run" min="1" max="100000" value=${q.max_searches_per_run}
            onInput=${(v) => set('max_searches_per_run', v)} error=${err('max_searches_per_run')}
            help="A season search costs 1, an episode search 1 per episode." />
        </div>
        <div class="row">
          <${Field} type="number" label="Cooldown in hours" min="1" max="8760" value=${q.cooldown_hours}
            onInput=${(v) => set('cooldown_hours', v)} error=${err('cooldown_hours')} help="An item is not searched again before this." />
          <${Field} as="select" label="Cooldown mode" value=${q.cooldown_mode} onInput=${(v) => set('cooldown_mode', v)} error=${err('cooldown_mode')}
            options=${[{ value: 'flat', label: 'Flat: the cooldown after every search' }, { value: 'adaptive', label: 'Adaptive: longer for old items and fruitless searches' }]} />
        </div>
        <${Field} type="checkbox" label="Searches by the instance's other queues count towards this cooldown" value=${q.shared_cooldown}
          onInput=${(v) => set('shared_cooldown', v)} />
        <${Field} type="checkbox" label="Search unmonitored items the strategy asks for" value=${q.include_unmonitored}
          onInput=${(v) => set('include_unmonitored', v)} />
      </${Card}>
      <${Card} title="Schedule">
        <${ScheduleEditor} value=${sched} onChange=${setSched} queueId=${id || 0} errors=${scheduleErrors} />
      </${Card}>
      <${Card} title="Webhook subscriptions">
        <${Subscriptions} value=${subscriptions} onChange=${setSubscriptions} errors=${subErrors} />
      </${Card}>
      <div class="form-actions">
        <${Button} kind="primary" type="submit" busy=${saving}>Save queue</${Button}>
        <a class="btn btn-ghost" href=${href('/queues')}>Cancel</a>
        ${id ? html`<a class="btn btn-ghost" href=${href(`/queues/${id}/preview`)}>Preview</a>` : ''}
      </div>
    </form>`;
}

// QueueControls starts, pauses or resumes the queue being edited.
function QueueControls({ queue }) {
  const [paused, setPaused] = useState(queue.status === 'paused' || queue.status === 'deactivated' || !queue.is_active);
  const [busy, setBusy] = useState(null);
  const act = async (what, path, done) => {
    setBusy(what);
    try {
      const res = await api.post(`api/search-queues/${queue.id}/${path}`);
      toast(done, 'ok');
      return res;
    } catch (e) {
      toast(`${queue.name}: ${errorText(e)}`, 'error');
      return null;
    } finally {
      setBusy(null);
    }
  };
  return html`
    <${Button} kind="primary" busy=${busy === 'start'} onClick=${() => act('start', 'start', `${queue.name}: run started`)}>Start now</${Button}>
    ${paused
      ? html`<${Button} busy=${busy === 'resume'} onClick=${async () => { if (await act('resume', 'resume', `${queue.name} resumed`)) setPaused(false); }}>Resume</${Button}>`
      : html`<${Button} busy=${busy === 'pause'} onClick=${async () => { if (await act('pause', 'pause', `${queue.name} paused`)) setPaused(true); }}>Pause</${Button}>`}`;
}
