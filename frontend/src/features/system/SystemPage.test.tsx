import { cleanup, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../test/renderApp';
import { createTradingBackend } from '../../test/tradingBackend';
import type { DeploymentHistory, HealthDetail } from './api';

const DAY = 86_400;

function edgeCertificate(overrides: Partial<HealthDetail['edge_certificate']> = {}): HealthDetail['edge_certificate'] {
  return {
    probed: true,
    address: 'edge:443',
    server_name: 'trade.example.org',
    checked_at: '2026-12-04T09:58:00Z',
    not_before: '2026-11-03T12:00:00Z',
    not_after: '2027-02-01T12:00:00Z',
    expires_in_seconds: 59 * DAY + 3600,
    subject_cn: 'trade.example.org',
    issuer_cn: 'R11',
    dns_names: ['trade.example.org', 'www.trade.example.org'],
    error: null,
    ...overrides,
  };
}

function healthDetail(overrides: Partial<HealthDetail> = {}): HealthDetail {
  return {
    status: 'ready',
    reasons: [],
    checked_at: '2026-12-04T10:00:00Z',
    version: '4dd9362237fd172432b62eab1b302911d34d2d1e',
    build_time: '2026-12-04T09:00:00Z',
    app_version: '0.1.0',
    uptime_seconds: 7260,
    migration: '0007',
    process: { cpu_seconds: 12.5, cpu_percent: 3.2, memory_rss_bytes: 100 * 1024 * 1024, threads: 9, open_files: 21, open_sockets: 6 },
    container: {
      cpu_seconds: 20,
      cpu_percent: 4.1,
      memory_bytes: 300 * 1024 * 1024,
      memory_limit_bytes: 768 * 1024 * 1024,
      pids: 12,
      tcp_connections: 3,
    },
    disks: [
      { name: 'data', path: '/app/data', used_bytes: 35 * 1024 ** 3, free_bytes: 60 * 1024 ** 3, total_bytes: 100 * 1024 ** 3 },
      { name: 'logs', path: '/app/logs', used_bytes: 90 * 1024 ** 3, free_bytes: 5 * 1024 ** 3, total_bytes: 100 * 1024 ** 3 },
    ],
    engine: { owner: true, last_tick_at: '2026-12-04T09:59:58Z', last_tick_age_seconds: 2, tick_seconds: 5 },
    exchange: {
      live_trading_enabled: true,
      heartbeat_armed: false,
      heartbeat_renewed_at: null,
      heartbeat_age_seconds: null,
      heartbeat_ttl_seconds: 30,
      reachable: false,
      last_error: 'Delta answered 503',
    },
    log_tail: {
      owner: true,
      wakes_on_change: true,
      lag_bytes: 0,
      lines_total: 1234,
      parse_errors_total: 1,
      last_ingest_at: '2026-12-04T09:59:59Z',
      reported_at: '2026-12-04T09:59:59Z',
    },
    edge_log_tail: null,
    backups: { local_age_seconds: 3 * 3600, offsite_age_seconds: null },
    edge_certificate: edgeCertificate(),
    ...overrides,
  };
}

function systemBackend(detail: HealthDetail, history: DeploymentHistory) {
  const trading = createTradingBackend({ role: 'viewer' });
  trading.backend.on('GET', '/api/health/detail', () => ({ body: detail }));
  trading.backend.on('GET', '/api/health/deployments', () => ({ body: history }));
  return trading.backend;
}

const deployed = {
  time: '2026-12-04T08:00:00Z',
  operator: 'ops',
  from_sha: 'a'.repeat(40),
  to_sha: 'b'.repeat(40),
  result: 'rolled_back',
  duration_seconds: 125,
  detail: 'backend not healthy after 120 s',
  trading_gate: null,
  rollout: null,
};

describe('System screen', () => {
  it('shows readiness, the figures behind it and the last deployments to any signed-in user', async () => {
    const backend = systemBackend(healthDetail(), { records: [deployed], unreadable_lines: 1 });
    renderApp(backend, { route: '/system' });

    const readiness = await screen.findByRole('region', { name: 'Readiness' });
    expect(within(readiness).getByText('Ready')).toBeTruthy();
    expect(within(readiness).getByText('4dd9362237fd')).toBeTruthy();
    expect(within(readiness).getByText(/up 2 h/)).toBeTruthy();
    const container = screen.getByRole('region', { name: 'Backend container' });
    expect(within(container).getByText('300.0 MiB of 768.0 MiB')).toBeTruthy();
    const disks = screen.getByRole('region', { name: 'Disks' });
    expect(within(disks).getByText('35.0 GiB of 95.0 GiB')).toBeTruthy();
    expect(within(disks).getByText('5.0 GiB')).toBeTruthy();
    const exchange = screen.getByRole('region', { name: 'Delta Exchange' });
    expect(within(exchange).getByText('Delta answered 503')).toBeTruthy();
    expect(within(exchange).getByText('no')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Backups' })).getByText('3 h ago')).toBeTruthy();
    const table = screen.getByRole('table', { name: 'Last deployments' });
    expect(within(table).getByText('rolled back')).toBeTruthy();
    expect(within(table).getByText('backend not healthy after 120 s')).toBeTruthy();
    expect(within(table).getByText('2 min')).toBeTruthy();
    expect(screen.getByRole('note').textContent).toContain('1 line of data/deployments.jsonl is not a record');
    expect(screen.getByRole('link', { name: 'System' })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Edge access log' })).toBeNull();
  });

  it('shows the edge access log tail beside the backend log tail where it is tailed', async () => {
    const edgeTail = {
      owner: true,
      wakes_on_change: false,
      lag_bytes: 2048,
      lines_total: 987,
      parse_errors_total: 0,
      last_ingest_at: '2026-12-04T09:59:58Z',
      reported_at: '2026-12-04T09:59:59Z',
    };
    const backend = systemBackend(healthDetail({ edge_log_tail: edgeTail }), { records: [], unreadable_lines: 0 });
    renderApp(backend, { route: '/system' });

    const edge = await screen.findByRole('region', { name: 'Edge access log' });
    expect(within(edge).getByText('987')).toBeTruthy();
    expect(within(edge).getByText('2.0 KiB')).toBeTruthy();
    expect(within(edge).getByText('its poll interval')).toBeTruthy();
    const backendTail = screen.getByRole('region', { name: 'Log pipeline' });
    expect(within(backendTail).getByText('1,234')).toBeTruthy();
    expect(within(backendTail).getByText('each write')).toBeTruthy();
  });

  it('names every reason the backend is not ready, and says what to do on a host never deployed to', async () => {
    const reasons = ['logs volume has 1024 bytes free', 'log tailer lags 9000000 bytes'];
    const backend = systemBackend(healthDetail({ status: 'not ready', reasons }), { records: [], unreadable_lines: 0 });
    renderApp(backend, { route: '/system' });

    const why = await screen.findByRole('list', { name: 'Why not ready' });
    expect(within(why).getAllByRole('listitem').map((item) => item.textContent)).toEqual(reasons);
    expect(screen.getByText('Not ready')).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Readiness' }).className).toMatch(/notReady/);
    expect(await screen.findByText(/No deployment recorded on this host yet/)).toBeTruthy();
  });
});

describe('the edge certificate card', () => {
  async function card(certificate: HealthDetail['edge_certificate']) {
    const backend = systemBackend(healthDetail({ edge_certificate: certificate }), { records: [], unreadable_lines: 0 });
    renderApp(backend, { route: '/system' });
    return screen.findByRole('region', { name: 'Edge certificate' });
  }
  const value = (region: HTMLElement, label: string) => within(region).getByText(label).nextElementSibling?.textContent;

  it('says when the certificate ends, in how many days, for which names and from which issuer', async () => {
    const region = await card(edgeCertificate());
    expect(value(region, 'Expires on')).toBe('2027-02-01 12:00:00 UTC');
    expect(value(region, 'Expires')).toBe('in 59 days');
    expect(value(region, 'Names')).toBe('trade.example.org, www.trade.example.org');
    expect(value(region, 'Issuer')).toBe('R11');
    expect(region.className).not.toMatch(/warning/);
    expect(within(region).queryByText('in 59 days')?.className).not.toMatch(/badge/);
  });

  it('warns under 14 days, and names an expired one', async () => {
    const region = await card(edgeCertificate({ expires_in_seconds: 13 * DAY + 7200 }));
    expect(region.className).toMatch(/warning/);
    expect(within(region).getByText('in 13 days').className).toContain('badge-paused');
  });

  it('counts a short-lived certificate (the internal CA issues 12-hour ones) in hours, warning only past a sixth of its life', async () => {
    const internal = { not_before: '2026-12-04T08:00:00Z', not_after: '2026-12-04T20:00:00Z' };
    const fresh = await card(edgeCertificate({ ...internal, expires_in_seconds: 11 * 3600 + 1800 }));
    expect(fresh.className).not.toMatch(/warning/);
    expect(within(fresh).getByText('in 11 h').className).not.toContain('badge');
    cleanup();
    const failing = await card(edgeCertificate({ ...internal, expires_in_seconds: 1.5 * 3600 }));
    expect(failing.className).toMatch(/warning/);
    expect(within(failing).getByText('in 1 h').className).toContain('badge-paused');
  });

  it('marks a certificate past its end as expired', async () => {
    const region = await card(edgeCertificate({ expires_in_seconds: -2 * DAY - 60 }));
    expect(region.className).toMatch(/warning/);
    expect(within(region).getByText('expired 2 days ago').className).toContain('badge-tripped');
  });

  it('shows why the edge could not be read', async () => {
    const region = await card(
      edgeCertificate({ not_before: null, not_after: null, expires_in_seconds: null, subject_cn: null, issuer_cn: null, dns_names: [], error: 'ConnectionRefusedError: [Errno 111] Connection refused' }),
    );
    expect(within(region).getByText('unreadable')).toBeTruthy();
    expect(value(region, 'Error')).toBe('ConnectionRefusedError: [Errno 111] Connection refused');
    expect(region.className).toMatch(/warning/);
  });

  it('says "not probed" when the edge serves no TLS', async () => {
    const region = await card(
      edgeCertificate({ probed: false, address: null, server_name: null, checked_at: null, not_before: null, not_after: null, expires_in_seconds: null, subject_cn: null, issuer_cn: null, dns_names: [] }),
    );
    expect(value(region, 'Status')).toBe('not probed (the edge serves no TLS)');
    expect(within(region).queryByText('Expires on')).toBeNull();
  });
});

describe('page titles', () => {
  it('names the screen in the tab', async () => {
    const backend = systemBackend(healthDetail(), { records: [], unreadable_lines: 0 });
    renderApp(backend, { route: '/system' });
    await screen.findByRole('region', { name: 'Readiness' });
    expect(document.title).toBe('System · Delta Strangle Control Plane');
  });
});
