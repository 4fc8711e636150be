// The setup wizard: create the administrator, then connect the first
// Sonarr/Radarr instance, set up its webhook and start a first queue.
import { html, useState, Field, Button, ErrorSummary, PageTitle } from '../ui.js';
import { api, fieldErrors } from '../api.js';
import { useSession } from '../session.js';
import { navigate } from '../router.js';

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

export default function Setup() {
  const session = useSession();
  const signedIn = !!session.user;
  return html`<div class="wizard">
    <${PageTitle}>Set up Searcharr</${PageTitle}>
    ${signedIn
      ? html`<p>You are signed in as ${session.user.username}. <a href="#/instances/new">Connect a Sonarr or Radarr instance</a>.</p>`
      : html`<${AdminStep} onDone=${(u) => { session.setUser(u); navigate('/instances/new', { replace: true }); }} />`}
  </div>`;
}
