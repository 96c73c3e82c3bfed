import { lazy, Suspense } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { useServices, useSessionState } from '../app/services';
import { ThemeToggle } from './ThemeToggle';
import styles from './AppShell.module.css';

// Written out here (not imported) so the bundler drops the chunk when debugging is off.
const ApiInspector =
  import.meta.env.VITE_ENABLE_API_DEBUG === 'true' ? lazy(() => import('./ApiInspector')) : null;

export function AppShell() {
  const { session, recorder } = useServices();
  const { session: current } = useSessionState();
  const navigate = useNavigate();

  return (
    <div className={styles.shell}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className={styles.header}>
        <span className={styles.brand}>Delta Strangle Control Plane</span>
        <nav aria-label="Main" className={styles.nav}>
          <NavLink to="/logs" className={({ isActive }) => (isActive ? styles.activeLink : styles.link)}>
            Logs
          </NavLink>
        </nav>
        <div className={styles.tools}>
          <ThemeToggle />
          {current && <span className={styles.user}>Signed in as {current.username}</span>}
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
