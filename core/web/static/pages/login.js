// The login page.
import { html, useState, Field, Button, ErrorSummary, PageTitle } from '../ui.js';
import { api } from '../api.js';
import { useSession } from '../session.js';

export default function Login() {
  const session = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post('api/auth/login', { username, password });
      session.setUser(await api.get('api/auth/me'));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return html`<div class="auth-box">
    <${PageTitle}>Log in to Searcharr</${PageTitle}>
    <form onSubmit=${submit} novalidate>
      <${Field} label="Username" value=${username} onInput=${setUsername} autocomplete="username" required autofocus />
      <${Field} label="Password" type="password" value=${password} onInput=${setPassword} autocomplete="current-password" required />
      <${ErrorSummary} error=${error} />
      <${Button} kind="primary" type="submit" busy=${busy}>Log in</${Button}>
    </form>
  </div>`;
}
