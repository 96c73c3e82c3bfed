import type { ApiClient } from '../../lib/apiClient';
import type { Session } from './sessionStore';

interface LoginResponse {
  access_token: string;
  token_type: string;
  expires_at: number;
}

export async function logIn(api: ApiClient, username: string, password: string): Promise<Session> {
  const answer = await api.request<LoginResponse>('/auth/login', {
    method: 'POST',
    body: { username, password },
    skipUnauthorizedHandler: true,
  });
  return { token: answer.access_token, username, expiresAt: answer.expires_at };
}

export type Role = 'admin' | 'viewer';

export interface CurrentUser {
  username: string;
  role: Role;
}

export async function fetchCurrentUser(api: ApiClient, signal?: AbortSignal): Promise<CurrentUser> {
  const answer = await api.request<{ username: string; role?: string }>('/auth/me', { signal });
  // Anything but an explicit admin is treated as a viewer: controls stay hidden when unsure.
  return { username: answer.username, role: answer.role === 'admin' ? 'admin' : 'viewer' };
}
