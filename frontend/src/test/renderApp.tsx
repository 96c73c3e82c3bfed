import { render } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router';
import { App, createQueryClient } from '../app/App';
import type { AppServices } from '../app/services';
import { createSessionStore, SESSION_STORAGE_KEY, type Session } from '../features/auth/sessionStore';
import { createApiClient } from '../lib/apiClient';
import { createApiCallRecorder } from '../lib/apiInspector';
import type { createFakeBackend } from './fakeBackend';
import { createFakeSockets, type FakeSockets } from './fakeSocket';

export const SIGNED_IN: Session = {
  token: 'header.payload.signature',
  username: 'admin',
  expiresAt: Math.floor(Date.now() / 1000) + 3600,
};

/** Shows the router's current location so tests can assert on the URL. */
function LocationProbe() {
  const location = useLocation();
  return <span data-testid="location">{`${location.pathname}${location.search}`}</span>;
}

export function renderApp(
  backend: ReturnType<typeof createFakeBackend>,
  {
    route = '/logs',
    session = SIGNED_IN as Session | null,
    sockets = createFakeSockets() as FakeSockets,
  } = {},
) {
  if (session) window.sessionStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
  const sessionStore = createSessionStore(window.sessionStorage);
  const recorder = createApiCallRecorder();
  const services: AppServices = {
    api: createApiClient({
      baseUrl: '/api',
      getToken: () => sessionStore.token(),
      onUnauthorized: () => sessionStore.expire(),
      fetchImpl: backend.fetch,
      recorder,
    }),
    session: sessionStore,
    recorder,
    shipper: null,
    openSocket: sockets.factory,
  };
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const view = render(
    <MemoryRouter initialEntries={[route]}>
      <App services={services} queryClient={queryClient} />
      <LocationProbe />
    </MemoryRouter>,
  );
  return { ...view, services, sessionStore, sockets };
}
