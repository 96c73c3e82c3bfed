/**
 * A fake fetch for component tests (the unit boundary): routes by method and path, records
 * every call, and answers like the FastAPI backend (JSON bodies, X-Request-ID echoed).
 */
export interface RecordedCall {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
  /** Values of `:name` segments in the route's pattern. */
  params: Record<string, string>;
}

/** `body` is sent as JSON; `text` as it is (e.g. CSV), with `headers` added. */
export interface FakeAnswer {
  status?: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export type Handler = (call: RecordedCall) => FakeAnswer | Promise<FakeAnswer>;
/** Runs before every route (e.g. the bearer check); an answer stops the request there. */
export type Guard = (call: RecordedCall) => FakeAnswer | null;

export function createFakeBackend() {
  const routes = new Map<string, Handler>();
  const guards: Guard[] = [];
  const calls: RecordedCall[] = [];

  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input), 'http://ui.test');
    const method = (init?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const exact = routes.get(`${method} ${url.pathname}`);
    const found = exact ? { handler: exact, params: {} } : findPattern(method, url.pathname);
    const call = { method, url, headers, body, params: found?.params ?? {} };
    calls.push(call);
    const requestId = headers.get('X-Request-ID') ?? 'server-minted';
    const refused = guards.map((guard) => guard(call)).find((answer) => answer !== null);
    const answer = refused ?? (found ? await found.handler(call) : null);
    if (!answer) {
      return jsonResponse(404, { detail: 'Not Found' }, requestId);
    }
    if (answer.text !== undefined) {
      return new Response(answer.text, {
        status: answer.status ?? 200,
        headers: { 'X-Request-ID': requestId, ...answer.headers },
      });
    }
    return jsonResponse(answer.status ?? 200, answer.body ?? null, requestId, answer.headers);
  };

  function findPattern(method: string, pathname: string) {
    for (const [key, handler] of routes) {
      const [routeMethod, pattern] = key.split(' ');
      if (routeMethod !== method || !pattern?.includes(':')) continue;
      const names = [...pattern.matchAll(/:([a-z_]+)/g)].map((match) => match[1] ?? '');
      const regex = new RegExp(`^${pattern.replace(/:[a-z_]+/g, '([^/]+)')}$`);
      const match = regex.exec(pathname);
      if (match) {
        const params = Object.fromEntries(names.map((name, index) => [name, match[index + 1] ?? '']));
        return { handler, params };
      }
    }
    return undefined;
  }

  return {
    fetch: fetchImpl as typeof fetch,
    calls,
    on(method: string, path: string, handler: Handler) {
      routes.set(`${method} ${path}`, handler);
    },
    guard(check: Guard) {
      guards.push(check);
    },
    callsTo(method: string, pathname: string) {
      return calls.filter((call) => call.method === method && call.url.pathname === pathname);
    },
  };
}

function jsonResponse(status: number, body: unknown, requestId: string, extra: Record<string, string> = {}): Response {
  // A 204 cannot carry a body.
  return new Response(body === null || status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'X-Request-ID': requestId, ...extra },
  });
}

export type FakeBackend = ReturnType<typeof createFakeBackend>;
