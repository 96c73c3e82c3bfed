import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useServices, useSessionState } from '../../app/services';
import { FormField } from '../../components/FormField';
import { ApiError } from '../../lib/apiClient';
import { describeError } from '../../lib/describeError';
import { changePassword } from './api';
import { MAX_PASSWORD_LENGTH, passwordProblem } from './credentials';
import { PASSWORD_CHANGED_NOTICE } from './sessionStore';
import { useCurrentUser } from './useCurrentUser';
import styles from './AccountPage.module.css';
import { usePageTitle } from '../../lib/pageTitle';

/** The signed-in user's own account: who they are, and a password change (which signs them out everywhere). */
export function AccountPage() {
  usePageTitle('Your account');
  const { api, session } = useServices();
  const { session: current } = useSessionState();
  const me = useCurrentUser();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const [checked, setChecked] = useState(false);

  const change = useMutation({
    mutationFn: () => changePassword(api, currentPassword, newPassword),
    // The server has revoked every session of this user, this one included; sign-in follows.
    onSuccess: () => session.signOut(PASSWORD_CHANGED_NOTICE),
  });

  const newError = checked ? passwordProblem(newPassword) : null;
  const repeatError = checked && !newError && repeated !== newPassword ? 'The two new passwords differ.' : null;
  const sameError = checked && !newError && !repeatError && newPassword === currentPassword ? 'Choose a password different from the current one.' : null;
  const serverError =
    change.error instanceof ApiError && change.error.status === 403 ? 'The current password is wrong.' : change.isError ? describeError(change.error) : null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setChecked(true);
    if (passwordProblem(newPassword) || repeated !== newPassword || newPassword === currentPassword) return;
    change.mutate();
  }

  return (
    <div className="screen">
      <h1 className="page-title">Your account</h1>
      <p className={styles.who}>
        Signed in as <strong>{current?.username}</strong>
        {me.data && <> with the {me.data.role} role</>}.
      </p>
      <form className={`card ${styles.form}`} onSubmit={submit} aria-labelledby="change-password-title" noValidate>
        <h2 id="change-password-title" className={styles.title}>
          Change password
        </h2>
        <p className={styles.hint}>You will be signed out everywhere and sign in again with the new password.</p>
        <FormField label="Current password">
          <input
            name="current_password"
            type="password"
            autoComplete="current-password"
            required
            maxLength={MAX_PASSWORD_LENGTH}
            value={currentPassword}
            onChange={(event) => setCurrentPassword(event.target.value)}
          />
        </FormField>
        <FormField
          label="New password"
          below={<span className={newError || sameError ? 'field-error' : styles.hint}>{newError ?? sameError ?? 'At least 12 characters.'}</span>}
        >
          <input
            name="new_password"
            type="password"
            autoComplete="new-password"
            value={newPassword}
            aria-invalid={newError || sameError ? true : undefined}
            onChange={(event) => setNewPassword(event.target.value)}
          />
        </FormField>
        <FormField label="New password again" below={repeatError && <span className="field-error">{repeatError}</span>}>
          <input
            name="new_password_again"
            type="password"
            autoComplete="new-password"
            value={repeated}
            aria-invalid={repeatError ? true : undefined}
            onChange={(event) => setRepeated(event.target.value)}
          />
        </FormField>
        {serverError && (
          <p role="alert" className="alert-error">
            {serverError}
          </p>
        )}
        <div>
          <button type="submit" className="button button-primary" disabled={change.isPending || currentPassword === ''}>
            {change.isPending ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </div>
  );
}
