import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installAuthBackend } from '../../test/authBackend';
import { createFakeBackend } from '../../test/fakeBackend';
import { renderApp, SIGNED_IN } from '../../test/renderApp';
import { SESSION_STORAGE_KEY } from './sessionStore';
import { tooManyAttemptsMessage } from './SignInPage';

const PASSWORD = 'right-password-1';

/** The contract's auth API (with the stored test session known to it) and an empty log table. */
function backendWithLogs() {
  const backend = createFakeBackend();
  const auth = installAuthBackend(backend);
  auth.addUser('admin', PASSWORD, 'admin');
  auth.openSession('admin', SIGNED_IN);
  backend.on('GET', '/api/logs', () => ({ body: { items: [], next_cursor: null } }));
  backend.on('GET', '/api/logs/facets', () => ({ body: { levels: [], events: [] } }));
  return { backend, auth };
}

async function signIn(password: string) {
  const user = userEvent.setup();
  await user.clear(screen.getByLabelText('Password'));
  if (!(screen.getByLabelText('Username') as HTMLInputElement).value) await user.type(screen.getByLabelText('Username'), 'admin');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('sign-in', () => {
  it('sends a signed-out visitor to sign-in, then back to the page they asked for', async () => {
    const { backend } = backendWithLogs();
    renderApp(backend, { route: '/logs?level=ERROR', session: null });

    expect(await screen.findByRole('heading', { name: 'Delta Strangle Control Plane' })).toBeTruthy();
    await signIn(PASSWORD);

    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/logs?level=ERROR'));
    const stored = JSON.parse(window.sessionStorage.getItem(SESSION_STORAGE_KEY) ?? '{}');
    expect(stored.token).toMatch(/^access-/);
    expect(stored.refreshToken).toMatch(/^refresh-/);
    expect(stored.refreshExpiresAt).toBeGreaterThan(stored.expiresAt);
    expect(screen.getByRole('link', { name: 'Signed in as admin' })).toBeTruthy();
    await waitFor(() =>
      expect(backend.callsTo('GET', '/api/logs')[0]?.headers.get('Authorization')).toBe(`Bearer ${stored.token}`),
    );
    expect(backend.callsTo('POST', '/api/auth/login')[0]?.headers.get('Authorization')).toBeNull();
  });

  it('says so when the password is wrong and stays on sign-in', async () => {
    renderApp(backendWithLogs().backend, { route: '/login', session: null });

    await signIn('wrong');

    expect((await screen.findByRole('alert')).textContent).toBe('Wrong username or password.');
    expect(screen.getByTestId('location').textContent).toBe('/login');
    expect(window.sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('says how long to wait when the server answers 429 with Retry-After', async () => {
    renderApp(backendWithLogs().backend, { route: '/login', session: null });

    for (let attempt = 0; attempt < 5; attempt += 1) {
      await signIn(`wrong-${attempt}`);
      await screen.findByText('Wrong username or password.');
    }
    await signIn(PASSWORD);

    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Too many attempts. Try again in 45 seconds.'));
    expect(window.sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('refuses a sign-in answer without a refresh token, saying why', async () => {
    const { backend } = backendWithLogs();
    backend.on('POST', '/api/auth/login', () => ({ body: { access_token: 'a', token_type: 'bearer', expires_at: 4_000_000_000 } }));
    renderApp(backend, { route: '/login', session: null });

    await signIn(PASSWORD);

    expect((await screen.findByRole('alert')).textContent).toBe(
      'Sign-in failed: the server did not send the tokens this app needs (access and refresh token with their expiries)',
    );
    expect(window.sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('words the wait in seconds or minutes', () => {
    expect(tooManyAttemptsMessage(1)).toBe('Too many attempts. Try again in 1 second.');
    expect(tooManyAttemptsMessage(59)).toBe('Too many attempts. Try again in 59 seconds.');
    expect(tooManyAttemptsMessage(61)).toBe('Too many attempts. Try again in 2 minutes.');
    expect(tooManyAttemptsMessage(null)).toBe('Too many attempts. Try again later.');
  });

  it('renews an expired access token silently and stays on the page', async () => {
    const { backend, auth } = backendWithLogs();
    auth.expireAccessToken(SIGNED_IN.token);
    renderApp(backend, { route: '/logs?level=INFO' });

    await waitFor(() => expect(backend.callsTo('POST', '/api/auth/refresh')).toHaveLength(1));
    expect(await screen.findByText('No entries match these filters.')).toBeTruthy();
    expect(screen.getByTestId('location').textContent).toBe('/logs?level=INFO');
    expect(screen.getByText('Widen the time range or clear the filters.')).toBeTruthy();
  });

  it('returns to sign-in with a message when the session was revoked (the refresh is refused)', async () => {
    const { backend, auth } = backendWithLogs();
    auth.revokeSessionsOf('admin');
    renderApp(backend);

    expect(await screen.findByText('Your session has expired. Please sign in again.')).toBeTruthy();
    expect(screen.getByTestId('location').textContent).toBe('/login');
    expect(backend.callsTo('POST', '/api/auth/refresh')).toHaveLength(1);
  });

  it('returns to sign-in with a message when the stored session has run out', async () => {
    const { backend } = backendWithLogs();
    renderApp(backend, { session: { ...SIGNED_IN, refreshExpiresAt: Math.floor(Date.now() / 1000) - 5 } });

    expect((await screen.findByRole('status')).textContent).toBe('Your session has expired. Please sign in again.');
    expect(backend.callsTo('GET', '/api/logs')).toHaveLength(0);
  });

  it('returns to sign-in with a message when the session runs out while the page is open', async () => {
    const { backend } = backendWithLogs();
    // Two to three seconds of validity: time to render even on a loaded CI machine.
    const soon = Math.floor(Date.now() / 1000) + 3;
    renderApp(backend, { route: '/logs?level=INFO', session: { ...SIGNED_IN, refreshExpiresAt: soon } });
    expect(await screen.findByRole('button', { name: 'Sign out' })).toBeTruthy();

    expect(
      await screen.findByText('Your session has expired. Please sign in again.', {}, { timeout: 10000 }),
    ).toBeTruthy();
    expect(screen.getByTestId('location').textContent).toBe('/login');
    expect(window.sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  }, 20000);

  it('signs out through POST /api/auth/logout, which revokes the token, and forgets it', async () => {
    const user = userEvent.setup();
    const { backend, auth } = backendWithLogs();
    renderApp(backend);

    await user.click(await screen.findByRole('button', { name: 'Sign out' }));

    expect((await screen.findByRole('status')).textContent).toBe('You have signed out.');
    expect(screen.getByTestId('location').textContent).toBe('/login');
    expect(window.sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    const [logout] = backend.callsTo('POST', '/api/auth/logout');
    expect(logout?.headers.get('Authorization')).toBe(`Bearer ${SIGNED_IN.token}`);
    expect(auth.isRevoked(SIGNED_IN.token)).toBe(true);
  });
});
