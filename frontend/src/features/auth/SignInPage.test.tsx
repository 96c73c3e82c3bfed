import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeBackend } from '../../test/fakeBackend';
import { renderApp, SIGNED_IN } from '../../test/renderApp';
import { SESSION_STORAGE_KEY } from './sessionStore';

function backendWithLogs() {
  const backend = createFakeBackend();
  backend.on('POST', '/api/auth/login', ({ body }) => {
    const { username, password } = body as { username: string; password: string };
    if (username === 'admin' && password === 'right-password') {
      return { body: { access_token: 'fresh-token', token_type: 'bearer', expires_at: Math.floor(Date.now() / 1000) + 600 } };
    }
    return { status: 401, body: { detail: 'invalid username or password' } };
  });
  backend.on('GET', '/api/logs', ({ headers }) =>
    headers.get('Authorization') === 'Bearer fresh-token' || headers.get('Authorization') === `Bearer ${SIGNED_IN.token}`
      ? { body: { items: [], next_cursor: null } }
      : { status: 401, body: { detail: 'sign-in required' } },
  );
  backend.on('GET', '/api/logs/facets', () => ({ body: { levels: [], events: [] } }));
  return backend;
}

describe('sign-in', () => {
  it('sends a signed-out visitor to sign-in, then back to the page they asked for', async () => {
    const user = userEvent.setup();
    const backend = backendWithLogs();
    renderApp(backend, { route: '/logs?level=ERROR', session: null });

    expect(await screen.findByRole('heading', { name: 'Delta Strangle Control Plane' })).toBeTruthy();
    await user.type(screen.getByLabelText('Username'), 'admin');
    await user.type(screen.getByLabelText('Password'), 'right-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/logs?level=ERROR'));
    expect(JSON.parse(window.sessionStorage.getItem(SESSION_STORAGE_KEY) ?? '{}').token).toBe('fresh-token');
    expect(screen.getByText('Signed in as admin')).toBeTruthy();
    await waitFor(() =>
      expect(backend.callsTo('GET', '/api/logs')[0]?.headers.get('Authorization')).toBe('Bearer fresh-token'),
    );
  });

  it('says so when the password is wrong and stays on sign-in', async () => {
    const user = userEvent.setup();
    renderApp(backendWithLogs(), { route: '/login', session: null });

    await user.type(screen.getByLabelText('Username'), 'admin');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect((await screen.findByRole('alert')).textContent).toBe('Wrong username or password.');
    expect(screen.getByTestId('location').textContent).toBe('/login');
    expect(window.sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('returns to sign-in with a message when the API answers 401', async () => {
    const backend = backendWithLogs();
    renderApp(backend, { session: { ...SIGNED_IN, token: 'revoked-token' } });

    expect(await screen.findByText('Your session has expired. Please sign in again.')).toBeTruthy();
    expect(screen.getByTestId('location').textContent).toBe('/login');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
  });

  it('returns to sign-in with a message when the stored token has expired', async () => {
    const backend = backendWithLogs();
    renderApp(backend, { session: { ...SIGNED_IN, expiresAt: Math.floor(Date.now() / 1000) - 5 } });

    expect((await screen.findByRole('status')).textContent).toBe('Your session has expired. Please sign in again.');
    expect(backend.callsTo('GET', '/api/logs')).toHaveLength(0);
  });

  it('returns to sign-in with a message when the token runs out while the page is open', async () => {
    const backend = backendWithLogs();
    // Two to three seconds of validity: time to render even on a loaded CI machine.
    renderApp(backend, { route: '/logs?level=INFO', session: { ...SIGNED_IN, expiresAt: Math.floor(Date.now() / 1000) + 3 } });
    expect(await screen.findByRole('button', { name: 'Sign out' })).toBeTruthy();

    expect(
      await screen.findByText('Your session has expired. Please sign in again.', {}, { timeout: 10000 }),
    ).toBeTruthy();
    expect(screen.getByTestId('location').textContent).toBe('/login');
    expect(window.sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  }, 20000);

  it('signs out from the app shell and forgets the token', async () => {
    const user = userEvent.setup();
    renderApp(backendWithLogs());

    await user.click(await screen.findByRole('button', { name: 'Sign out' }));

    expect((await screen.findByRole('status')).textContent).toBe('You have signed out.');
    expect(screen.getByTestId('location').textContent).toBe('/login');
    expect(window.sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });
});
