import type { Schemas } from '../../api/schema';
import type { paths } from '../../api/schema.gen';
import type { ApiClient } from '../../lib/apiClient';
import type { KillSwitch, TradingSession } from './types';

export type SessionAction = paths['/api/sessions/{session_id}/{action}']['post']['parameters']['path']['action'];

export const SESSIONS_KEY = ['sessions', 'list'] as const;
export const KILL_SWITCH_KEY = ['kill-switch'] as const;
export const fillsKey = (sessionId: number) => ['sessions', 'fills', sessionId] as const;

export function fetchSessions(api: ApiClient, signal?: AbortSignal) {
  return api.request<TradingSession[]>('/sessions', { signal });
}

export type SessionMode = Schemas['StartSession']['mode'];

export function startSession(api: ApiClient, strategyId: number, enterNow: boolean, mode: SessionMode = 'paper') {
  return api.request<TradingSession>(`/strategies/${strategyId}/sessions`, {
    method: 'POST',
    body: { mode, enter_now: enterNow } satisfies Schemas['StartSession'],
  });
}

export function controlSession(api: ApiClient, sessionId: number, action: SessionAction) {
  return api.request<TradingSession>(`/sessions/${sessionId}/${action}`, { method: 'POST' });
}

export function fetchKillSwitch(api: ApiClient, signal?: AbortSignal) {
  return api.request<KillSwitch>('/kill-switch', { signal });
}

export function tripKillSwitch(api: ApiClient, reason: string) {
  return api.request<KillSwitch>('/kill-switch/trip', { method: 'POST', body: { reason } satisfies Schemas['TripRequest'] });
}

export function rearmKillSwitch(api: ApiClient) {
  return api.request<KillSwitch>('/kill-switch/rearm', { method: 'POST' });
}
