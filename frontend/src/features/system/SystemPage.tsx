import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useServices } from '../../app/services';
import { describeError } from '../../lib/describeError';
import { formatAge, formatBytes, formatNumber, formatUtc } from '../../lib/format';
import {
  DEPLOYMENTS_KEY,
  fetchDeployments,
  fetchHealthDetail,
  HEALTH_DETAIL_KEY,
  type DeploymentRecord,
  type HealthDetail,
} from './api';
import { EdgeCertificateCard } from './EdgeCertificateCard';
import { Figures } from './Figures';
import styles from './SystemPage.module.css';
import { usePageTitle } from '../../lib/pageTitle';

/** The figures move by the second; deploys are rare. */
const DETAIL_POLL_MS = 5_000;
const DEPLOYMENTS_POLL_MS = 30_000;

const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 12) : '—');
const yesNo = (value: boolean | null | undefined, unknown = 'unknown') =>
  value === null || value === undefined ? unknown : value ? 'yes' : 'no';
const percent = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${formatNumber(value, 1)} %`);

/** Used of total as a bar with the figure written out (the bar alone says nothing to a reader). */
function Usage({ used, total }: { used: number | null | undefined; total: number | null | undefined }) {
  if (used === null || used === undefined) return <>—</>;
  if (!total) return <>{formatBytes(used)} (no limit)</>;
  const ratio = Math.min(1, used / total);
  return (
    <span className={styles.usage}>
      <span>
        {formatBytes(used)} of {formatBytes(total)}
      </span>
      <span className={styles.bar} aria-hidden="true">
        <span className={ratio > 0.9 ? styles.barHigh : styles.barFill} style={{ width: `${ratio * 100}%` }} />
      </span>
    </span>
  );
}

function Verdict({ detail }: { detail: HealthDetail }) {
  const ready = detail.reasons.length === 0;
  return (
    <section className={`card ${styles.readiness} ${ready ? '' : styles.notReady}`} aria-label="Readiness">
      <p className={styles.verdict}>
        <span className={`badge ${ready ? 'badge-running' : 'badge-tripped'}`}>{ready ? 'Ready' : 'Not ready'}</span>
        <span>
          Release <code>{short(detail.version)}</code>, built {formatUtc(detail.build_time)}, up {formatAge(detail.uptime_seconds)}
        </span>
        <span className={styles.checked}>checked {formatUtc(detail.checked_at)}</span>
      </p>
      {!ready && (
        <ul className={styles.reasons} aria-label="Why not ready">
          {detail.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

// A tailer that polls stores each line up to one poll interval late.
function wakesOn(onChange: boolean | null): string {
  if (onChange === null) return 'another process tails';
  return onChange ? 'each write' : 'its poll interval';
}

function tailRows(tail: HealthDetail['log_tail']): [string, ReactNode][] {
  return [
    ['Waiting to be stored', formatBytes(tail.lag_bytes)],
    ['Lines stored', formatNumber(tail.lines_total, 0)],
    ['Not JSON', formatNumber(tail.parse_errors_total, 0)],
    ['Last stored', formatUtc(tail.last_ingest_at)],
    ['Wakes on', wakesOn(tail.wakes_on_change)],
  ];
}

function FigureCards({ detail }: { detail: HealthDetail }) {
  const { process, container, engine, exchange, log_tail: tail, edge_log_tail: edgeTail, backups } = detail;
  return (
    <div className={styles.grid}>
      <Figures
        title="Backend process"
        rows={[
          ['CPU', percent(process.cpu_percent)],
          ['Memory (RSS)', formatBytes(process.memory_rss_bytes)],
          ['Threads', formatNumber(process.threads, 0)],
          ['Open files', `${formatNumber(process.open_files, 0)} (${formatNumber(process.open_sockets, 0)} sockets)`],
        ]}
      />
      <Figures
        title="Backend container"
        rows={[
          ['CPU', percent(container.cpu_percent)],
          ['Memory', <Usage key="memory" used={container.memory_bytes} total={container.memory_limit_bytes} />],
          ['Processes', formatNumber(container.pids, 0)],
          ['TCP connections', formatNumber(container.tcp_connections, 0)],
        ]}
      />
      <Figures
        title="Disks"
        rows={detail.disks.flatMap((disk): [string, ReactNode][] => [
          // As df's Use%: of what is used plus what the app may still write.
          [`${disk.name}/ used`, <Usage key={disk.name} used={disk.used_bytes} total={disk.used_bytes + disk.free_bytes} />],
          [`${disk.name}/ free`, formatBytes(disk.free_bytes)],
        ])}
      />
      <Figures
        title="Trading engine"
        rows={[
          ['Runs in this process', yesNo(engine.owner)],
          ['Last tick', engine.last_tick_at ? `${formatAge(engine.last_tick_age_seconds)} ago` : 'none here'],
          ['Tick every', `${formatNumber(engine.tick_seconds, 1)} s`],
        ]}
      />
      <Figures
        title="Delta Exchange"
        rows={[
          ['Live trading', exchange.live_trading_enabled ? 'on' : 'off (paper only)'],
          ['Reachable', yesNo(exchange.reachable, 'not asked yet')],
          ['Dead-man switch', exchange.heartbeat_armed ? 'armed' : 'not armed'],
          [
            'Last renewal',
            exchange.heartbeat_renewed_at
              ? `${formatAge(exchange.heartbeat_age_seconds)} ago (expires after ${formatNumber(exchange.heartbeat_ttl_seconds, 0)} s)`
              : '—',
          ],
          ...(exchange.last_error ? [['Last error', exchange.last_error] as [string, ReactNode]] : []),
        ]}
      />
      <Figures title="Log pipeline" rows={tailRows(tail)} />
      {edgeTail && <Figures title="Edge access log" rows={tailRows(edgeTail)} />}
      <Figures
        title="Backups"
        rows={[
          ['Newest on the host', backups.local_age_seconds === null ? 'none yet' : `${formatAge(backups.local_age_seconds)} ago`],
          ['Newest off the host', backups.offsite_age_seconds === null ? 'not configured' : `${formatAge(backups.offsite_age_seconds)} ago`],
          ['Schema', detail.migration ?? '—'],
        ]}
      />
      <EdgeCertificateCard certificate={detail.edge_certificate} />
    </div>
  );
}

const RESULT_BADGE: Record<string, string> = {
  deployed: 'badge-running',
  rolled_back: 'badge-paused',
  refused: 'badge-paused',
  failed: 'badge-tripped',
  rollback_failed: 'badge-tripped',
};

function Deployments({ records, unreadable }: { records: DeploymentRecord[]; unreadable: number }) {
  return (
    <section className={`card ${styles.deployments}`} aria-label="Deployments">
      <h2 className={styles.cardTitle}>Last deployments</h2>
      {records.length === 0 ? (
        <p className={styles.muted}>No deployment recorded on this host yet: the next `ansible-playbook deploy.yml` adds one.</p>
      ) : (
        <div className={styles.tableBox}>
          <table className="data-table" aria-label="Last deployments" tabIndex={0}>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Result</th>
                <th scope="col">From → to</th>
                <th scope="col">Took</th>
                <th scope="col">By</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {records.map((record, index) => (
                <tr key={`${record.time}-${index}`}>
                  <td>{formatUtc(record.time)}</td>
                  <td>
                    <span className={`badge ${RESULT_BADGE[record.result] ?? ''}`}>{record.result.replace('_', ' ')}</span>
                  </td>
                  <td>
                    <code>{short(record.from_sha)}</code> → <code>{short(record.to_sha)}</code>
                  </td>
                  <td>{formatAge(record.duration_seconds)}</td>
                  <td>{record.operator || '—'}</td>
                  <td className={styles.detail}>{record.detail || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {unreadable > 0 && (
        <p role="note" className={styles.muted}>
          {unreadable} line{unreadable === 1 ? '' : 's'} of data/deployments.jsonl {unreadable === 1 ? 'is' : 'are'} not a record
          and {unreadable === 1 ? 'is' : 'are'} left out.
        </p>
      )}
    </section>
  );
}

export function SystemPage() {
  usePageTitle('System');
  const { api } = useServices();
  const detail = useQuery({
    queryKey: HEALTH_DETAIL_KEY,
    queryFn: ({ signal }) => fetchHealthDetail(api, signal),
    refetchInterval: DETAIL_POLL_MS,
  });
  const deployments = useQuery({
    queryKey: DEPLOYMENTS_KEY,
    queryFn: ({ signal }) => fetchDeployments(api, signal),
    refetchInterval: DEPLOYMENTS_POLL_MS,
  });
  return (
    <div className="screen">
      <div className="screen-header">
        <h1 className="page-title">System</h1>
      </div>
      {detail.isError && (
        <p role="alert" className="alert-error">
          Health unreadable: {describeError(detail.error)}
        </p>
      )}
      {detail.isPending && <p className={styles.muted}>Loading…</p>}
      {detail.data && (
        <>
          <Verdict detail={detail.data} />
          <FigureCards detail={detail.data} />
        </>
      )}
      {deployments.isError && (
        <p role="alert" className="alert-error">
          Deployments unreadable: {describeError(deployments.error)}
        </p>
      )}
      {deployments.data && (
        <Deployments records={deployments.data.records} unreadable={deployments.data.unreadable_lines} />
      )}
    </div>
  );
}
