import { render } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router';
import { App, createQueryClient } from '../app/App';
import { createServices } from '../app/createServices';
import { SESSION_STORAGE_KEY, type Session } from '../features/auth/sessionStore';
import { createApiCallRecorder } from '../lib/apiInspector';
import type { createFakeBackend } from './fakeBackend';
import { SIGNED_IN } from './signedIn';
import { createFakeSockets, type FakeSockets } from './fakeSocket';

export { SIGNED_IN };

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
  const services = createServices({
    baseUrl: '/api',
    storage: window.sessionStorage,
    openSocket: sockets.factory,
    recorder: createApiCallRecorder(),
    fetchImpl: backend.fetch,
  });
  const sessionStore = services.session;
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
