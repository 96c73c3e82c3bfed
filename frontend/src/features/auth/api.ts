import type { Schemas } from '../../api/schema';
import type { ApiClient } from '../../lib/apiClient';
import type { Session } from './sessionStore';

/** What POST /api/auth/login and POST /api/auth/refresh answer. */
type TokenAnswer = Schemas['LoginResponse'];

/** A sign-in or refresh answer without usable tokens (e.g. a backend older than this app). */
export class IncompleteTokenAnswer extends Error {
  constructor() {
    super('the server did not send the tokens this app needs (access and refresh token with their expiries)');
    this.name = 'IncompleteTokenAnswer';
  }
}

function sessionFrom(username: string, answer: TokenAnswer): Session {
  const complete =
    typeof answer?.access_token === 'string' &&
    typeof answer.refresh_token === 'string' &&
    Number.isFinite(answer.expires_at) &&
    Number.isFinite(answer.refresh_expires_at);
  if (!complete) throw new IncompleteTokenAnswer();
  return {
    token: answer.access_token,
    username,
    expiresAt: answer.expires_at,
    refreshToken: answer.refresh_token,
    refreshExpiresAt: answer.refresh_expires_at,
  };
}

export async function logIn(api: ApiClient, username: string, password: string): Promise<Session> {
  const answer = await api.request<TokenAnswer>('/auth/login', {
    method: 'POST',
    body: { username, password },
    withoutToken: true,
  });
  return sessionFrom(username, answer);
}

/** Trades the refresh token for new tokens; the old refresh token is spent (rotation). */
export async function refreshSession(api: ApiClient, current: Session): Promise<Session> {
  const answer = await api.request<TokenAnswer>('/auth/refresh', {
    method: 'POST',
    body: { refresh_token: current.refreshToken },
    withoutToken: true,
  });
  return sessionFrom(current.username, answer);
}

/** Revokes this session on the server (renewing a stale access token first, so the revocation lands). */
export async function logOut(api: ApiClient): Promise<void> {
  await api.request('/auth/logout', { method: 'POST' });
}

/** Changes the signed-in user's password; the server then revokes all their sessions. */
export async function changePassword(api: ApiClient, currentPassword: string, newPassword: string): Promise<void> {
  await api.request('/auth/password', {
    method: 'POST',
    body: { current_password: currentPassword, new_password: newPassword },
  });
}

export type CurrentUser = Schemas['Me'];
export type Role = CurrentUser['role'];

export async function fetchCurrentUser(api: ApiClient, signal?: AbortSignal): Promise<CurrentUser> {
  const answer = await api.request<CurrentUser>('/auth/me', { signal });
  // Anything but an explicit admin is treated as a viewer: controls stay hidden when unsure.
  return { username: answer.username, role: answer.role === 'admin' ? 'admin' : 'viewer' };
}
