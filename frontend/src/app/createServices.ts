import { refreshSession } from '../features/auth/api';
import { createSessionRefresher } from '../features/auth/sessionRefresher';
import { createSessionStore } from '../features/auth/sessionStore';
import { createApiClient } from '../lib/apiClient';
import type { ApiCallRecorder } from '../lib/apiInspector';
import type { ClientLogShipper } from '../lib/clientLogShipper';
import type { SocketFactory } from '../lib/liveSocket';
import type { AppServices } from './services';

export interface ServiceOptions {
  baseUrl: string;
  storage: Storage;
  openSocket: SocketFactory;
  recorder: ApiCallRecorder | null;
  fetchImpl?: typeof fetch;
  /** Built once the API client exists, since it posts through it. */
  shipperFor?: (services: Omit<AppServices, 'shipper'>) => ClientLogShipper | null;
}

/** The session, its refresher and the API client, wired the one way the app and its tests use. */
export function createServices({ baseUrl, storage, openSocket, recorder, fetchImpl, shipperFor }: ServiceOptions): AppServices {
  const session = createSessionStore(storage);
  // The refresher needs the client and the client needs the refresher: bound late, once.
  let renew: (rejectedToken: string | null) => Promise<boolean> = async () => false;
  const api = createApiClient({
    baseUrl,
    getToken: () => session.token(),
    onUnauthorized: (rejectedToken) => renew(rejectedToken),
    recorder: recorder ?? undefined,
    fetchImpl,
  });
  const refresher = createSessionRefresher({ session, refresh: (current) => refreshSession(api, current) });
  renew = (rejectedToken) => refresher.renew(rejectedToken);
  const core = { api, session, refresher, recorder, openSocket };
  return { ...core, shipper: shipperFor?.(core) ?? null };
}
