import { lazy, Suspense, useState } from 'react';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { useServices, useSessionState } from '../app/services';
import { logOut } from '../features/auth/api';
import { SIGNED_OUT_NOTICE } from '../features/auth/sessionStore';
import { useCurrentUser } from '../features/auth/useCurrentUser';
import { APP_NAME } from '../lib/pageTitle';
import { ThemeToggle } from './ThemeToggle';
import styles from './AppShell.module.css';

// Written out here (not imported) so the bundler drops the chunk when debugging is off.
const ApiInspector =
  import.meta.env.VITE_ENABLE_API_DEBUG === 'true' ? lazy(() => import('./ApiInspector')) : null;

const SCREENS = [
  { to: '/dashboard', label: 'Dashboard', adminOnly: false },
  { to: '/strategies', label: 'Strategies', adminOnly: false },
  { to: '/analytics', label: 'Analytics', adminOnly: false },
  { to: '/backtests', label: 'Backtests', adminOnly: false },
  { to: '/logs', label: 'Logs', adminOnly: false },
  { to: '/system', label: 'System', adminOnly: false },
  { to: '/users', label: 'Users', adminOnly: true },
] as const;

export function AppShell() {
  const { api, session, recorder } = useServices();
  const { session: current } = useSessionState();
  const navigate = useNavigate();
  const user = useCurrentUser();
  const [signingOut, setSigningOut] = useState(false);
  const isAdmin = user.data?.role === 'admin';

  async function signOut() {
    setSigningOut(true);
    try {
      await logOut(api);
    } catch {
      // Unreachable server: the tokens are forgotten here anyway and run out on their own.
    }
    session.signOut(SIGNED_OUT_NOTICE);
    navigate('/login', { replace: true });
  }

  return (
    <div className={styles.shell}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className={styles.header}>
        <span className={styles.brand}>{APP_NAME}</span>
        <nav aria-label="Main" className={styles.nav}>
          {SCREENS.filter((screen) => isAdmin || !screen.adminOnly).map((screen) => (
            <NavLink
              key={screen.to}
              to={screen.to}
              className={({ isActive }) => (isActive ? styles.activeLink : styles.link)}
            >
              {screen.label}
            </NavLink>
          ))}
        </nav>
        <div className={styles.tools}>
          <ThemeToggle />
          {current && (
            <Link to="/account" className={styles.user} title="Your account: change your password">
              {/* Hidden on phones, where the name alone has to fit; screen readers still hear it. */}
              <span className={styles.userPrefix}>Signed in as </span>
              {current.username}
            </Link>
          )}
          {user.data && (
            <span className={`badge ${styles.role}`} data-testid="role">
              {user.data.role}
            </span>
          )}
          <button type="button" className="button" disabled={signingOut} onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      {/* Focusable: on a phone it is the box that scrolls, and a keyboard must reach it. */}
      <main id="main" className={styles.main} tabIndex={0}>
        <Outlet />
      </main>
      {ApiInspector && recorder && (
        <Suspense fallback={null}>
          <ApiInspector recorder={recorder} />
        </Suspense>
      )}
    </div>
  );
}
