import { useQuery } from '@tanstack/react-query';
import { useServices, useSessionState } from '../../app/services';
import { fetchCurrentUser } from './api';

export const CURRENT_USER_KEY = ['auth', 'me'] as const;

/** Who is signed in, and with which role (from GET /api/auth/me). */
export function useCurrentUser() {
  const { api } = useServices();
  const { session } = useSessionState();
  return useQuery({
    // Keyed by user, not token: a silent refresh must not refetch who is signed in.
    queryKey: [...CURRENT_USER_KEY, session?.username ?? null],
    queryFn: ({ signal }) => fetchCurrentUser(api, signal),
    enabled: session !== null,
    staleTime: 5 * 60_000,
  });
}

/** True only once the API has said this user is an admin; viewers never see control buttons. */
export function useCanControl(): boolean {
  return useCurrentUser().data?.role === 'admin';
}
