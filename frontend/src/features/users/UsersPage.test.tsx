import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp, SIGNED_IN } from '../../test/renderApp';
import { createTradingBackend } from '../../test/tradingBackend';

function usersBackend() {
  const trading = createTradingBackend();
  trading.auth.addUser('eve', 'eve-password-12', 'viewer');
  trading.auth.openSession('eve');
  return trading;
}

const card = (name: string) => screen.findByRole('listitem', { name });

describe('Users screen', () => {
  it('lists every account with role, state and active sessions, under a nav entry for admins', async () => {
    renderApp(usersBackend().backend, { route: '/users' });

    const eve = await card('eve');
    expect(within(eve).getByText('viewer')).toBeTruthy();
    expect(within(eve).getByText('active')).toBeTruthy();
    expect(within(eve).getByText(/^1 active session ·/)).toBeTruthy();
    expect(within(await card('admin')).getByText('(you)')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Users' })).toBeTruthy();
  });

  it('says how to let someone else in while the admin is the only account', async () => {
    renderApp(createTradingBackend().backend, { route: '/users' });
    await card('admin');
    expect(screen.getByText(/^Only you so far\. Create a user with New user/)).toBeTruthy();
  });

  it('does not say "only you" once there is another account', async () => {
    renderApp(usersBackend().backend, { route: '/users' });
    await card('eve');
    expect(screen.queryByText(/^Only you so far/)).toBeNull();
  });

  it('hides the nav entry from a viewer, and says "admins only" at the URL', async () => {
    const { backend } = createTradingBackend({ role: 'viewer' });
    renderApp(backend, { route: '/users' });

    expect((await screen.findByRole('status')).textContent).toBe('Admins only: your account (viewer) cannot manage users.');
    expect(screen.getByRole('link', { name: 'Logs' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Users' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'New user' })).toBeNull();
    expect(backend.callsTo('GET', '/api/users')).toHaveLength(0);
  });

  it('creates a user with a role, checking the API rules before sending', async () => {
    const user = userEvent.setup();
    const { backend } = usersBackend();
    renderApp(backend, { route: '/users' });
    await card('eve');

    await user.click(screen.getByRole('button', { name: 'New user' }));
    const form = screen.getByRole('form', { name: 'New user' });
    await user.type(within(form).getByLabelText('Username'), '.ops');
    await user.type(within(form).getByLabelText('Password'), 'short');
    await user.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(within(form).getByText('Start with a letter or digit; then letters, digits and _ . @ - only.')).toBeTruthy();
    expect(within(form).getByText('At least 12 characters.')).toBeTruthy();
    expect(backend.callsTo('POST', '/api/users')).toHaveLength(0);

    await user.clear(within(form).getByLabelText('Username'));
    await user.type(within(form).getByLabelText('Username'), 'ops.viewer');
    await user.clear(within(form).getByLabelText('Password'));
    await user.type(within(form).getByLabelText('Password'), 'a-long-password');
    await user.selectOptions(within(form).getByLabelText('Role'), 'admin');
    await user.click(within(form).getByRole('button', { name: 'Create user' }));

    expect((await screen.findByRole('status')).textContent).toBe('Created ops.viewer (admin).');
    expect(within(await card('ops.viewer')).getByText('admin')).toBeTruthy();
    expect(backend.callsTo('POST', '/api/users')[0]?.body).toEqual({ username: 'ops.viewer', password: 'a-long-password', role: 'admin' });
  });

  it("shows the API's refusal of a duplicate name", async () => {
    const user = userEvent.setup();
    renderApp(usersBackend().backend, { route: '/users' });
    await card('eve');

    await user.click(screen.getByRole('button', { name: 'New user' }));
    const form = screen.getByRole('form', { name: 'New user' });
    await user.type(within(form).getByLabelText('Username'), 'eve');
    await user.type(within(form).getByLabelText('Password'), 'another-password');
    await user.click(within(form).getByRole('button', { name: 'Create user' }));

    expect((await within(form).findByRole('alert')).textContent).toMatch(/^a user named 'eve' already exists/);
  });

  it('changes a role after confirming, and shows the refusal to demote the last admin', async () => {
    const user = userEvent.setup();
    renderApp(usersBackend().backend, { route: '/users' });

    await user.click(within(await card('eve')).getByRole('button', { name: 'Make admin: eve' }));
    const dialog = screen.getByRole('dialog', { name: 'Make eve an admin?' });
    await user.click(within(dialog).getByRole('button', { name: 'Make admin' }));
    await waitFor(() => expect(within(screen.getByRole('listitem', { name: 'eve' })).getByText('admin')).toBeTruthy());

    await user.click(within(await card('eve')).getByRole('button', { name: 'Make viewer: eve' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Make viewer' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await user.click(within(await card('admin')).getByRole('button', { name: 'Make viewer: admin' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Make viewer' }));

    expect((await within(screen.getByRole('dialog')).findByRole('alert')).textContent).toMatch(
      /^the last active admin cannot be demoted or deactivated/,
    );
  });

  it('an admin who makes themself a viewer (another admin remaining) loses the screen at once', async () => {
    const user = userEvent.setup();
    const { backend, auth } = usersBackend();
    auth.addUser('second-admin', 'second-password-1', 'admin');
    renderApp(backend, { route: '/users' });

    await user.click(within(await card('admin')).getByRole('button', { name: 'Make viewer: admin' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Make viewer' }));

    expect(await screen.findByText('Admins only: your account (viewer) cannot manage users.')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Users' })).toBeNull();
  });

  it('deactivates a user after confirming, which ends their sessions, and reactivates them', async () => {
    const user = userEvent.setup();
    const { backend, auth } = usersBackend();
    renderApp(backend, { route: '/users' });

    await user.click(within(await card('eve')).getByRole('button', { name: 'Deactivate eve' }));
    const dialog = screen.getByRole('dialog', { name: 'Deactivate eve?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(backend.callsTo('PATCH', '/api/users/eve')).toHaveLength(0);

    await user.click(within(await card('eve')).getByRole('button', { name: 'Deactivate eve' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Deactivate' }));

    expect((await screen.findByRole('status')).textContent).toBe('Deactivated eve.');
    await waitFor(() => expect(within(screen.getByRole('listitem', { name: 'eve' })).getByText('deactivated')).toBeTruthy());
    expect(within(screen.getByRole('listitem', { name: 'eve' })).getByText(/^0 active sessions/)).toBeTruthy();
    expect(auth.users.get('eve')?.active).toBe(false);

    await user.click(within(await card('eve')).getByRole('button', { name: 'Reactivate eve' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Reactivate' }));
    await waitFor(() => expect(within(screen.getByRole('listitem', { name: 'eve' })).getByText('active')).toBeTruthy());
  });

  it('refuses, with the API message, an admin deactivating themself', async () => {
    const user = userEvent.setup();
    const { backend } = usersBackend();
    renderApp(backend, { route: '/users' });

    await user.click(within(await card(SIGNED_IN.username)).getByRole('button', { name: 'Deactivate admin' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Deactivate' }));

    expect((await within(screen.getByRole('dialog')).findByRole('alert')).textContent).toMatch(/^you cannot deactivate yourself/);
  });

  it('resets a password only with a valid new one, and says the sessions ended', async () => {
    const user = userEvent.setup();
    const { backend, auth } = usersBackend();
    renderApp(backend, { route: '/users' });

    await user.click(within(await card('eve')).getByRole('button', { name: 'Reset password of eve' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset the password of eve?' });
    await user.click(within(dialog).getByRole('button', { name: 'Reset password' }));
    expect(within(dialog).getByText('At least 12 characters.').className).toBe('field-error');
    expect(backend.callsTo('POST', '/api/users/eve/password')).toHaveLength(0);

    await user.type(within(dialog).getByLabelText('New password'), 'eve-new-password');
    await user.click(within(dialog).getByRole('button', { name: 'Reset password' }));

    expect((await screen.findByRole('status')).textContent).toBe('Reset the password of eve; their sessions have ended.');
    expect(auth.users.get('eve')?.password).toBe('eve-new-password');
    expect(backend.callsTo('POST', '/api/users/eve/password')[0]?.body).toEqual({ new_password: 'eve-new-password' });
  });

  it('revokes the sessions of a user after confirming, and says how many', async () => {
    const user = userEvent.setup();
    const { backend, auth } = usersBackend();
    auth.openSession('eve');
    renderApp(backend, { route: '/users' });

    await user.click(within(await card('eve')).getByRole('button', { name: 'Revoke sessions of eve' }));
    expect(screen.getByRole('dialog', { name: 'Sign eve out everywhere?' }).textContent).toMatch(/Ends 2 active sessions/);
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke sessions' }));

    expect((await screen.findByRole('status')).textContent).toBe('Revoked 2 sessions of eve.');
    await waitFor(() =>
      expect(within(screen.getByRole('listitem', { name: 'eve' })).getByRole('button', { name: 'Revoke sessions of eve' }).hasAttribute('disabled')).toBe(true),
    );
  });
});
