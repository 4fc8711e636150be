import { refreshSession } from './api.js';

// One shared EventSource on api/events for the whole page. Pages subscribe
// to an event kind (or '*' for all) and get the parsed data; the connection
// opens with the first subscriber, reconnects quietly with a backoff when it
// drops, and closes when the last subscriber leaves.

/** Every event kind the server sends. */
export const KINDS = [
  'run_started', 'run_progress', 'run_ended', 'search_sent', 'grab_found',
  'instance_paused', 'instance_resumed', 'webhook_test', 'budget_exhausted',
];

const listeners = new Map(); // kind or '*' → Set of functions
const statusListeners = new Set();
let source = null;
let retryTimer = null;
let retryDelay = 2000;
let connected = false;

function setConnected(v) {
  if (connected === v) return;
  connected = v;
  for (const fn of statusListeners) fn(v);
}

function deliver(kind, ev) {
  let data = null;
  try { data = JSON.parse(ev.data); } catch (e) { return; }
  for (const key of [kind, '*']) {
    for (const fn of listeners.get(key) || []) {
      try { fn(data, kind); } catch (e) { console.error(e); }
    }
  }
}

function open() {
  if (source || retryTimer || typeof EventSource === 'undefined') return;
  source = new EventSource('api/events');
  source.onopen = () => { retryDelay = 2000; setConnected(true); };
  source.onerror = () => {
    setConnected(false);
    // The browser retries by itself unless the answer was not a stream
    // (an error status, often an expired session): then refresh the
    // session and try again later, more and more slowly.
    if (source && source.readyState === EventSource.CLOSED) {
      source = null;
      retryTimer = setTimeout(async () => {
        await refreshSession();
        retryTimer = null;
        if (listeners.size) open();
      }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 60000);
    }
  };
  for (const kind of KINDS) source.addEventListener(kind, (ev) => deliver(kind, ev));
}

/** Closes the stream (on logout). */
export function close() {
  if (source) source.close();
  source = null;
  clearTimeout(retryTimer);
  retryTimer = null;
  setConnected(false);
}

/** Calls fn(data, kind) for each event of kind ('*': every kind); returns the unsubscribe function. */
export function subscribe(kind, fn) {
  if (!listeners.has(kind)) listeners.set(kind, new Set());
  listeners.get(kind).add(fn);
  open();
  return () => {
    const set = listeners.get(kind);
    if (!set) return;
    set.delete(fn);
    if (!set.size) listeners.delete(kind);
    if (!listeners.size) close();
  };
}

/** Calls fn(connected) whenever the stream connects or drops; returns the unsubscribe function. */
export function onStatus(fn) {
  statusListeners.add(fn);
  fn(connected);
  return () => statusListeners.delete(fn);
}
