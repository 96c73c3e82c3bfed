import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeBackend } from '../../test/fakeBackend';
import { logRow } from '../../test/logRows';
import { renderApp } from '../../test/renderApp';
import type { LogEntry } from './types';

/** A fake /api/logs over an in-memory table, filtering and paging like the real one. */
function logsBackend(initial: LogEntry[]) {
  const backend = createFakeBackend();
  const table = [...initial];
  backend.on('GET', '/api/logs', ({ url }) => {
    const params = url.searchParams;
    const levels = params.getAll('level');
    const limit = Number(params.get('limit') ?? 100);
    const cursor = params.get('cursor');
    const start = params.get('start');
    let rows = [...table].sort((a, b) => (a.ts === b.ts ? b.id - a.id : (b.ts ?? '') < (a.ts ?? '') ? -1 : 1));
    if (levels.length) rows = rows.filter((row) => levels.includes(row.level ?? ''));
    if (params.get('correlation_id')) rows = rows.filter((row) => row.correlation_id === params.get('correlation_id'));
    if (params.get('event')) rows = rows.filter((row) => row.event === params.get('event'));
    const actorOf = (row: LogEntry) => row.actor ?? (row.payload as { actor?: string } | null)?.actor;
    if (params.get('actor')) rows = rows.filter((row) => actorOf(row) === params.get('actor'));
    // As the API: source=ui also finds the rows browsers sent before the rename.
    const source = params.get('source');
    if (source) rows = rows.filter((row) => row.source === source || (source === 'ui' && row.source === 'frontend'));
    if (start) rows = rows.filter((row) => Date.parse(row.ts ?? '') >= Date.parse(start));
    if (cursor) rows = rows.filter((row) => row.id < Number(cursor));
    const page = rows.slice(0, limit);
    const more = rows.length > limit;
    return { body: { items: page, next_cursor: more ? String(page[page.length - 1]?.id) : null } };
  });
  backend.on('GET', '/api/logs/facets', () => ({
    body: {
      levels: [
        { value: 'ERROR', count: 3 },
        { value: 'INFO', count: 4_999_597 },
      ],
      events: [
        { value: 'http_request', count: 597 },
        { value: 'order_rejected', count: 3 },
      ],
    },
  }));
  backend.on('GET', '/api/logs/:id/context', ({ url }) => {
    const id = Number(url.pathname.split('/')[3]);
    const entry = table.find((row) => row.id === id);
    return {
      body: {
        before: table.filter((row) => row.id < id && row.id >= id - 2),
        entry,
        after: table.filter((row) => row.id > id && row.id <= id + 2),
      },
    };
  });
  return { backend, table };
}

function sampleRows(count: number): LogEntry[] {
  return Array.from({ length: count }, (_, index) => {
    const id = index + 1;
    return id % 200 === 0
      ? logRow(id, { level: 'ERROR', event: 'order_rejected', message: `order ${id} rejected`, correlation_id: `order-${id}` })
      : logRow(id);
  });
}

const rowMessages = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell')[5]?.textContent);

describe('Log Viewer', () => {
  it('lists entries newest first with level badges, and offers the facets as filter choices', async () => {
    const { backend } = logsBackend(sampleRows(600));
    renderApp(backend);

    expect(await screen.findByText('500 entries loaded')).toBeTruthy();
    expect(rowMessages().slice(0, 2)).toEqual(['order 600 rejected', 'GET /api/thing/599 200']);
    const firstRow = screen.getAllByRole('row')[1];
    expect(firstRow?.querySelector('.level')?.className).toBe('level level-error');
    expect(firstRow?.querySelector('.level')?.textContent).toBe('ERROR');
    const errorChoice = screen.getByRole('checkbox', { name: /ERROR/ });
    expect(errorChoice.closest('label')?.textContent).toBe('ERROR3');
    // Counts over millions of rows read with thousands separators.
    expect(screen.getByRole('checkbox', { name: /INFO/ }).closest('label')?.textContent).toBe('INFO4,999,597');
    const events = [...document.querySelectorAll('#log-event-choices option')].map((option) => option.getAttribute('value'));
    expect(events).toEqual(['http_request', 'order_rejected']);
  });

  it('keeps applied filters in the URL and sends them to the API', async () => {
    const user = userEvent.setup();
    const { backend } = logsBackend(sampleRows(600));
    renderApp(backend);
    await screen.findByText('500 entries loaded');

    await user.click(screen.getByRole('checkbox', { name: /ERROR/ }));
    await user.type(screen.getByLabelText('Event'), 'order_rejected');
    await user.type(screen.getByLabelText('Text search'), 'rejected');
    await user.type(screen.getByLabelText('From (UTC)'), '2026-11-22T09:00:00');
    await user.selectOptions(screen.getByLabelText('Source'), 'backend');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));

    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe(
        '/logs?level=ERROR&event=order_rejected&start=2026-11-22T09%3A00%3A00Z&q=rejected&source=backend',
      ),
    );
    expect(await screen.findByText('3 entries loaded (all)')).toBeTruthy();
    const last = backend.callsTo('GET', '/api/logs').at(-1);
    expect(last?.url.searchParams.getAll('level')).toEqual(['ERROR']);
    expect(last?.url.searchParams.get('event')).toBe('order_rejected');
    expect(last?.url.searchParams.get('q')).toBe('rejected');
    expect(last?.url.searchParams.get('start')).toBe('2026-11-22T09:00:00Z');
    expect(last?.url.searchParams.get('source')).toBe('backend');
  }, 20_000);

  it('filters by actor, kept in the URL, and shows who did what in audit and UI rows', async () => {
    const user = userEvent.setup();
    const rows = [
      ...sampleRows(20),
      logRow(21, {
        event: 'audit',
        level: 'WARNING',
        message: 'audit',
        payload: { actor: 'eve', actor_role: 'viewer', action: 'strategy.delete', target: 'strategy:4', outcome: 'refused', source_address: '10.0.0.7' },
      }),
      logRow(22, { source: 'ui', event: 'ui.client_error', level: 'ERROR', message: 'boom in the browser', actor: 'eve', payload: { actor: 'eve' } }),
      logRow(23, { event: 'audit', message: 'audit', payload: { actor: 'admin', action: 'user.create', target: 'user:eve', outcome: 'success' } }),
    ];
    const { backend } = logsBackend(rows);
    renderApp(backend);
    await screen.findByText('23 entries loaded (all)');

    await user.type(screen.getByLabelText('Actor'), 'eve');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));

    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/logs?actor=eve'));
    expect(await screen.findByText('2 entries loaded (all)')).toBeTruthy();
    expect(backend.callsTo('GET', '/api/logs').at(-1)?.url.searchParams.get('actor')).toBe('eve');
    const [, uiRow, auditRow] = screen.getAllByRole('row');
    expect(uiRow?.textContent).toContain('UI · eveboom in the browser');
    expect(uiRow?.querySelector('[data-source="ui"]')).not.toBeNull();
    expect(auditRow?.textContent).toContain('Auditeve strategy.delete → strategy:4 refused');

    await user.click(within(auditRow as HTMLElement).getByRole('button', { name: /^Show details/ }));
    const audit = await screen.findByRole('region', { name: 'Audit' });
    expect([...audit.querySelectorAll('dt, dd')].map((cell) => cell.textContent)).toEqual([
      'Actor', 'eve', 'Role', 'viewer', 'Action', 'strategy.delete', 'Target', 'strategy:4', 'Outcome', 'refused', 'Source address', '10.0.0.7',
    ]);
  });

  it('offers the UI source filter, and reads an old source=frontend link as it', async () => {
    const { backend } = logsBackend([...sampleRows(5), logRow(6, { source: 'frontend', event: 'client_error', message: 'old browser row' })]);
    renderApp(backend, { route: '/logs?source=frontend' });

    expect(await screen.findByText('1 entry loaded (all)')).toBeTruthy();
    expect((screen.getByLabelText('Source') as HTMLSelectElement).value).toBe('ui');
    expect(backend.callsTo('GET', '/api/logs').at(-1)?.url.searchParams.get('source')).toBe('ui');
    expect(screen.getAllByRole('row')[1]?.textContent).toContain('UI · unknown userold browser row');
  });

  it('offers the edge access log as a source, asks the API for it and keeps it in the URL', async () => {
    const user = userEvent.setup();
    const edgeRow = logRow(7, {
      source: 'edge',
      event: 'http_access',
      logger: 'http.log.access.edge_access',
      message: 'GET /api/thing/6 200 1.2 ms',
      correlation_id: 'req-6',
    });
    const { backend } = logsBackend([...sampleRows(6), edgeRow]);
    renderApp(backend);
    await screen.findByText('7 entries loaded (all)');

    await user.selectOptions(screen.getByLabelText('Source'), 'Edge (access log)');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));

    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/logs?source=edge'));
    expect(await screen.findByText('1 entry loaded (all)')).toBeTruthy();
    expect(rowMessages()).toEqual(['GET /api/thing/6 200 1.2 ms']);
    expect(backend.callsTo('GET', '/api/logs').at(-1)?.url.searchParams.get('source')).toBe('edge');
    expect(screen.getAllByRole('row')[1]?.querySelector('[data-source="edge"]')).not.toBeNull();
  }, 20_000);

  it('opens a shared link with its filters applied', async () => {
    const { backend } = logsBackend(sampleRows(600));
    renderApp(backend, { route: '/logs?level=ERROR&correlation_id=order-400' });

    expect(await screen.findByText('1 entry loaded (all)')).toBeTruthy();
    expect((screen.getByLabelText('Correlation id') as HTMLInputElement).value).toBe('order-400');
    expect((screen.getByRole('checkbox', { name: /ERROR/ }) as HTMLInputElement).checked).toBe(true);
  });

  it('filters by a correlation id when it is clicked', async () => {
    const user = userEvent.setup();
    const { backend } = logsBackend(sampleRows(600));
    renderApp(backend, { route: '/logs?level=ERROR' });
    await screen.findByText('3 entries loaded (all)');

    await user.click(screen.getByRole('button', { name: 'order-400' }));

    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe('/logs?level=ERROR&correlation_id=order-400'),
    );
    expect(await screen.findByText('1 entry loaded (all)')).toBeTruthy();
    expect((screen.getByLabelText('Correlation id') as HTMLInputElement).value).toBe('order-400');
  });

  it('expands a row to its payload and the lines around it', async () => {
    const user = userEvent.setup();
    const { backend } = logsBackend(sampleRows(20));
    renderApp(backend);
    await screen.findByText('20 entries loaded (all)');

    await user.click(screen.getByRole('button', { name: 'Show details of entry 10' }));

    const payload = screen.getByRole('region', { name: 'Payload' });
    expect(JSON.parse(payload.querySelector('pre')?.textContent ?? '')).toEqual({ path: '/api/thing/10', status: 200 });
    const context = await screen.findByRole('list');
    const lines = within(context).getAllByRole('listitem');
    expect(lines.map((line) => line.textContent?.split(' http_request ')[1])).toEqual([
      'GET /api/thing/8 200',
      'GET /api/thing/9 200',
      'GET /api/thing/10 200',
      'GET /api/thing/11 200',
      'GET /api/thing/12 200',
    ]);
    expect(lines[2]?.getAttribute('aria-current')).toBe('true');
    expect(backend.callsTo('GET', '/api/logs/10/context')[0]?.url.search).toBe('?before=5&after=5');

    await user.click(screen.getByRole('button', { name: 'Hide details of entry 10' }));
    expect(screen.queryByRole('region', { name: 'Payload' })).toBeNull();
  });

  it('searches the archived days loaded back when asked, kept in the URL, with their own context', async () => {
    const user = userEvent.setup();
    const { backend } = logsBackend(sampleRows(20));
    renderApp(backend);
    await screen.findByText('20 entries loaded (all)');

    await user.selectOptions(screen.getByLabelText('Rows'), 'archived');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    await waitFor(() => expect(backend.callsTo('GET', '/api/logs').at(-1)?.url.searchParams.get('archived')).toBe('true'));
    expect(screen.getByTestId('location').textContent).toBe('/logs?archived=true');
    await screen.findByText('20 entries loaded (all)');
    await user.click(screen.getByRole('button', { name: 'Show details of entry 10' }));
    await screen.findByRole('list');
    expect(backend.callsTo('GET', '/api/logs/10/context')[0]?.url.search).toBe('?before=5&after=5&archived=true');
  });

  it('loads older entries with the keyset cursor', async () => {
    const user = userEvent.setup();
    const { backend } = logsBackend(sampleRows(600));
    renderApp(backend);
    await screen.findByText('500 entries loaded');

    await user.click(screen.getByRole('button', { name: 'Load older entries' }));

    expect(await screen.findByText('600 entries loaded (all)')).toBeTruthy();
    expect(backend.callsTo('GET', '/api/logs').at(-1)?.url.searchParams.get('cursor')).toBe('101');
    expect(screen.getByText('No older entries.')).toBeTruthy();
  });
});
