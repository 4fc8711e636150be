// Hash routing: #/instances/3 → path "/instances/3". Works under any base
// URL path because the server only ever sees index.html.

/** The current route path ("/" when none). */
export function currentPath() {
  const h = location.hash.replace(/^#/, '');
  return h.startsWith('/') ? h.split('?')[0] : '/';
}

/** The query parameters of the current hash (#/history?queue=3). */
export function currentQuery() {
  const h = location.hash;
  const i = h.indexOf('?');
  return new URLSearchParams(i >= 0 ? h.slice(i + 1) : '');
}

/** The href of a route, for <a href=${href('/instances')}>. */
export function href(path) { return '#' + path; }

/** Goes to a route. */
export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', href(path));
  else location.hash = path;
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/**
 * Matches path against a pattern with :params ("/queues/:id/edit"); returns
 * the params or null.
 */
export function match(pattern, path) {
  const p = pattern.split('/');
  const s = path.split('/');
  if (p.length !== s.length) return null;
  const params = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}
