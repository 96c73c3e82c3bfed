import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeBackend } from '../../test/fakeBackend';
import { logRow } from '../../test/logRows';
import { renderApp, SIGNED_IN } from '../../test/renderApp';
import type { FakeSocket } from '../../test/fakeSocket';
import type { LogEntry } from './types';
import { PAUSE_BUFFER_LIMIT } from './useLiveTail';

/** A fake of the viewer's API over rows 1..count: newest-first pages and a context that
 * honours its before/after counts, as the real one. */
function viewerBackend(count: number) {
  const backend = createFakeBackend();
  const table = Array.from({ length: count }, (_, index) => logRow(index + 1));
  backend.on('GET', '/api/logs', () => ({ body: { items: [...table].reverse(), next_cursor: null } }));
  backend.on('GET', '/api/logs/facets', () => ({ body: { levels: [], events: [] } }));
  backend.on('GET', '/api/logs/:id/context', ({ url }) => {
    const id = Number(url.pathname.split('/')[3]);
    const before = Number(url.searchParams.get('before'));
    const after = Number(url.searchParams.get('after'));
    const entry = table.find((row) => row.id === id);
    if (!entry) return { status: 404, body: { detail: 'no such log entry' } };
    return {
      body: {
        before: before > 0 ? table.filter((row) => row.id < id).slice(-before) : [],
        entry,
        after: table.filter((row) => row.id > id).slice(0, after),
      },
    };
  });
  return backend;
}

const rowMessages = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell')[5]?.textContent);

async function startTail(user: ReturnType<typeof userEvent.setup>, sockets: { latest(): FakeSocket }) {
  await user.click(screen.getByRole('checkbox', { name: 'Live tail' }));
  const socket = sockets.latest();
  act(() => socket.serverOpens());
  expect(socket.sent[0]).toEqual({ type: 'auth', token: SIGNED_IN.token });
  act(() => socket.serverSends({ type: 'snapshot', sessions: [], kill_switch: {} }));
  return socket;
}

const push = (socket: FakeSocket, items: LogEntry[]) => act(() => socket.serverSends({ type: 'logs', items }));

afterEach(() => vi.restoreAllMocks());

describe('Log Viewer live tail', () => {
  it('subscribes with the filters after the newest row, and shows pushed rows without asking the API', async () => {
    const user = userEvent.setup();
    const backend = viewerBackend(30);
    const { sockets } = renderApp(backend, { route: '/logs?level=INFO&q=thing&source=backend' });
    await screen.findByText('30 entries loaded (all)');

    const socket = await startTail(user, sockets);
    expect(socket.url.search).toBe('');
    expect(socket.sent[1]).toEqual({
      type: 'logs_subscribe',
      after_id: 30,
      filters: { level: ['INFO'], q: 'thing', source: 'backend' },
    });
    act(() => socket.serverSends({ type: 'logs_subscribed', after_id: 30, skipped_ids: 0 }));
    await screen.findByText('Following new entries');
    const reads = backend.callsTo('GET', '/api/logs').length;

    push(socket, [logRow(31, { message: 'fresh one' }), logRow(32, { message: 'fresh two' })]);

    expect(await screen.findByText('32 entries loaded (all) · 2 new')).toBeTruthy();
    expect(rowMessages().slice(0, 3)).toEqual(['fresh two', 'fresh one', 'GET /api/thing/30 200']);
    expect(backend.callsTo('GET', '/api/logs')).toHaveLength(reads);

    await user.click(screen.getByRole('checkbox', { name: 'Live tail' }));
    expect(socket.closedByClient?.code).toBe(1000);
  });

  it('buffers while paused, counts what arrived, and shows each buffered row once on resume', async () => {
    const user = userEvent.setup();
    const { sockets } = renderApp(viewerBackend(30));
    await screen.findByText('30 entries loaded (all)');
    const socket = await startTail(user, sockets);
    act(() => socket.serverSends({ type: 'logs_subscribed', after_id: 30, skipped_ids: 0 }));

    await user.click(screen.getByRole('button', { name: 'Pause' }));
    push(socket, [logRow(31, { message: 'held one' }), logRow(32, { message: 'held two' })]);
    // A row sent twice (a reconnect's overlap) is held once.
    push(socket, [logRow(32, { message: 'held two' }), logRow(33, { message: 'held three' })]);

    const resume = await screen.findByRole('button', { name: '3 new, resume' });
    expect(screen.queryByText('held one')).toBeNull();
    expect(screen.getByText('30 entries loaded (all)')).toBeTruthy();

    await user.click(resume);
    expect(await screen.findByText('33 entries loaded (all) · 3 new')).toBeTruthy();
    expect(rowMessages().slice(0, 4)).toEqual(['held three', 'held two', 'held one', 'GET /api/thing/30 200']);
    expect(screen.getByRole('button', { name: 'Pause' })).toBeTruthy();

    push(socket, [logRow(33, { message: 'held three' }), logRow(34, { message: 'after resume' })]);
    expect(await screen.findByText('34 entries loaded (all) · 4 new')).toBeTruthy();
    expect(rowMessages().filter((message) => message === 'held three')).toHaveLength(1);
  });

  it('past the pause limit holds no more rows, still counts them, and reloads the newest page on resume', async () => {
    const user = userEvent.setup();
    const backend = viewerBackend(30);
    const { sockets } = renderApp(backend);
    await screen.findByText('30 entries loaded (all)');
    const socket = await startTail(user, sockets);
    act(() => socket.serverSends({ type: 'logs_subscribed', after_id: 30, skipped_ids: 0 }));

    await user.click(screen.getByRole('button', { name: 'Pause' }));
    const arrived = PAUSE_BUFFER_LIMIT + 1;
    push(socket, Array.from({ length: arrived }, (_, index) => logRow(31 + index, { message: `held ${index}` })));
    // A row already shown, sent again, is not counted.
    push(socket, [logRow(30)]);
    const resume = await screen.findByRole('button', { name: `${arrived.toLocaleString('en-US')} new, resume` });
    const reads = backend.callsTo('GET', '/api/logs').length;

    await user.click(resume);
    // Reloaded from the server (which holds 30 rows here), not prepended from the page's memory.
    await waitFor(() => expect(backend.callsTo('GET', '/api/logs').length).toBeGreaterThan(reads));
    expect(await screen.findByText('30 entries loaded (all)')).toBeTruthy();
    expect(screen.queryByText('held 0')).toBeNull();
  });

  it('resubscribes after the last row received when the socket drops', async () => {
    const user = userEvent.setup();
    const { sockets } = renderApp(viewerBackend(30));
    await screen.findByText('30 entries loaded (all)');
    const first = await startTail(user, sockets);
    act(() => first.serverSends({ type: 'logs_subscribed', after_id: 30, skipped_ids: 0 }));
    push(first, [logRow(31), logRow(32)]);

    act(() => first.serverCloses(1006));
    expect(await screen.findByText(/Connection lost; retrying in 1 s/)).toBeTruthy();
    await waitFor(() => expect(sockets.latest()).not.toBe(first), { timeout: 3000 });
    const second = sockets.latest();
    act(() => second.serverOpens());
    act(() => second.serverSends({ type: 'snapshot', sessions: [], kill_switch: {} }));
    expect(second.sent[1]).toEqual({ type: 'logs_subscribe', after_id: 32, filters: { level: [] } });
  });

  it('asks for every matching row when none is shown, and says when a gap was skipped', async () => {
    const user = userEvent.setup();
    const { sockets } = renderApp(viewerBackend(0));
    await screen.findByText('No entries yet.');
    const socket = await startTail(user, sockets);
    expect(socket.sent[1]).toEqual({ type: 'logs_subscribe', after_id: 0, filters: { level: [] } });
    act(() => socket.serverSends({ type: 'logs_subscribed', after_id: 9000, skipped_ids: 9000 }));
    expect(await screen.findByText(/skipped: Refresh to see them/)).toBeTruthy();
  });

  it('shows the server refusing a subscription, and cannot tail archived days', async () => {
    const user = userEvent.setup();
    const { sockets } = renderApp(viewerBackend(3));
    await screen.findByText('3 entries loaded (all)');
    const socket = await startTail(user, sockets);
    act(() => socket.serverSends({ type: 'error', detail: 'filters.q: String should have at most 500 characters' }));
    expect(await screen.findByText(/Live tail refused: filters.q/)).toBeTruthy();
  });

  it('offers no tail on archived days', async () => {
    renderApp(viewerBackend(3), { route: '/logs?archived=true' });
    await screen.findByText('3 entries loaded (all)');
    expect((screen.getByRole('checkbox', { name: 'Live tail' }) as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByText(/not the archived days/)).toBeTruthy();
  });
});

describe('Log Viewer permalink', () => {
  it('opens on the linked line, highlighted, and loads 50 more each way', async () => {
    const user = userEvent.setup();
    const backend = viewerBackend(200);
    renderApp(backend, { route: '/logs?line=100' });

    const lines = await screen.findByRole('list', { name: 'Entries around the linked one' });
    const items = () => within(lines).getAllByRole('listitem');
    expect(items()).toHaveLength(41);
    const current = items().find((item) => item.getAttribute('aria-current') === 'true');
    expect(current?.dataset.entryId).toBe('100');
    expect(backend.calls.find((call) => call.url.pathname === '/api/logs/100/context')?.url.search).toBe('?before=20&after=20');

    await user.click(screen.getByRole('button', { name: 'Load 50 earlier' }));
    await waitFor(() => expect(items()).toHaveLength(91));
    expect(items()[0]?.dataset.entryId).toBe('30');
    expect(backend.calls.at(-1)?.url.pathname).toBe('/api/logs/80/context');
    expect(backend.calls.at(-1)?.url.search).toBe('?before=50&after=0');

    await user.click(screen.getByRole('button', { name: 'Load 50 later' }));
    await waitFor(() => expect(items()).toHaveLength(141));
    expect(items().at(-1)?.dataset.entryId).toBe('170');
    await user.click(screen.getByRole('button', { name: 'Load 50 later' }));
    await waitFor(() => expect(items().at(-1)?.dataset.entryId).toBe('200'));
    expect(screen.getByText('No later entries yet.')).toBeTruthy();
    const ids = items().map((item) => item.dataset.entryId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('links each row to its permalink, and closing the line keeps the filters', async () => {
    const user = userEvent.setup();
    renderApp(viewerBackend(12), { route: '/logs?level=INFO' });
    await screen.findByText('12 entries loaded (all)');
    await user.click(screen.getByRole('button', { name: 'Show details of entry 12' }));
    await user.click(screen.getByRole('link', { name: 'Link to this entry' }));

    expect(screen.getByTestId('location').textContent).toBe('/logs?line=12');
    expect(await screen.findByRole('heading', { name: 'Entry #12 and its context' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.getByTestId('location').textContent).toBe('/logs');
  });

  it('says so when the linked line is gone', async () => {
    renderApp(viewerBackend(3), { route: '/logs?line=999' });
    expect(await screen.findByText(/No entry #999/)).toBeTruthy();
  });
});

describe('Log Viewer download', () => {
  it('downloads the filtered rows in the chosen format under the server\'s filename', async () => {
    const user = userEvent.setup();
    const backend = viewerBackend(3);
    backend.on('GET', '/api/logs/download', ({ url }) => ({
      text: url.searchParams.get('format') === 'csv' ? 'id,ts\r\n3,x\r\n' : '{"id":3}\n',
      headers: { 'Content-Disposition': `attachment; filename="logs-beginning-20261204T120000Z.${url.searchParams.get('format')}"` },
    }));
    const created: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob);
      return 'blob:logs';
    });
    const saved: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    renderApp(backend, { route: '/logs?level=ERROR&q=boom' });
    await screen.findByText('3 entries loaded (all)');

    await user.click(screen.getByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(saved).toEqual(['logs-beginning-20261204T120000Z.csv']));
    await user.click(screen.getByRole('button', { name: 'Download NDJSON' }));
    await waitFor(() => expect(saved).toHaveLength(2));

    expect(await created[0]?.text()).toBe('id,ts\r\n3,x\r\n');
    expect(await created[1]?.text()).toBe('{"id":3}\n');
    const calls = backend.callsTo('GET', '/api/logs/download');
    expect(calls.map((call) => Object.fromEntries(call.url.searchParams))).toEqual([
      { level: 'ERROR', q: 'boom', format: 'csv' },
      { level: 'ERROR', q: 'boom', format: 'ndjson' },
    ]);
    expect(calls[0]?.headers.get('Authorization')).toBe(`Bearer ${SIGNED_IN.token}`);
  });
});
