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
