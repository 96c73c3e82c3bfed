import { ApiError } from './apiClient';

/** One line for an error banner: the API's detail, and its request id to find it in the logs. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError && error.requestId) return `${error.message} (request ${error.requestId})`;
  if (error instanceof Error) return error.message;
  return String(error);
}
