import type { Schemas } from '../../api/schema';
import type { ApiClient } from '../../lib/apiClient';

/** One account as GET /api/users lists it. */
export type UserAccount = Schemas['UserOut'];

export const USERS_KEY = ['users'] as const;

const userPath = (username: string) => `/users/${encodeURIComponent(username)}`;

export function fetchUsers(api: ApiClient, signal?: AbortSignal): Promise<UserAccount[]> {
  return api.request<UserAccount[]>('/users', { signal });
}

export function createUser(api: ApiClient, user: Schemas['UserCreate']): Promise<UserAccount> {
  return api.request<UserAccount>('/users', { method: 'POST', body: user });
}

/** Role change or (de)activation; the server refuses to leave no active admin. */
export function updateUser(api: ApiClient, username: string, change: Schemas['UserUpdate']): Promise<UserAccount> {
  return api.request<UserAccount>(userPath(username), { method: 'PATCH', body: change });
}

/** An admin's reset: the server also revokes that user's sessions. */
export async function resetPassword(api: ApiClient, username: string, newPassword: string): Promise<void> {
  await api.request(`${userPath(username)}/password`, { method: 'POST', body: { new_password: newPassword } });
}

export async function revokeSessions(api: ApiClient, username: string): Promise<number> {
  const answer = await api.request<Schemas['Revoked']>(`${userPath(username)}/revoke-sessions`, { method: 'POST' });
  return answer.revoked;
}
