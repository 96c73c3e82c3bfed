import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createFakeBackend } from '../../test/fakeBackend';
import { logRow } from '../../test/logRows';
import { renderApp } from '../../test/renderApp';
import type { LogEntry } from './types';

/** A fake /api/logs that applies `where` filters on columns, and a fixed histogram. */
function filteringBackend(table: LogEntry[]) {
  const backend = createFakeBackend();
  backend.on('GET', '/api/logs', ({ url }) => {
    let rows = [...table].reverse();
    for (const spelled of url.searchParams.getAll('where')) {
      const [field = '', value] = spelled.split(/!?=/);
      const exclude = spelled.includes('!=');
      rows = rows.filter((row) => (String(row[field as keyof LogEntry]) === value) !== exclude);
    }
    if (url.searchParams.get('order') === 'oldest') rows.reverse();
    return { body: { items: rows, next_cursor: null } };
  });
  backend.on('GET', '/api/logs/facets', () => ({ body: { levels: [], events: [] } }));
  backend.on('GET', '/api/logs/histogram', () => ({
    body: {
      start: '2026-11-22T09:00:00.000000Z',
      end: '2026-11-22T09:04:00.000000Z',
      bucket_seconds: 60,
      buckets: [
        { start: '2026-11-22T09:00:00.000000Z', counts: { INFO: 3 } },
        { start: '2026-11-22T09:01:00.000000Z', counts: { ERROR: 1, DEBUG: 2 } },
        { start: '2026-11-22T09:02:00.000000Z', counts: {} },
        { start: '2026-11-22T09:03:00.000000Z', counts: { INFO: 1 } },
      ],
    },
  }));
  return backend;
}

const rows = [
  logRow(1, { level: 'DEBUG', message: 'debug chatter' }),
  logRow(2, { level: 'INFO', message: 'order ORD-17 placed', payload: { order_id: 'ORD-17' } }),
  logRow(3, { level: 'ERROR', message: 'order rejected' }),
];
const location = () => decodeURIComponent(screen.getByTestId('location').textContent ?? '');

describe('Log Viewer filters', () => {
  it('adds an exclude filter from a row’s field, shows it as a chip, and removes it', async () => {
    const user = userEvent.setup();
    const backend = filteringBackend(rows);
    renderApp(backend);
    await screen.findByText('3 entries loaded (all)');

    await user.click(screen.getByRole('button', { name: 'Show details of entry 1' }));
    await user.click(await screen.findByRole('button', { name: 'Exclude level = DEBUG' }));
    await waitFor(() => expect(location()).toBe('/logs?where=level!=DEBUG'));
    expect(await screen.findByText('2 entries loaded (all)')).toBeTruthy();
    expect(backend.callsTo('GET', '/api/logs').at(-1)?.url.searchParams.getAll('where')).toEqual(['level!=DEBUG']);
    expect(backend.callsTo('GET', '/api/logs/histogram').at(-1)?.url.searchParams.getAll('where')).toEqual([
      'level!=DEBUG',
    ]);

    const chips = screen.getByRole('list', { name: 'Field filters in force' });
    expect(within(chips).getByText(/level/).textContent).toContain('≠');
    await user.click(within(chips).getByRole('button', { name: 'Remove filter level!=DEBUG' }));
    await waitFor(() => expect(location()).toBe('/logs'));
  }, 20_000);

  it('adds a payload filter typed in, and refuses a field the API does not know', async () => {
    const user = userEvent.setup();
    renderApp(filteringBackend(rows));
    await screen.findByText('3 entries loaded (all)');

    await user.type(screen.getByLabelText('Filter field'), 'payload.order id');
    await user.type(screen.getByLabelText('Filter value'), 'ORD-17');
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    expect((await screen.findByRole('alert')).textContent).toContain('is not a field');

    // The refused filter's value stays, for the field to be corrected.
    expect(screen.getByLabelText<HTMLInputElement>('Filter value').value).toBe('ORD-17');
    await user.clear(screen.getByLabelText('Filter field'));
    await user.type(screen.getByLabelText('Filter field'), 'payload.order_id');
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await waitFor(() => expect(location()).toBe('/logs?where=payload.order_id=ORD-17'));
  }, 20_000);

  it('draws the histogram and zooms to the bar clicked', async () => {
    // jsdom has no PointerEvent; a MouseEvent carries the same clientX and button.
    vi.stubGlobal('PointerEvent', MouseEvent);
    renderApp(filteringBackend(rows));
    const chart = await screen.findByTestId('log-histogram');
    await waitFor(() => expect(chart.querySelectorAll('rect')).toHaveLength(4));
    chart.getBoundingClientRect = () => ({ left: 0, width: 400, top: 0, height: 80, right: 400, bottom: 80, x: 0, y: 0, toJSON: () => ({}) });
    chart.setPointerCapture = () => undefined;
    fireEvent.pointerDown(chart, { clientX: 150, button: 0, pointerId: 1 });
    fireEvent.pointerUp(chart, { clientX: 151, pointerId: 1 });
    await waitFor(() => expect(location()).toBe('/logs?start=2026-11-22T09:01:00Z&end=2026-11-22T09:02:00Z'));
    expect(screen.getByText('custom range')).toBeTruthy();
    vi.unstubAllGlobals();
  });

  it('keeps presets, order, clock and wrap in the URL, and highlights the searched words', async () => {
    const user = userEvent.setup();
    const backend = filteringBackend(rows);
    renderApp(backend, { route: '/logs?q=ord' });
    await screen.findByText('3 entries loaded (all)');
    const marks = [...document.querySelectorAll('mark')].map((mark) => mark.textContent);
    expect(marks).toEqual(expect.arrayContaining(['ord', 'ORD']));

    await user.click(screen.getByRole('button', { name: '15 min' }));
    await waitFor(() => expect(location()).toBe('/logs?q=ord&range=15m'));
    const start = backend.callsTo('GET', '/api/logs').at(-1)?.url.searchParams.get('start') ?? '';
    expect(Math.abs(Date.now() - 15 * 60_000 - Date.parse(start))).toBeLessThan(5_000);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Order' }), 'oldest');
    await waitFor(() => expect(location()).toBe('/logs?q=ord&range=15m&order=oldest'));
    await user.click(screen.getByRole('button', { name: 'Local' }));
    await user.click(screen.getByRole('checkbox', { name: 'Wrap lines' }));
    await waitFor(() => expect(location()).toBe('/logs?q=ord&range=15m&order=oldest&tz=local&wrap=true'));
    expect(screen.getByRole('columnheader', { name: 'Time (local)' })).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: /Live tail/ })).toHaveProperty('disabled', true);
  }, 20_000);
});
