/**
 * A fake of the browser's WebSocket for unit tests (the browser-API boundary): records the
 * sockets the app opens and lets a test play the server (open, send a message, close).
 */
import type { LiveSocket, SocketFactory } from '../lib/liveSocket';

export class FakeSocket implements LiveSocket {
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closedByClient: { code?: number; reason?: string } | null = null;
  /** What the app sent, parsed as JSON. */
  readonly sent: unknown[] = [];
  readonly url: URL;

  constructor(url: string) {
    this.url = new URL(url);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string): void {
    this.closedByClient = { code, reason };
  }

  serverOpens(): void {
    this.onopen?.(new Event('open'));
  }

  /** The token of the app's first message, if it was the auth message the server expects. */
  authToken(): string | null {
    const first = this.sent[0] as { type?: unknown; token?: unknown } | undefined;
    return first?.type === 'auth' && typeof first.token === 'string' ? first.token : null;
  }

  /**
   * The server's side of the handshake, as the contract has it: no credential in the URL, the
   * first message `{type: "auth", token}`; a token of a live session gets the snapshot, any
   * other a 4401 close.
   */
  serverAuthenticates(snapshot: unknown, sessionIsLive: (token: string) => boolean): void {
    const token = this.authToken();
    if (this.url.search !== '' || token === null || !sessionIsLive(token)) {
      this.serverCloses(4401, 'sign-in required');
      return;
    }
    this.serverSends(snapshot);
  }

  serverSends(message: unknown): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(message) }));
  }

  serverCloses(code = 1006, reason = ''): void {
    this.onclose?.(new CloseEvent('close', { code, reason, wasClean: code === 1000 }));
  }
}

export function createFakeSockets() {
  const opened: FakeSocket[] = [];
  const factory: SocketFactory = (url) => {
    const socket = new FakeSocket(url);
    opened.push(socket);
    return socket;
  };
  return {
    opened,
    factory,
    latest(): FakeSocket {
      const socket = opened.at(-1);
      if (!socket) throw new Error('the app has not opened a WebSocket');
      return socket;
    },
  };
}

export type FakeSockets = ReturnType<typeof createFakeSockets>;
