// The schedule editor: interval, cron, daily, weekly or one-time, a time
// zone, windows and jitter, with the next five runs computed by the
// server (POST api/validate/schedule) as the settings change.
import { html, useState, useEffect, useRef, Field } from '../ui.js';
import { api, fieldErrors } from '../api.js';

export const scheduleKinds = [
  { value: 'interval', label: 'Every so many minutes' },
  { value: 'daily', label: 'Daily at a time' },
  { value: 'weekly', label: 'Weekly on chosen days' },
  { value: 'cron', label: 'Cron expression' },
  { value: 'once', label: 'Only when started' },
];

const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function zones() {
  try { return Intl.supportedValuesOf('timeZone'); } catch (e) { return ['UTC']; }
}

/** The browser's own time zone, the default of a new schedule. */
export function localZone() {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch (e) { return 'UTC'; }
}

/** The body PUT api/search-queues/{id}/schedule takes, from the editor's value. */
export function scheduleBody(s) {
  const b = { kind: s.kind, time_zone: s.time_zone || '' };
  if (s.kind === 'interval') b.interval_minutes = Number(s.interval_minutes) || 0;
  if (s.kind === 'cron') b.cron = s.cron || '';
  if (s.kind === 'daily' || s.kind === 'weekly') b.at = s.at || '';
  if (s.kind === 'weekly') b.weekdays = s.weekdays || [];
  b.windows = (s.windows || []).filter((w) => w.start || w.end);
  b.jitter_seconds = Number(s.jitter_seconds) || 0;
  return b;
}

/**
 * Props: value ({kind, interval_minutes, cron, at, weekdays, time_zone,
 * windows, jitter_seconds}), onChange, queueId (when editing), errors
 * ({"body.cron": message}) from saving.
 */
export function ScheduleEditor({ value, onChange, queueId, errors: saveErrors = {} }) {
  const s = value;
  const set = (k, v) => onChange({ ...s, [k]: v });
  const [preview, setPreview] = useState({ state: 'idle', runs: [], errors: {} });
  const seq = useRef(0);
  const body = JSON.stringify(scheduleBody(s));

  useEffect(() => {
    const n = ++seq.current;
    setPreview((p) => ({ ...p, state: 'checking' }));
    const t = setTimeout(async () => {
      try {
        const path = 'api/validate/schedule' + (queueId ? `?queue_id=${queueId}` : '');
        const res = await api.post(path, JSON.parse(body));
        if (n === seq.current) setPreview({ state: 'ok', runs: res.next_runs, zone: res.time_zone, errors: {} });
      } catch (e) {
        if (n !== seq.current) return;
        const fe = fieldErrors(e);
        setPreview({ state: 'invalid', runs: [], errors: fe, message: Object.keys(fe).length ? '' : (e.detail || e.message) });
      }
    }, 350);
    return () => clearTimeout(t);
  }, [body, queueId]);

  const err = (k) => preview.errors[`body.${k}`] || saveErrors[`body.${k}`];
  const windows = s.windows || [];
  const setWindow = (i, k, v) => set('windows', windows.map((w, j) => (j === i ? { ...w, [k]: v } : w)));
  const fmt = (t) => {
    const opts = { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
    try { return new Date(t).toLocaleString(undefined, { ...opts, timeZone: preview.zone || undefined }); } catch (e) { return new Date(t).toLocaleString(); }
  };

  return html`<div class="schedule-editor">
    <${Field} as="select" label="Runs" value=${s.kind} onInput=${(v) => set('kind', v)} options=${scheduleKinds} error=${err('kind')} />
    ${s.kind === 'interval' && html`<${Field} type="number" label="Interval in minutes" min="5" step="1" value=${s.interval_minutes}
      onInput=${(v) => set('interval_minutes', Number.isNaN(v) ? '' : v)} error=${err('interval_minutes')}
      help="Minutes between runs, at least 5 (1440 is a day)." />`}
    ${s.kind === 'cron' && html`<${Field} label="Cron expression" value=${s.cron} onInput=${(v) => set('cron', v)} error=${err('cron')}
      class="mono" help="Five fields: minute hour day-of-month month day-of-week, e.g. 0 3 * * 1-5; or @daily, @every 90m." />`}
    ${(s.kind === 'daily' || s.kind === 'weekly') && html`<${Field} type="time" label="At" value=${s.at} onInput=${(v) => set('at', v)} error=${err('at')} />`}
    ${s.kind === 'weekly' && html`<fieldset aria-describedby=${err('weekdays') ? 'weekdays-error' : undefined}>
      <legend>Days</legend>
      <div class="checks">
        ${days.map((d, i) => html`<div class="field-check">
          <input type="checkbox" id=${`day-${i}`} checked=${(s.weekdays || []).includes(i)}
            onChange=${(e) => set('weekdays', e.target.checked ? [...(s.weekdays || []), i].sort() : (s.weekdays || []).filter((x) => x !== i))} />
          <label for=${`day-${i}`}>${d}</label>
        </div>`)}
      </div>
      ${err('weekdays') && html`<p id="weekdays-error" class="field-error" role="alert">${err('weekdays')}</p>`}
    </fieldset>`}
    ${s.kind !== 'once' && html`<${Field} label="Time zone" value=${s.time_zone} onInput=${(v) => set('time_zone', v)} list="time-zones"
      error=${err('time_zone')} help="An IANA time zone such as Europe/Berlin; empty means UTC." autocomplete="off" />
      <datalist id="time-zones">${zones().map((z) => html`<option value=${z} />`)}</datalist>`}
    <fieldset>
      <legend>Windows</legend>
      <p class="help">Runs only start inside these daily spans (in the time zone). None means any time. An end before the start crosses midnight.</p>
      ${windows.map((w, i) => html`<div class="row window-row" key=${i}>
        <${Field} type="time" label=${`Window ${i + 1} start`} value=${w.start} onInput=${(v) => setWindow(i, 'start', v)} error=${err(`windows[${i}].start`)} />
        <${Field} type="time" label=${`Window ${i + 1} end`} value=${w.end} onInput=${(v) => setWindow(i, 'end', v)} error=${err(`windows[${i}].end`)} />
        <div class="field"><button type="button" class="btn btn-ghost" onClick=${() => set('windows', windows.filter((_, j) => j !== i))}>Remove window ${i + 1}</button></div>
      </div>`)}
      <button type="button" class="btn btn-small" onClick=${() => set('windows', [...windows, { start: '22:00', end: '06:00' }])}>Add window</button>
    </fieldset>
    ${s.kind !== 'once' && html`<${Field} type="number" label="Jitter in seconds" min="0" max="86400" value=${s.jitter_seconds}
      onInput=${(v) => set('jitter_seconds', Number.isNaN(v) ? 0 : v)} error=${err('jitter_seconds')}
      help="Delay each run by up to this much, so that queues do not all start at once." />`}
    <section class="next-runs" aria-labelledby="next-runs-title" aria-live="polite">
      <h3 id="next-runs-title">Next runs</h3>
      ${preview.state === 'checking' && html`<p class="muted">Computing…</p>`}
      ${preview.state === 'invalid' && html`<p class="field-error">${preview.message || 'Fix the schedule to see its next runs.'}</p>`}
      ${preview.state === 'ok' && (preview.runs.length === 0
        ? html`<p class="muted">${s.kind === 'once' ? 'Runs only when started (Start now).' : 'No further runs.'}</p>`
        : html`<ol class="runs">${preview.runs.map((t) => html`<li><time datetime=${t}>${fmt(t)}</time></li>`)}</ol>
          <p class="help">Times in ${preview.zone}.</p>`)}
    </section>
  </div>`;
}
