import type { ApiClient } from '../../lib/apiClient';
import type { Role } from '../auth/api';

/** One account as GET /api/users lists it. */
export interface UserAccount {
  username: string;
  role: Role;
  active: boolean;
  created_at: string;
  active_sessions: number;
}

export const USERS_KEY = ['users'] as const;

const userPath = (username: string) => `/users/${encodeURIComponent(username)}`;

export function fetchUsers(api: ApiClient, signal?: AbortSignal): Promise<UserAccount[]> {
  return api.request<UserAccount[]>('/users', { signal });
}

export function createUser(api: ApiClient, user: { username: string; password: string; role: Role }): Promise<UserAccount> {
  return api.request<UserAccount>('/users', { method: 'POST', body: user });
}

/** Role change or (de)activation; the server refuses to leave no active admin. */
export function updateUser(api: ApiClient, username: string, change: { role?: Role; active?: boolean }): Promise<UserAccount> {
  return api.request<UserAccount>(userPath(username), { method: 'PATCH', body: change });
}

/** An admin's reset: the server also revokes that user's sessions. */
export async function resetPassword(api: ApiClient, username: string, newPassword: string): Promise<void> {
  await api.request(`${userPath(username)}/password`, { method: 'POST', body: { new_password: newPassword } });
}

export async function revokeSessions(api: ApiClient, username: string): Promise<number> {
  const answer = await api.request<{ revoked: number }>(`${userPath(username)}/revoke-sessions`, { method: 'POST' });
  return answer.revoked;
}
