import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp, SIGNED_IN } from '../../test/renderApp';
import { ADMIN_PASSWORD, createTradingBackend } from '../../test/tradingBackend';
import { SESSION_STORAGE_KEY } from './sessionStore';

async function fillIn(current: string, next: string, again = next) {
  const user = userEvent.setup();
  for (const [label, value] of [['Current password', current], ['New password', next], ['New password again', again]] as const) {
    await user.clear(screen.getByLabelText(label));
    await user.type(screen.getByLabelText(label), value);
  }
  await user.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('change password', () => {
  it('is reached from the account link in the shell, for a viewer too', async () => {
    const user = userEvent.setup();
    renderApp(createTradingBackend({ role: 'viewer' }).backend, { route: '/dashboard' });

    await user.click(await screen.findByRole('link', { name: `Signed in as ${SIGNED_IN.username}` }));

    expect(screen.getByTestId('location').textContent).toBe('/account');
    expect(screen.getByRole('heading', { name: 'Change password' })).toBeTruthy();
  });

  it('changes the password, then signs out everywhere with a notice', async () => {
    const { backend, auth } = createTradingBackend();
    renderApp(backend, { route: '/account' });
    await screen.findByRole('heading', { name: 'Change password' });

    await fillIn(ADMIN_PASSWORD, 'a-brand-new-password');

    expect((await screen.findByRole('status')).textContent).toBe('Password changed. Sign in with your new password.');
    expect(screen.getByTestId('location').textContent).toBe('/login');
    expect(window.sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    expect(auth.users.get('admin')?.password).toBe('a-brand-new-password');
    expect(auth.isRevoked(SIGNED_IN.token)).toBe(true);
  });

  it('checks the new password before sending: length, repeat, and different from the current one', async () => {
    const { backend } = createTradingBackend();
    renderApp(backend, { route: '/account' });
    await screen.findByRole('heading', { name: 'Change password' });

    await fillIn(ADMIN_PASSWORD, 'short');
    expect(screen.getByText('At least 12 characters.').className).toBe('field-error');
    await fillIn(ADMIN_PASSWORD, 'long-enough-password', 'different-value');
    expect(screen.getByText('The two new passwords differ.')).toBeTruthy();
    await fillIn(ADMIN_PASSWORD, ADMIN_PASSWORD);
    expect(screen.getByText('Choose a password different from the current one.')).toBeTruthy();
    expect(backend.callsTo('POST', '/api/auth/password')).toHaveLength(0);
  });

  it('says so when the current password is wrong, and stays signed in', async () => {
    const { backend } = createTradingBackend();
    renderApp(backend, { route: '/account' });
    await screen.findByRole('heading', { name: 'Change password' });

    await fillIn('not-the-password', 'a-brand-new-password');

    expect((await screen.findByRole('alert')).textContent).toBe('The current password is wrong.');
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/account'));
    expect(window.sessionStorage.getItem(SESSION_STORAGE_KEY)).not.toBeNull();
  });
});
