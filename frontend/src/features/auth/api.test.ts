import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../lib/apiClient';
import { createFakeBackend } from '../../test/fakeBackend';
import { fetchCurrentUser } from './api';

function apiAnswering(body: unknown) {
  const backend = createFakeBackend();
  backend.on('GET', '/api/auth/me', () => ({ body }));
  return createApiClient({ baseUrl: '/api', getToken: () => 'tok', fetchImpl: backend.fetch });
}

describe('fetchCurrentUser', () => {
  it('reads the role from GET /api/auth/me', async () => {
    expect(await fetchCurrentUser(apiAnswering({ username: 'ops', role: 'admin' }))).toEqual({ username: 'ops', role: 'admin' });
    expect(await fetchCurrentUser(apiAnswering({ username: 'eve', role: 'viewer' }))).toEqual({ username: 'eve', role: 'viewer' });
  });

  it('treats a missing or unknown role as a viewer, so no control is shown by mistake', async () => {
    expect((await fetchCurrentUser(apiAnswering({ username: 'old' }))).role).toBe('viewer');
    expect((await fetchCurrentUser(apiAnswering({ username: 'odd', role: 'superuser' }))).role).toBe('viewer');
  });
});
