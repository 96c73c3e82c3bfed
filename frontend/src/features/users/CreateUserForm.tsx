import { useState, type FormEvent } from 'react';
import { FormField } from '../../components/FormField';
import type { Role } from '../auth/api';
import { MAX_USERNAME_LENGTH, passwordProblem, usernameProblem } from '../auth/credentials';
import styles from './UsersPage.module.css';

interface Props {
  busy: boolean;
  /** The API's refusal of the last attempt, shown above the buttons. */
  serverError: string | null;
  onSubmit: (user: { username: string; password: string; role: Role }) => void;
  onCancel: () => void;
}

/** New account: the same username and password rules as the API, checked on submit. */
export function CreateUserForm({ busy, serverError, onSubmit, onCancel }: Props) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [checked, setChecked] = useState(false);
  const usernameError = checked ? usernameProblem(username) : null;
  const passwordError = checked ? passwordProblem(password) : null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setChecked(true);
    if (usernameProblem(username) || passwordProblem(password)) return;
    onSubmit({ username, password, role });
  }

  return (
    <form className={`card ${styles.form}`} onSubmit={submit} aria-labelledby="new-user-title" noValidate>
      <h2 id="new-user-title" className={styles.formTitle}>
        New user
      </h2>
      <div className={styles.formGrid}>
        <FormField
          label="Username"
          below={
            usernameError && (
              <span id="new-user-username-error" className="field-error">
                {usernameError}
              </span>
            )
          }
        >
          <input
            name="username"
            autoComplete="off"
            maxLength={MAX_USERNAME_LENGTH}
            value={username}
            aria-invalid={usernameError ? true : undefined}
            aria-describedby={usernameError ? 'new-user-username-error' : undefined}
            onChange={(event) => setUsername(event.target.value)}
          />
        </FormField>
        <FormField
          label="Password"
          below={
            passwordError && (
              <span id="new-user-password-error" className="field-error">
                {passwordError}
              </span>
            )
          }
        >
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            value={password}
            aria-invalid={passwordError ? true : undefined}
            aria-describedby={passwordError ? 'new-user-password-error' : undefined}
            onChange={(event) => setPassword(event.target.value)}
          />
        </FormField>
        <FormField label="Role">
          <select name="role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
            <option value="viewer">Viewer (read only)</option>
            <option value="admin">Admin (controls trading and users)</option>
          </select>
        </FormField>
      </div>
      {serverError && (
        <p role="alert" className="alert-error">
          {serverError}
        </p>
      )}
      <div className={styles.formActions}>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create user'}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
