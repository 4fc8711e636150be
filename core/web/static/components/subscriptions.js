// A queue's webhook subscriptions: which Sonarr/Radarr events make it run,
// each with an optional condition written in the expression editor.
import { html, Field } from '../ui.js';
import { ExpressionEditor } from './expr.js';

export const eventTypes = ['Grab', 'Download', 'EpisodeFileDelete', 'MovieFileDelete', 'SeriesAdd', 'MovieAdded', 'Rename',
  'SeriesDelete', 'MovieDelete', 'Health', 'HealthRestored', 'ApplicationUpdate', 'ManualInteractionRequired', 'Test'];

/** Props: value ([{event_type, condition}]), onChange, errors ({"body.subscriptions[0].condition": msg}). */
export function Subscriptions({ value, onChange, errors = {} }) {
  const set = (i, k, v) => onChange(value.map((s, j) => (j === i ? { ...s, [k]: v } : s)));
  return html`<div class="subscriptions">
    <p class="help">A subscribed event runs the queue for just the items it names, for example a file deleted from disk
      (EpisodeFileDelete with event.deleteReason == "missingFromDisk"). It needs the instance's webhook set up in Sonarr/Radarr.</p>
    ${errors['body.subscriptions'] && html`<p class="field-error" role="alert">${errors['body.subscriptions']}</p>`}
    ${value.length === 0 && html`<p class="muted">No subscriptions: the queue runs on its schedule only.</p>`}
    ${value.map((s, i) => html`<fieldset class="subscription" key=${i}>
      <legend>Subscription ${i + 1}</legend>
      <${Field} as="select" label=${`Event of subscription ${i + 1}`} value=${s.event_type}
        options=${eventTypes.map((t) => ({ value: t, label: t }))} onInput=${(v) => set(i, 'event_type', v)}
        error=${errors[`body.subscriptions[${i}].event_type`]} />
      <${ExpressionEditor} label=${`Condition of subscription ${i + 1}`} value=${s.condition}
        onInput=${(v) => set(i, 'condition', v)} request=${{ kind: 'condition' }}
        error=${errors[`body.subscriptions[${i}].condition`]}
        help="Optional: an expression on the webhook body, seen as event. Empty matches every event of the type." />
      <button type="button" class="btn btn-ghost" onClick=${() => onChange(value.filter((_, j) => j !== i))}>Remove subscription ${i + 1}</button>
    </fieldset>`)}
    <button type="button" class="btn" onClick=${() => onChange([...value, { event_type: 'EpisodeFileDelete', condition: '' }])}>Add subscription</button>
  </div>`;
}
