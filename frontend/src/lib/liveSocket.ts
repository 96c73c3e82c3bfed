/** The part of the browser's WebSocket the live-updates hook uses; tests hand in a fake. */
export interface LiveSocket {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => LiveSocket;

export const browserSocketFactory: SocketFactory = (url) => new WebSocket(url);

/**
 * `ws(s)://host/ws/updates` on the API's origin (the page's own unless VITE_API_BASE_URL
 * names another host). No credential in the URL: URLs end up in access logs.
 */
export function liveUpdatesUrl(apiBase: string, pageOrigin: string): string {
  const origin = new URL(apiBase, pageOrigin).origin;
  const url = new URL('/ws/updates', origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** The first message on the socket: the server answers the snapshot, or closes with 4401. */
export function authMessage(token: string): string {
  return JSON.stringify({ type: 'auth', token });
}
