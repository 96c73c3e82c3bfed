import { Link } from 'react-router';
import { useStrategies } from '../strategies/useStrategies';
import styles from './DashboardPage.module.css';

/** The dashboard with nothing running says what to do next: start a session, or first create a strategy. */
export function NoSessionsHint({ canControl }: { canControl: boolean }) {
  const strategies = useStrategies();
  let next = <>An admin starts one from a strategy.</>;
  if (canControl && strategies.isSuccess && strategies.data.length === 0) {
    next = (
      <>
        There is no strategy to run yet: <Link to="/strategies">create a strategy</Link>, then start a paper session here.
      </>
    );
  } else if (canControl) {
    next = <>Start one above: a paper session trades the simulated market.</>;
  }
  return (
    <p className={styles.muted}>
      No session is running. <span>{next}</span>
    </p>
  );
}
