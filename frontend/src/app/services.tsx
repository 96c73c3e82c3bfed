import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { ApiClient } from '../lib/apiClient';
import type { ApiCallRecorder } from '../lib/apiInspector';
import type { ClientLogShipper } from '../lib/clientLogShipper';
import type { SocketFactory } from '../lib/liveSocket';
import type { SessionRefresher } from '../features/auth/sessionRefresher';
import type { SessionState, SessionStore } from '../features/auth/sessionStore';

/** What the screens need from outside React; tests hand in their own (e.g. with a fake fetch). */
export interface AppServices {
  api: ApiClient;
  session: SessionStore;
  /** Renews the access token (on a 401, a 4401 socket close, or shortly before it runs out). */
  refresher: SessionRefresher;
  recorder: ApiCallRecorder | null;
  shipper: ClientLogShipper | null;
  /** Opens the live-updates WebSocket (the browser's own outside tests). */
  openSocket: SocketFactory;
}

const ServicesContext = createContext<AppServices | null>(null);

export function ServicesProvider({ services, children }: { services: AppServices; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices needs a ServicesProvider above it');
  return services;
}

export function useSessionState(): SessionState {
  const { session } = useServices();
  return useSyncExternalStore(session.subscribe, session.getState);
}
