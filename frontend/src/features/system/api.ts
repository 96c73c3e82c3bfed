import type { Schemas } from '../../api/schema';
import type { ApiClient } from '../../lib/apiClient';

/** Readiness and the figures behind it, as GET /api/health/detail reports them. */
export type HealthDetail = Schemas['HealthDetail'];
export type DeploymentHistory = Schemas['DeploymentHistory'];
export type DeploymentRecord = Schemas['DeploymentRecord'];

export const HEALTH_DETAIL_KEY = ['health', 'detail'] as const;
export const DEPLOYMENTS_KEY = ['health', 'deployments'] as const;
/** How many deploys the screen lists. */
export const DEPLOYMENTS_SHOWN = 10;

export function fetchHealthDetail(api: ApiClient, signal?: AbortSignal): Promise<HealthDetail> {
  return api.request<HealthDetail>('/health/detail', { signal });
}

export function fetchDeployments(api: ApiClient, signal?: AbortSignal): Promise<DeploymentHistory> {
  return api.request<DeploymentHistory>('/health/deployments', { query: { limit: DEPLOYMENTS_SHOWN }, signal });
}
