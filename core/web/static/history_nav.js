// The history section's own navigation and its query-string helpers.
import { html, useState, useEffect } from './ui.js';
import { currentQuery, href } from './router.js';

const tabs = [
  ['/history', 'Runs'],
  ['/history/stats', 'Statistics'],
  ['/history/failures', 'Failures'],
];

/** Links between the history views; current marks the one shown. */
export function HistoryTabs({ current }) {
  return html`<nav class="tabs" aria-label="History views"><ul>
    ${tabs.map(([path, label]) => html`<li><a href=${href(path)} aria-current=${path === current ? 'page' : undefined}>${label}</a></li>`)}
  </ul></nav>`;
}

/** The query parameters of the hash (#/history?status=failed), kept current. */
export function useQuery() {
  const [q, setQ] = useState(() => Object.fromEntries(currentQuery()));
  useEffect(() => {
    const on = () => setQ(Object.fromEntries(currentQuery()));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return q;
}

/** A path with the non-empty params as its query string. */
export function withQuery(path, params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') qs.set(k, v);
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}
