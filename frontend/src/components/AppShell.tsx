import { lazy, Suspense } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { useServices, useSessionState } from '../app/services';
import { useCurrentUser } from '../features/auth/useCurrentUser';
import { ThemeToggle } from './ThemeToggle';
import styles from './AppShell.module.css';

// Written out here (not imported) so the bundler drops the chunk when debugging is off.
const ApiInspector =
  import.meta.env.VITE_ENABLE_API_DEBUG === 'true' ? lazy(() => import('./ApiInspector')) : null;

const SCREENS = [
  { to: '/dashboard', label: 'Dashboard' },
  { to: '/strategies', label: 'Strategies' },
  { to: '/analytics', label: 'Analytics' },
  { to: '/logs', label: 'Logs' },
] as const;

export function AppShell() {
  const { session, recorder } = useServices();
  const { session: current } = useSessionState();
  const navigate = useNavigate();
  const user = useCurrentUser();

  return (
    <div className={styles.shell}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className={styles.header}>
        <span className={styles.brand}>Delta Strangle Control Plane</span>
        <nav aria-label="Main" className={styles.nav}>
          {SCREENS.map((screen) => (
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
          {current && <span className={styles.user}>Signed in as {current.username}</span>}
          {user.data && (
            <span className={`badge ${styles.role}`} data-testid="role">
              {user.data.role}
            </span>
          )}
          <button
            type="button"
            className="button"
            onClick={() => {
              session.signOut('You have signed out.');
              navigate('/login', { replace: true });
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className={styles.main} tabIndex={-1}>
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
