/** The part of the browser's WebSocket the live-updates hook uses; tests hand in a fake. */
export interface LiveSocket {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => LiveSocket;

export const browserSocketFactory: SocketFactory = (url) => new WebSocket(url);

/**
 * `ws(s)://host/ws/updates?token=…` on the API's origin: the page's own unless
 * VITE_API_BASE_URL names another host.
 */
export function liveUpdatesUrl(apiBase: string, pageOrigin: string, token: string): string {
  const origin = new URL(apiBase, pageOrigin).origin;
  const url = new URL('/ws/updates', origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  return url.toString();
}
