import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../lib/apiClient';
import { createFakeBackend } from '../../test/fakeBackend';
import { logRow, newestFirst } from '../../test/logRows';
import { fetchNewerThan, isNewer } from './api';
import { EMPTY_FILTERS } from './filters';

describe('isNewer', () => {
  it('orders by timestamp, then id, like the API', () => {
    expect(isNewer(logRow(2), logRow(1))).toBe(true);
    expect(isNewer(logRow(1), logRow(2))).toBe(false);
    const sameTime = logRow(1);
    expect(isNewer({ ...sameTime, id: 7 }, { ...sameTime, id: 6 })).toBe(true);
  });
});

describe('fetchNewerThan', () => {
  it('asks from the newest row\'s second onward and keeps only newer rows, across pages', async () => {
    const backend = createFakeBackend();
    // Rows 11-30 are new; the backend pages them 10 at a time, then reaches known rows.
    const pages: Record<string, { items: ReturnType<typeof newestFirst>; next_cursor: string | null }> = {
      '': { items: newestFirst(21, 30), next_cursor: 'c2' },
      c2: { items: newestFirst(11, 20), next_cursor: 'c3' },
      c3: { items: newestFirst(1, 10), next_cursor: 'c4' },
    };
    backend.on('GET', '/api/logs', ({ url }) => ({ body: pages[url.searchParams.get('cursor') ?? ''] }));
    const api = createApiClient({ baseUrl: '/api', getToken: () => 't', fetchImpl: backend.fetch });

    const newer = await fetchNewerThan(api, { ...EMPTY_FILTERS, levels: ['INFO'] }, logRow(10));

    expect(newer.map((row) => row.id)).toEqual(newestFirst(11, 30).map((row) => row.id));
    const calls = backend.callsTo('GET', '/api/logs');
    expect(calls).toHaveLength(3);
    expect(calls[0]?.url.searchParams.get('start')).toBe('2026-11-22T09:00:10Z');
    expect(calls[0]?.url.searchParams.getAll('level')).toEqual(['INFO']);
  });

  it('keeps a later start filter the user chose', async () => {
    const backend = createFakeBackend();
    backend.on('GET', '/api/logs', () => ({ body: { items: [], next_cursor: null } }));
    const api = createApiClient({ baseUrl: '/api', getToken: () => 't', fetchImpl: backend.fetch });

    await fetchNewerThan(api, { ...EMPTY_FILTERS, start: '2026-12-01T00:00:00Z' }, logRow(10));

    expect(backend.calls[0]?.url.searchParams.get('start')).toBe('2026-12-01T00:00:00Z');
  });
});
