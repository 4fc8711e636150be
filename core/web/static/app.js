// The shell: route table, navigation, the authentication gate (login page
// when signed out, setup wizard while no user exists) and the page frame.
import { html, render, useState, useEffect, useRef } from './vendor/preact-htm.js';
import { api, onUnauthorized } from './api.js';
import * as events from './events.js';
import { currentPath, href, match, navigate } from './router.js';
import { Session } from './session.js';
import { Toasts, Spinner, ErrorSummary, Button } from './ui.js';

/**
 * The route table. path may hold :params; nav is the label in the main
 * navigation (routes without it are reached by links); load imports the
 * page module, whose default export is the page component. The first route
 * with nav is the home page.
 */
export const routes = [
  { path: '/dashboard', nav: 'Dashboard', load: () => import('./pages/dashboard.js') },
  { path: '/instances', nav: 'Instances', load: () => import('./pages/instances.js') },
  { path: '/instances/new', load: () => import('./pages/instances.js') },
  { path: '/instances/:id', load: () => import('./pages/instances.js') },
  { path: '/setup', load: () => import('./pages/setup.js') },
  { path: '/queues', nav: 'Queues', load: () => import('./pages/queues.js') },
  { path: '/queues/new', load: () => import('./pages/queue-edit.js') },
  { path: '/queues/:id/edit', load: () => import('./pages/queue-edit.js') },
  { path: '/queues/:id/preview', load: () => import('./pages/preview.js') },
  { path: '/history', nav: 'History', load: () => import('./pages/history.js') },
  { path: '/history/stats', load: () => import('./pages/stats.js') },
  { path: '/history/failures', load: () => import('./pages/failures.js') },
  { path: '/history/:id', load: () => import('./pages/run.js') },
  { path: '/notifications', nav: 'Notifications', load: () => import('./pages/notifications.js') },
  { path: '/exclusions', nav: 'Exclusions', load: () => import('./pages/exclusions.js') },
  { path: '/plugins', nav: 'Plugins', load: () => import('./pages/plugins.js') },
  { path: '/settings', nav: 'Settings', load: () => import('./pages/settings.js') },
];

const publicRoutes = {
  '/login': () => import('./pages/login.js'),
  '/setup': () => import('./pages/setup.js'),
};

function homePath() {
  const r = routes.find((r) => r.nav);
  return r ? r.path : '/instances';
}

function resolve(path) {
  for (const r of routes) {
    const params = match(r.path, path);
    if (params) return { route: r, params };
  }
  return null;
}

function usePath() {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const on = () => setPath(currentPath());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return path;
}

// Page loads a page module and renders its default export.
function Page({ load, params, path }) {
  const [mod, setMod] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    setMod(null);
    setError(null);
    load().then((m) => live && setMod(m), (e) => live && setError(e));
    return () => { live = false; };
  }, [load]);
  if (error) return html`<${ErrorSummary} error=${error} />`;
  if (!mod) return html`<${Spinner} label="Loading page" />`;
  const C = mod.default;
  return html`<${C} params=${params} path=${path} />`;
}

function Nav({ path, onNavigate }) {
  return html`<nav class="nav" aria-label="Main">
    <ul>
      ${routes.filter((r) => r.nav).map((r) => {
        const active = path === r.path || path.startsWith(r.path + '/');
        return html`<li><a href=${href(r.path)} aria-current=${active ? 'page' : undefined} onClick=${onNavigate}>${r.nav}</a></li>`;
      })}
    </ul>
  </nav>`;
}

function Frame({ user, path, logout, children }) {
  const [menu, setMenu] = useState(false);
  const [live, setLive] = useState(false);
  useEffect(() => events.onStatus(setLive), []);
  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main').focus(); }}>Skip to content</a>
    <header class="topbar">
      <a class="brand" href=${href(homePath())}>
        <img src="favicon.svg" alt="" width="24" height="24" /><span>Searcharr</span>
      </a>
      <button type="button" class="btn btn-ghost menu-toggle" aria-expanded=${menu ? 'true' : 'false'} aria-controls="main-nav" onClick=${() => setMenu(!menu)}>Menu</button>
      <div id="main-nav" class=${'nav-wrap' + (menu ? ' open' : '')}>
        <${Nav} path=${path} onNavigate=${() => setMenu(false)} />
      </div>
      <div class="user">
        <span class=${'live-dot' + (live ? ' on' : '')} title=${live ? 'Live updates connected' : 'Live updates not connected'}></span>
        <span class="username">${user.username}</span>
        <${Button} kind="ghost" onClick=${logout}>Log out</${Button}>
      </div>
    </header>
    <main id="main" tabindex="-1">${children}</main>
  `;
}

function App() {
  const path = usePath();
  const [user, setUser] = useState(undefined); // undefined: checking
  const [setupRequired, setSetupRequired] = useState(false);
  const [error, setError] = useState(null);
  const mainPath = useRef(path);

  const check = async () => {
    setError(null);
    try {
      setUser(await api.get('api/auth/me'));
      return;
    } catch (e) {
      if (e.status !== 401) { setError(e); return; }
    }
    try {
      const s = await api.get('api/auth/setup');
      setSetupRequired(!!s.setup_required);
    } catch (e) { setError(e); }
    setUser(null);
  };

  useEffect(() => {
    check();
    onUnauthorized(() => { events.close(); setUser(null); });
  }, []);

  // Focus moves to the page on navigation, for keyboard and screen reader users.
  useEffect(() => {
    if (mainPath.current !== path) {
      mainPath.current = path;
      const m = document.getElementById('main');
      if (m) m.focus({ preventScroll: true });
      window.scrollTo(0, 0);
    }
  }, [path]);

  const logout = async () => {
    try { await api.post('api/auth/logout'); } catch (e) { /* signed out anyway */ }
    events.close();
    setUser(null);
    setSetupRequired(false);
    navigate('/login', { replace: true });
  };

  const session = { user, setUser, logout, recheck: check };

  if (error) {
    return html`<main id="main" class="center"><h1>Searcharr is not answering</h1><${ErrorSummary} error=${error} /><${Button} kind="primary" onClick=${check}>Try again</${Button}></main>`;
  }
  if (user === undefined) return html`<main id="main" class="center"><${Spinner} label="Loading" /></main>`;

  if (!user) {
    const page = setupRequired ? publicRoutes['/setup'] : publicRoutes['/login'];
    return html`<${Session.Provider} value=${session}>
      <main id="main" class="center" tabindex="-1"><${Page} load=${page} params=${{}} path=${path} /></main>
      <${Toasts} />
    </${Session.Provider}>`;
  }

  if (path === '/' || path === '/login') {
    navigate(homePath(), { replace: true });
    return null;
  }
  const found = resolve(path);
  return html`<${Session.Provider} value=${session}>
    <${Frame} user=${user} path=${path} logout=${logout}>
      ${found
        ? html`<${Page} key=${found.route.path} load=${found.route.load} params=${found.params} path=${path} />`
        : html`<div class="page-head"><h1>Page not found</h1></div><p>There is no page at ${path}. <a href=${href(homePath())}>Go to the start page</a>.</p>`}
    </${Frame}>
    <${Toasts} />
  </${Session.Provider}>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
