import type { ApiCallRecorder } from './apiInspector';
import { newRequestId } from './requestId';

export class ApiError extends Error {
  readonly status: number;
  readonly requestId: string | null;
  readonly detail: unknown;
  /** Seconds the server asked us to wait (the Retry-After header of a 429 or 503), if any. */
  readonly retryAfterSeconds: number | null;

  constructor(status: number, message: string, requestId: string | null, detail: unknown, retryAfterSeconds: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.requestId = requestId;
    this.detail = detail;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Retry-After as seconds from now: either delta-seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null, nowMs: number = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

export type QueryValue = string | number | readonly string[] | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** What the Accept header asks for; JSON unless a file is wanted. */
  accept?: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  requestId?: string;
  signal?: AbortSignal;
  /** A 401 is the caller's to handle (e.g. sign-out of an already revoked session): no refresh, no sign-out. */
  skipUnauthorizedHandler?: boolean;
  /** Sent without the bearer token (sign-in, refresh); implies skipUnauthorizedHandler. */
  withoutToken?: boolean;
  /** Lets the client-error shipper post while the page unloads. */
  keepalive?: boolean;
}

export interface ApiClientOptions {
  baseUrl: string;
  getToken: () => string | null;
  /**
   * Called once when a request is answered 401: resolves true when the session was renewed
   * (the request is then sent once more with the new token), false when it has ended.
   */
  onUnauthorized?: (rejectedToken: string | null) => Promise<boolean>;
  recorder?: ApiCallRecorder;
  fetchImpl?: typeof fetch;
  now?: () => number;
}

/** A file the API answered with, named as its Content-Disposition says. */
export interface DownloadedFile {
  blob: Blob;
  filename: string | null;
}

export interface ApiClient {
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  download(path: string, options?: RequestOptions): Promise<DownloadedFile>;
}

/** The filename of `attachment; filename="x.csv"` (or the RFC 5987 `filename*=` form). */
export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*(?:UTF-8'[^']*')?([^;]+)/i.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // Fall through to the plain form.
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header);
  const name = plain?.[2] ?? plain?.[1];
  return name ? name.trim() : null;
}

export function buildQueryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      for (const item of value as readonly string[]) params.append(key, item);
    } else {
      params.append(key, String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function messageFromBody(status: number, body: unknown): string {
  if (body && typeof body === 'object' && 'detail' in body) {
    const detail = (body as { detail: unknown }).detail;
    if (typeof detail === 'string') return detail;
    if (detail && typeof detail === 'object' && 'message' in detail) {
      return String((detail as { message: unknown }).message);
    }
    if (Array.isArray(detail) && detail.length > 0) {
      const first = detail[0] as { msg?: unknown; loc?: unknown };
      const where = Array.isArray(first.loc) ? first.loc.join('.') : '';
      return `${where ? `${where}: ` : ''}${String(first.msg ?? 'invalid request')}`;
    }
  }
  return `request failed with status ${status}`;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const fetchImpl = options.fetchImpl ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const now = options.now ?? (() => performance.now());

  /** Sends the request; on a 401 lets the session renew itself and sends it once more. */
  async function send(path: string, requestOptions: RequestOptions): Promise<Response> {
    const token = requestOptions.withoutToken ? null : options.getToken();
    try {
      return await sendOnce(path, requestOptions, token);
    } catch (error) {
      const mayRenew = !requestOptions.withoutToken && !requestOptions.skipUnauthorizedHandler && options.onUnauthorized;
      if (!(error instanceof ApiError) || error.status !== 401 || !mayRenew) throw error;
      if (!(await options.onUnauthorized?.(token))) throw error;
      return sendOnce(path, requestOptions, options.getToken());
    }
  }

  /** Sends the request, records it, and turns a non-2xx answer into an ApiError. */
  async function sendOnce(path: string, requestOptions: RequestOptions, token: string | null): Promise<Response> {
    const method = requestOptions.method ?? 'GET';
    const requestId = requestOptions.requestId ?? newRequestId();
    const headers: Record<string, string> = {
      Accept: requestOptions.accept ?? 'application/json',
      'X-Request-ID': requestId,
    };
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (requestOptions.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(requestOptions.body);
    }
    const url = `${options.baseUrl}${path}${buildQueryString(requestOptions.query)}`;
    const started = now();
    const startedAt = Date.now();
    const record = (status: number | null, answeredId: string, error?: string) =>
      options.recorder?.record({
        method,
        path: `${path}${buildQueryString(requestOptions.query)}`,
        status,
        durationMs: Math.round(now() - started),
        requestId: answeredId,
        startedAt,
        ...(error ? { error } : {}),
      });

    let response: Response;
    try {
      response = await fetchImpl(url, {
        method,
        headers,
        body,
        signal: requestOptions.signal,
        keepalive: requestOptions.keepalive,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      record(null, requestId, reason);
      throw error;
    }
    const answeredId = response.headers.get('X-Request-ID') ?? requestId;
    record(response.status, answeredId);
    if (!response.ok) {
      const parsed = parseBody(await response.text());
      throw new ApiError(
        response.status,
        messageFromBody(response.status, parsed),
        answeredId,
        parsed,
        retryAfterSeconds(response.headers.get('Retry-After')),
      );
    }
    return response;
  }

  return {
    async request<T>(path: string, requestOptions: RequestOptions = {}): Promise<T> {
      const response = await send(path, requestOptions);
      return parseBody(await response.text()) as T;
    },
    async download(path: string, requestOptions: RequestOptions = {}): Promise<DownloadedFile> {
      const response = await send(path, { accept: '*/*', ...requestOptions });
      return {
        blob: await response.blob(),
        filename: filenameFromDisposition(response.headers.get('Content-Disposition')),
      };
    },
  };
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
