/**
 * A fake fetch for component tests (the unit boundary): routes by method and path, records
 * every call, and answers like the FastAPI backend (JSON bodies, X-Request-ID echoed).
 */
export interface RecordedCall {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

export type Handler = (call: RecordedCall) => { status?: number; body?: unknown } | Promise<{ status?: number; body?: unknown }>;

export function createFakeBackend() {
  const routes = new Map<string, Handler>();
  const calls: RecordedCall[] = [];

  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input), 'http://ui.test');
    const method = (init?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const call = { method, url, headers, body };
    calls.push(call);
    const handler = routes.get(`${method} ${url.pathname}`) ?? findPattern(method, url.pathname);
    const requestId = headers.get('X-Request-ID') ?? 'server-minted';
    if (!handler) {
      return jsonResponse(404, { detail: 'Not Found' }, requestId);
    }
    const answer = await handler(call);
    return jsonResponse(answer.status ?? 200, answer.body ?? null, requestId);
  };

  function findPattern(method: string, pathname: string): Handler | undefined {
    for (const [key, handler] of routes) {
      const [routeMethod, pattern] = key.split(' ');
      if (routeMethod !== method || !pattern?.includes(':')) continue;
      const regex = new RegExp(`^${pattern.replace(/:[a-z_]+/g, '[^/]+')}$`);
      if (regex.test(pathname)) return handler;
    }
    return undefined;
  }

  return {
    fetch: fetchImpl as typeof fetch,
    calls,
    on(method: string, path: string, handler: Handler) {
      routes.set(`${method} ${path}`, handler);
    },
    callsTo(method: string, pathname: string) {
      return calls.filter((call) => call.method === method && call.url.pathname === pathname);
    },
  };
}

function jsonResponse(status: number, body: unknown, requestId: string): Response {
  return new Response(body === null ? '' : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'X-Request-ID': requestId },
  });
}
