/**
 * Queues client-side errors and posts them to /api/logs/batch in small batches. The server
 * stamps them with the signed-in user and source=ui, and refuses levels above ERROR and
 * events outside `ui.`; entries are shaped here to fit, so one bad entry cannot sink a batch.
 */
export const CLIENT_LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;
export type ClientLogLevel = (typeof CLIENT_LOG_LEVELS)[number];
export const UI_EVENT_PREFIX = 'ui.';

interface ClientLogFields {
  ts: string;
  level: ClientLogLevel;
  logger: string;
  event: string;
  message: string;
  correlation_id?: string;
}

/** The backend keeps unknown keys (stack, page, …) as the row's JSON payload. */
export type ClientLogEntry = ClientLogFields & Record<string, unknown>;

export type ClientLogReport = Omit<ClientLogFields, 'ts'> & { ts?: string } & Record<string, unknown>;

export interface ClientLogShipperOptions {
  send: (entries: ClientLogEntry[], options: { keepalive: boolean }) => Promise<void>;
  /** Entries are held, not dropped, while nobody is signed in (the endpoint needs a user). */
  canSend: () => boolean;
  /** A failure that retrying cannot fix (e.g. the server rejected the entries): drop the batch. */
  isPermanentFailure?: (error: unknown) => boolean;
  maxBatch?: number;
  flushDelayMs?: number;
  maxQueued?: number;
}

export interface ClientLogShipper {
  report(entry: ClientLogReport): void;
  flush(options?: { keepalive?: boolean }): Promise<void>;
  queued(): number;
  dispose(): void;
}

// The backend caps a message at its line limit; stacks longer than this add nothing useful.
const MAX_MESSAGE_CHARS = 4000;

/** The event in the browser's namespace: `client_error` → `ui.client_error`. */
export function uiEventName(event: string): string {
  const name = event.trim();
  if (name === '') return `${UI_EVENT_PREFIX}log`;
  return name.startsWith(UI_EVENT_PREFIX) ? name : `${UI_EVENT_PREFIX}${name}`;
}

/** A level the server accepts from a browser: anything unknown or above ERROR becomes ERROR. */
export function clientLevel(level: string): ClientLogLevel {
  const upper = level.toUpperCase();
  return (CLIENT_LOG_LEVELS as readonly string[]).includes(upper) ? (upper as ClientLogLevel) : 'ERROR';
}

export function createClientLogShipper(options: ClientLogShipperOptions): ClientLogShipper {
  const maxBatch = options.maxBatch ?? 20;
  const flushDelayMs = options.flushDelayMs ?? 2000;
  const maxQueued = options.maxQueued ?? 200;
  let queue: ClientLogEntry[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let sending = false;

  const schedule = () => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      void flush();
    }, flushDelayMs);
  };

  async function flush({ keepalive = false }: { keepalive?: boolean } = {}): Promise<void> {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    if (sending || queue.length === 0 || !options.canSend()) return;
    sending = true;
    try {
      while (queue.length > 0 && options.canSend()) {
        const batch = queue.slice(0, maxBatch);
        try {
          await options.send(batch, { keepalive });
        } catch (error) {
          if (options.isPermanentFailure?.(error)) {
            queue = queue.slice(batch.length);
            continue;
          }
          // Keep the batch for a later try; reporting this failure would feed the same queue.
          schedule();
          return;
        }
        queue = queue.slice(batch.length);
      }
    } finally {
      sending = false;
    }
  }

  return {
    report(entry) {
      const message = entry.message.length > MAX_MESSAGE_CHARS
        ? `${entry.message.slice(0, MAX_MESSAGE_CHARS)}…`
        : entry.message;
      queue.push({
        ...entry,
        level: clientLevel(entry.level),
        event: uiEventName(entry.event),
        message,
        ts: entry.ts ?? new Date().toISOString(),
      });
      if (queue.length > maxQueued) queue = queue.slice(queue.length - maxQueued);
      if (queue.length >= maxBatch) void flush();
      else schedule();
    },
    flush,
    queued: () => queue.length,
    dispose() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

function describe(reason: unknown): { message: string; stack?: string; name?: string } {
  if (reason instanceof Error) {
    return { message: reason.message || reason.name, stack: reason.stack, name: reason.name };
  }
  if (typeof reason === 'string') return { message: reason };
  try {
    return { message: JSON.stringify(reason) ?? String(reason) };
  } catch {
    return { message: String(reason) };
  }
}

/** Wires window.onerror and unhandledrejection to the shipper; returns the undo. */
export function installGlobalErrorReporting(target: Window, shipper: ClientLogShipper): () => void {
  const onError = (event: ErrorEvent) => {
    const described = describe(event.error ?? event.message);
    shipper.report({
      level: 'ERROR',
      logger: 'frontend.window',
      event: 'ui.client_error',
      message: described.message || 'script error',
      error_name: described.name,
      stack: described.stack,
      source_file: event.filename || undefined,
      line: event.lineno || undefined,
      column: event.colno || undefined,
      page: target.location.pathname,
    });
  };
  const onRejection = (event: PromiseRejectionEvent) => {
    const described = describe(event.reason);
    shipper.report({
      level: 'ERROR',
      logger: 'frontend.window',
      event: 'ui.unhandled_rejection',
      message: described.message || 'unhandled promise rejection',
      error_name: described.name,
      stack: described.stack,
      page: target.location.pathname,
    });
  };
  const onPageHide = () => void shipper.flush({ keepalive: true });
  target.addEventListener('error', onError);
  target.addEventListener('unhandledrejection', onRejection);
  target.addEventListener('pagehide', onPageHide);
  return () => {
    target.removeEventListener('error', onError);
    target.removeEventListener('unhandledrejection', onRejection);
    target.removeEventListener('pagehide', onPageHide);
  };
}
