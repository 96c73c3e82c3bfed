import type { ApiClient } from '../../lib/apiClient';
import type { EventPage, FillPage, PnlPoint, SessionDetail, SessionFill } from './types';

export const EVENTS_PAGE_SIZE = 25;
export const FILLS_PAGE_SIZE = 20;

export const sessionKey = (sessionId: number) => ['sessions', 'detail', sessionId] as const;
export const sessionEventsKey = (sessionId: number, page: number) => ['sessions', 'events', sessionId, page] as const;
export const sessionFillsKey = (sessionId: number, page: number) => ['sessions', 'fill-pages', sessionId, page] as const;
export const sessionPnlKey = (sessionId: number) => ['sessions', 'pnl', sessionId] as const;

export function fetchSession(api: ApiClient, sessionId: number, signal?: AbortSignal) {
  return api.request<SessionDetail>(`/sessions/${sessionId}`, { signal });
}

export function fetchSessionEvents(api: ApiClient, sessionId: number, page: number, signal?: AbortSignal) {
  return api.request<EventPage>(`/sessions/${sessionId}/events`, {
    query: { page, page_size: EVENTS_PAGE_SIZE },
    signal,
  });
}

export function fetchSessionFills(api: ApiClient, sessionId: number, page: number, signal?: AbortSignal) {
  return api.request<FillPage>(`/sessions/${sessionId}/fills`, {
    query: { page, page_size: FILLS_PAGE_SIZE },
    signal,
  });
}

/** The newest fills, newest first (the dashboard's card; live ones are added over the socket). */
export async function fetchRecentFills(api: ApiClient, sessionId: number, signal?: AbortSignal): Promise<SessionFill[]> {
  return (await fetchSessionFills(api, sessionId, 1, signal)).items;
}

export function fetchSessionPnl(api: ApiClient, sessionId: number, signal?: AbortSignal) {
  return api.request<PnlPoint[]>(`/sessions/${sessionId}/pnl`, { signal });
}
