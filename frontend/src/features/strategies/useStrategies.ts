import { useQuery } from '@tanstack/react-query';
import { useServices } from '../../app/services';
import { fetchStrategies, STRATEGIES_KEY } from './api';

export function useStrategies() {
  const { api } = useServices();
  return useQuery({ queryKey: STRATEGIES_KEY, queryFn: ({ signal }) => fetchStrategies(api, signal), staleTime: 30_000 });
}
