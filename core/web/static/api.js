// The one way the UI talks to Searcharr: relative URLs (resolved against the
// page's <base>), JSON in and out, cookies for authentication, problem
// answers turned into ApiError.

/** An error answer of the API (RFC 9457 problem). */
export class ApiError extends Error {
  constructor(status, problem = {}) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.title = problem.title || '';
    this.detail = problem.detail || '';
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }
}

// Requests that must never be retried after a refresh: they are how a
// session starts or ends.
const noRetry = /^api\/auth\/(login|refresh|register|logout|setup)$/;

let unauthorized = () => {};
/** Sets what happens when a request is refused and no refresh helps. */
export function onUnauthorized(fn) { unauthorized = fn; }

let refreshing = null;
/** Exchanges the refresh cookie for new cookies; true on success. */
export function refreshSession() {
  if (!refreshing) {
    refreshing = fetch('api/auth/refresh', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' },
    }).then((r) => r.ok, () => false).finally(() => { refreshing = null; });
  }
  return refreshing;
}

async function request(method, path, body, retried = false) {
  path = String(path).replace(/^\/+/, '');
  const headers = { Accept: 'application/json, application/problem+json' };
  if (method !== 'GET') headers['X-Requested-With'] = 'XMLHttpRequest';
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, { title: 'Network error', detail: 'Searcharr did not answer; is it running?' });
  }
  if (res.status === 401 && !noRetry.test(path)) {
    if (!retried && await refreshSession()) return request(method, path, body, true);
    const err = await toError(res);
    unauthorized(err);
    throw err;
  }
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  return type.includes('json') ? res.json() : res.text();
}

async function toError(res) {
  let problem = {};
  try { problem = await res.json(); } catch (e) { /* not a problem body */ }
  return new ApiError(res.status, problem);
}

/** get/post/put/del(path, body) → parsed JSON (null for 204). */
export const api = {
  get: (path) => request('GET', path),
  post: (path, body) => request('POST', path, body),
  put: (path, body) => request('PUT', path, body),
  del: (path, body) => request('DELETE', path, body),
};

/**
 * The field messages of an ApiError, keyed by location
 * ({"body.url": "message"}); the first message of a location wins.
 */
export function fieldErrors(err) {
  const out = {};
  if (!(err instanceof ApiError)) return out;
  for (const e of err.errors) {
    if (e && e.location && !(e.location in out)) out[e.location] = e.message || 'invalid';
  }
  return out;
}
