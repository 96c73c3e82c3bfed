import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useServices, useSessionState } from '../../app/services';
import { ApiError } from '../../lib/apiClient';
import { IncompleteTokenAnswer, logIn } from './api';
import styles from './SignInPage.module.css';
import { APP_NAME, usePageTitle } from '../../lib/pageTitle';

/** "Too many attempts. Try again in 45 seconds." from a 429's Retry-After. */
export function tooManyAttemptsMessage(retryAfterSeconds: number | null): string {
  if (retryAfterSeconds === null) return 'Too many attempts. Try again later.';
  if (retryAfterSeconds < 60) {
    const seconds = Math.max(1, retryAfterSeconds);
    return `Too many attempts. Try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`;
  }
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many attempts. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}

interface FromState {
  from?: { pathname: string; search: string };
}

function destinationFrom(state: unknown): string {
  const from = (state as FromState | null)?.from;
  if (!from || from.pathname === '/login') return '/dashboard';
  return `${from.pathname}${from.search}`;
}

export function SignInPage() {
  const { api, session } = useServices();
  const { session: current, notice } = useSessionState();
  const navigate = useNavigate();
  const location = useLocation();
  usePageTitle('Sign in');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (current) return <Navigate to={destinationFrom(location.state)} replace />;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const signedIn = await logIn(api, username.trim(), password);
      session.signIn(signedIn);
      navigate(destinationFrom(location.state), { replace: true });
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 401) {
        setError('Wrong username or password.');
      } else if (failure instanceof ApiError && failure.status === 429) {
        setError(tooManyAttemptsMessage(failure.retryAfterSeconds));
      } else if (failure instanceof ApiError || failure instanceof IncompleteTokenAnswer) {
        setError(`Sign-in failed: ${failure.message}`);
      } else {
        setError('Cannot reach the server. Check your connection and try again.');
      }
      setBusy(false);
    }
  }

  return (
    <main className={styles.page}>
      <form className={styles.card} onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title" className={styles.title}>
          {APP_NAME}
        </h1>
        <p className={styles.subtitle}>Sign in to continue</p>
        {notice && !error && (
          <p className={styles.notice} role="status">
            {notice}
          </p>
        )}
        {error && (
          <p className={styles.error} role="alert">
            {error}
          </p>
        )}
        <label className={styles.field}>
          <span>Username</span>
          <input
            name="username"
            autoComplete="username"
            required
            autoFocus
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label className={styles.field}>
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
