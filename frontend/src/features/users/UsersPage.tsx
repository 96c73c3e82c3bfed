import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useServices, useSessionState } from '../../app/services';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { FormField } from '../../components/FormField';
import { describeError } from '../../lib/describeError';
import { formatUtc } from '../../lib/format';
import type { Role } from '../auth/api';
import { passwordProblem } from '../auth/credentials';
import { CURRENT_USER_KEY, useCurrentUser } from '../auth/useCurrentUser';
import { CreateUserForm } from './CreateUserForm';
import { createUser, fetchUsers, resetPassword, revokeSessions, updateUser, USERS_KEY, type UserAccount } from './api';
import styles from './UsersPage.module.css';
import { usePageTitle } from '../../lib/pageTitle';

/** An action waiting for the admin's confirmation in the dialog. */
type Pending =
  | { kind: 'role'; user: UserAccount; role: Role }
  | { kind: 'deactivate' | 'reactivate' | 'reset' | 'revoke'; user: UserAccount };

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** What the dialog asks, and what the page says once it is done. */
function wording(pending: Pending): { title: string; confirm: string; danger: boolean; body: string } {
  const name = pending.user.username;
  switch (pending.kind) {
    case 'role':
      return {
        title: `Make ${name} ${pending.role === 'admin' ? 'an admin' : 'a viewer'}?`,
        confirm: pending.role === 'admin' ? 'Make admin' : 'Make viewer',
        danger: pending.role === 'admin',
        body:
          pending.role === 'admin'
            ? 'Admins can start and stop trading, trip the kill switch and manage users.'
            : 'Viewers can only look: no trading controls, no user management.',
      };
    case 'deactivate':
      return {
        title: `Deactivate ${name}?`,
        confirm: 'Deactivate',
        danger: true,
        body: 'Their sessions end at once and they cannot sign in until reactivated.',
      };
    case 'reactivate':
      return { title: `Reactivate ${name}?`, confirm: 'Reactivate', danger: false, body: 'They can sign in again with their password.' };
    case 'reset':
      return {
        title: `Reset the password of ${name}?`,
        confirm: 'Reset password',
        danger: true,
        body: 'Their sessions end at once; give them the new password another way.',
      };
    case 'revoke':
      return {
        title: `Sign ${name} out everywhere?`,
        confirm: 'Revoke sessions',
        danger: true,
        body: `Ends ${plural(pending.user.active_sessions, 'active session', 'active sessions')}; they can sign in again.`,
      };
  }
}

export function UsersPage() {
  usePageTitle('Users');
  const me = useCurrentUser();
  if (me.isPending) return <p className={styles.muted}>Loading…</p>;
  if (me.data?.role !== 'admin') {
    return (
      <div className="screen">
        <h1 className="page-title">Users</h1>
        <p role="status" className={`card ${styles.adminsOnly}`}>
          Admins only: your account ({me.data?.role ?? 'unknown role'}) cannot manage users.
        </p>
      </div>
    );
  }
  return <UserManagement />;
}

function UserManagement() {
  const { api } = useServices();
  const { session } = useSessionState();
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: USERS_KEY, queryFn: ({ signal }) => fetchUsers(api, signal) });
  const [creating, setCreating] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [newPassword, setNewPassword] = useState('');
  const [resetTried, setResetTried] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: USERS_KEY });
    // An admin who made themself a viewer loses the controls at once.
    void queryClient.invalidateQueries({ queryKey: CURRENT_USER_KEY });
  };

  const create = useMutation({
    mutationFn: (user: { username: string; password: string; role: Role }) => createUser(api, user),
    onSuccess: (user) => {
      refresh();
      setCreating(false);
      setDone(`Created ${user.username} (${user.role}).`);
    },
  });

  const act = useMutation({
    mutationFn: async (action: Pending): Promise<string> => {
      const name = action.user.username;
      switch (action.kind) {
        case 'role':
          await updateUser(api, name, { role: action.role });
          return `${name} is now ${action.role === 'admin' ? 'an admin' : 'a viewer'}.`;
        case 'deactivate':
          await updateUser(api, name, { active: false });
          return `Deactivated ${name}.`;
        case 'reactivate':
          await updateUser(api, name, { active: true });
          return `Reactivated ${name}.`;
        case 'reset':
          await resetPassword(api, name, newPassword);
          return `Reset the password of ${name}; their sessions have ended.`;
        case 'revoke':
          return `Revoked ${plural(await revokeSessions(api, name), 'session', 'sessions')} of ${name}.`;
      }
    },
    onSuccess: (message) => {
      refresh();
      setPending(null);
      setDone(message);
    },
  });

  const ask = (next: Pending) => {
    act.reset();
    setNewPassword('');
    setResetTried(false);
    setDone(null);
    setPending(next);
  };
  const resetError = pending?.kind === 'reset' && (resetTried || newPassword !== '') ? passwordProblem(newPassword) : null;
  const asked = pending ? wording(pending) : null;

  return (
    <div className="screen">
      <div className="screen-header">
        <h1 className="page-title">Users</h1>
        {!creating && (
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              create.reset();
              setDone(null);
              setCreating(true);
            }}
          >
            New user
          </button>
        )}
      </div>
      {creating && (
        <CreateUserForm
          busy={create.isPending}
          serverError={create.isError ? describeError(create.error) : null}
          onSubmit={(user) => create.mutate(user)}
          onCancel={() => setCreating(false)}
        />
      )}
      {done && (
        <p role="status" className={styles.done}>
          {done}
        </p>
      )}
      {users.isError && (
        <p role="alert" className="alert-error">
          Could not load users: {describeError(users.error)}
        </p>
      )}
      {users.isPending && <p className={styles.muted}>Loading users…</p>}
      {users.isSuccess && (
        <ul className={styles.list} aria-label="Users">
          {users.data.map((user) => {
            const isMe = user.username === session?.username;
            return (
              <li key={user.username} className={`card ${styles.user}`} aria-label={user.username}>
                <div className={styles.identity}>
                  <span className={styles.name}>
                    {user.username}
                    {isMe && <span className={styles.muted}> (you)</span>}
                  </span>
                  <span className={`badge ${user.role === 'admin' ? styles.admin : ''}`}>{user.role}</span>
                  <span className={`badge ${user.active ? styles.active : styles.inactive}`}>
                    {user.active ? 'active' : 'deactivated'}
                  </span>
                </div>
                <p className={styles.facts}>
                  {plural(user.active_sessions, 'active session', 'active sessions')} · created {formatUtc(user.created_at)}
                </p>
                <div className={styles.actions}>
                  <button
                    type="button"
                    className="button"
                    aria-label={`${user.role === 'admin' ? 'Make viewer' : 'Make admin'}: ${user.username}`}
                    onClick={() => ask({ kind: 'role', user, role: user.role === 'admin' ? 'viewer' : 'admin' })}
                  >
                    {user.role === 'admin' ? 'Make viewer' : 'Make admin'}
                  </button>
                  <button
                    type="button"
                    className="button"
                    aria-label={`Reset password of ${user.username}`}
                    onClick={() => ask({ kind: 'reset', user })}
                  >
                    Reset password
                  </button>
                  <button
                    type="button"
                    className="button"
                    aria-label={`Revoke sessions of ${user.username}`}
                    disabled={user.active_sessions === 0}
                    onClick={() => ask({ kind: 'revoke', user })}
                  >
                    Revoke sessions
                  </button>
                  <button
                    type="button"
                    className="button"
                    aria-label={`${user.active ? 'Deactivate' : 'Reactivate'} ${user.username}`}
                    onClick={() => ask({ kind: user.active ? 'deactivate' : 'reactivate', user })}
                  >
                    {user.active ? 'Deactivate' : 'Reactivate'}
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {users.isSuccess && users.data.every((user) => user.username === session?.username) && (
        <p className={styles.muted}>
          Only you so far. Create a user with New user to let someone else in: a viewer watches, an admin also
          controls.
        </p>
      )}
      {pending && asked && (
        <ConfirmDialog
          title={asked.title}
          confirmLabel={asked.confirm}
          danger={asked.danger}
          busy={act.isPending}
          error={act.isError ? describeError(act.error) : null}
          onConfirm={() => {
            if (pending.kind === 'reset' && passwordProblem(newPassword)) {
              setResetTried(true);
              return;
            }
            act.mutate(pending);
          }}
          onCancel={() => setPending(null)}
        >
          <p>{asked.body}</p>
          {pending.kind === 'reset' && (
            <FormField
              label="New password"
              below={<span className={resetError ? 'field-error' : styles.muted}>{resetError ?? 'At least 12 characters.'}</span>}
            >
              <input
                type="password"
                autoComplete="new-password"
                value={newPassword}
                aria-invalid={resetError ? true : undefined}
                onChange={(event) => setNewPassword(event.target.value)}
              />
            </FormField>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
