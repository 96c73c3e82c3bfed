import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../lib/apiClient';
import { createFakeBackend } from '../../test/fakeBackend';
import { logRow } from '../../test/logRows';
import { downloadLogs, fetchLogContextSides } from './api';
import { EMPTY_FILTERS } from './filters';

function client(backend: ReturnType<typeof createFakeBackend>) {
  return createApiClient({ baseUrl: '/api', getToken: () => 't', fetchImpl: backend.fetch });
}

describe('downloadLogs', () => {
  it('asks for the format with the page query\'s filters and keeps the server\'s filename', async () => {
    const backend = createFakeBackend();
    backend.on('GET', '/api/logs/download', () => ({
      body: '{"id":1}\n',
      headers: { 'Content-Disposition': 'attachment; filename="logs-beginning-20261204T120000Z.ndjson"' },
    }));

    const file = await downloadLogs(client(backend), { ...EMPTY_FILTERS, levels: ['ERROR', 'WARNING'], text: 'boom' }, 'ndjson');

    expect(file.filename).toBe('logs-beginning-20261204T120000Z.ndjson');
    const params = backend.calls[0]?.url.searchParams;
    expect(params?.get('format')).toBe('ndjson');
    expect(params?.getAll('level')).toEqual(['ERROR', 'WARNING']);
    expect(params?.get('q')).toBe('boom');
    expect(backend.calls[0]?.headers.get('Authorization')).toBe('Bearer t');
  });
});

describe('fetchLogContextSides', () => {
  it('asks for a different count each side, and the archived table when asked', async () => {
    const backend = createFakeBackend();
    backend.on('GET', '/api/logs/:id/context', () => ({ body: { before: [], entry: logRow(7), after: [] } }));

    await fetchLogContextSides(client(backend), 7, { before: 50, after: 0 }, true);

    const url = backend.calls[0]?.url;
    expect(url?.pathname).toBe('/api/logs/7/context');
    expect(url?.searchParams.get('before')).toBe('50');
    expect(url?.searchParams.get('after')).toBe('0');
    expect(url?.searchParams.get('archived')).toBe('true');
  });
});
