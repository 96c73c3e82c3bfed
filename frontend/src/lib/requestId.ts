/** Matches the backend's SAFE_REQUEST_ID, so the id we send is the one it logs. */
export const SAFE_REQUEST_ID = /^[A-Za-z0-9._:@+=/-]{1,128}$/;

export function newRequestId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') {
    return `ui-${crypto.randomUUID()}`;
  }
  return `ui-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
