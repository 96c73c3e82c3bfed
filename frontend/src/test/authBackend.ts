/**
 * The auth and users part of the fake backend, speaking the issue-13 contract: short-lived
 * access tokens bound to a server-side session, refresh with rotation (reuse revokes the
 * session), logout, password change, and the admin-only users API with the server's rules.
 * Once installed, every other /api/ route needs a live bearer token, as on the real server.
 */
import type { Schemas } from '../api/schema';
import type { Session } from '../features/auth/sessionStore';
import type { FakeAnswer, FakeBackend, RecordedCall } from './fakeBackend';

export type FakeRole = Schemas['UserOut']['role'];

interface FakeUser {
  password: string;
  role: FakeRole;
  active: boolean;
  created_at: string;
}

interface AuthSession {
  id: number;
  username: string;
  refreshToken: string;
  /** Every refresh token this session has handed out; presenting an old one is theft. */
  spentRefreshTokens: Set<string>;
  revoked: boolean;
}

interface AccessToken {
  sessionId: number;
  expiresAt: number;
}

// The server's rule, written again on purpose: this double must not trust the client's copy.
const SERVER_USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]*$/;
const ADMIN_ONLY: FakeAnswer = { status: 403, body: { detail: 'admin role required' } };
const SIGN_IN_REQUIRED: FakeAnswer = { status: 401, body: { detail: 'sign-in required' } };
const OPEN_PATHS = new Set(['/api/auth/login', '/api/auth/refresh', '/api/health', '/api/health/ready']);

/** A FastAPI-style 422 for one field. */
function invalid(field: string, msg: string): FakeAnswer {
  return { status: 422, body: { detail: [{ loc: ['body', field], msg, type: 'value_error' }] } };
}

export interface AuthBackendOptions {
  accessSeconds?: number;
  sessionSeconds?: number;
  /** Failed sign-ins of one username before 429. */
  failuresBeforeThrottle?: number;
  retryAfterSeconds?: number;
}

export function installAuthBackend(backend: FakeBackend, options: AuthBackendOptions = {}) {
  const accessSeconds = options.accessSeconds ?? 600;
  const sessionSeconds = options.sessionSeconds ?? 12 * 3600;
  const failuresBeforeThrottle = options.failuresBeforeThrottle ?? 5;
  const retryAfter = options.retryAfterSeconds ?? 45;
  const users = new Map<string, FakeUser>();
  const sessions = new Map<number, AuthSession>();
  const accessTokens = new Map<string, AccessToken>();
  const failures = new Map<string, number>();
  let nextId = 1;
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  function addUser(username: string, password: string, role: FakeRole) {
    users.set(username, { password, role, active: true, created_at: '2026-11-22T09:00:00Z' });
  }

  /** Opens a session; with `tokens`, under the tokens a test's stored session already holds. */
  function openSession(username: string, tokens?: Pick<Session, 'token' | 'refreshToken'>) {
    const id = nextId++;
    const serial = `${id}-${Math.random().toString(36).slice(2, 8)}`;
    const session: AuthSession = {
      id,
      username,
      refreshToken: tokens?.refreshToken ?? `refresh-${serial}`,
      spentRefreshTokens: new Set(),
      revoked: false,
    };
    sessions.set(id, session);
    const token = tokens?.token ?? `access-${serial}`;
    accessTokens.set(token, { sessionId: id, expiresAt: nowSeconds() + accessSeconds });
    return { session, token };
  }

  function tokenAnswer(session: AuthSession, token: string): FakeAnswer {
    const access = accessTokens.get(token);
    if (!access) throw new Error(`the fake backend issued no access token ${token}`);
    const body: Schemas['LoginResponse'] = {
      access_token: token,
      token_type: 'bearer',
      expires_at: access.expiresAt,
      refresh_token: session.refreshToken,
      refresh_expires_at: nowSeconds() + sessionSeconds,
    };
    return { body };
  }

  function revokeSessionsOf(username: string): number {
    let revoked = 0;
    for (const session of sessions.values()) {
      if (session.username === username && !session.revoked) {
        session.revoked = true;
        revoked += 1;
      }
    }
    return revoked;
  }

  /** The caller behind the bearer token, checked as the server does on every request. */
  function caller(call: RecordedCall): { username: string; user: FakeUser; session: AuthSession } | null {
    const bearer = /^Bearer (.+)$/.exec(call.headers.get('Authorization') ?? '')?.[1];
    const access = bearer ? accessTokens.get(bearer) : undefined;
    const session = access ? sessions.get(access.sessionId) : undefined;
    const user = session ? users.get(session.username) : undefined;
    if (!access || !session || !user || session.revoked || !user.active || access.expiresAt <= nowSeconds()) return null;
    return { username: session.username, user, session };
  }

  const activeAdmins = () => [...users.values()].filter((user) => user.role === 'admin' && user.active).length;
  const userOut = (username: string, user: FakeUser): Schemas['UserOut'] => ({
    username,
    role: user.role,
    active: user.active,
    created_at: user.created_at,
    active_sessions: [...sessions.values()].filter((session) => session.username === username && !session.revoked).length,
  });
  const passwordProblem = (password: unknown, field: string) =>
    typeof password !== 'string' || password.length < 12 || password.length > 1024
      ? invalid(field, 'String should have between 12 and 1024 characters')
      : null;

  backend.guard((call) => {
    if (!call.url.pathname.startsWith('/api/') || OPEN_PATHS.has(call.url.pathname)) return null;
    return caller(call) ? null : SIGN_IN_REQUIRED;
  });
  /** Admin-only routes answer 403 to a viewer, after the bearer check above. */
  const adminOnly = (handler: (call: RecordedCall, me: string) => FakeAnswer) => (call: RecordedCall) => {
    const me = caller(call);
    if (!me || me.user.role !== 'admin') return ADMIN_ONLY;
    return handler(call, me.username);
  };

  backend.on('POST', '/api/auth/login', ({ body }) => {
    const { username = '', password } = body as Partial<Schemas['LoginRequest']>;
    if ((failures.get(username) ?? 0) >= failuresBeforeThrottle) {
      return {
        status: 429,
        body: { detail: 'too many failed attempts; try again later' },
        headers: { 'Retry-After': String(retryAfter) },
      };
    }
    const user = users.get(username);
    if (!user || !user.active || user.password !== password) {
      failures.set(username, (failures.get(username) ?? 0) + 1);
      return { status: 401, body: { detail: 'invalid username or password' } };
    }
    const { session, token } = openSession(username);
    return tokenAnswer(session, token);
  });

  backend.on('POST', '/api/auth/refresh', ({ body }) => {
    const presented = (body as Partial<Schemas['RefreshRequest']>).refresh_token ?? '';
    const reused = [...sessions.values()].find((session) => session.spentRefreshTokens.has(presented));
    if (reused) {
      reused.revoked = true;
      return SIGN_IN_REQUIRED;
    }
    const session = [...sessions.values()].find((item) => item.refreshToken === presented);
    const user = session ? users.get(session.username) : undefined;
    if (!session || session.revoked || !user?.active) return SIGN_IN_REQUIRED;
    session.spentRefreshTokens.add(session.refreshToken);
    session.refreshToken = `refresh-${session.id}-${Math.random().toString(36).slice(2, 8)}`;
    const token = `access-${session.id}-${Math.random().toString(36).slice(2, 8)}`;
    accessTokens.set(token, { sessionId: session.id, expiresAt: nowSeconds() + accessSeconds });
    return tokenAnswer(session, token);
  });

  backend.on('POST', '/api/auth/logout', (call) => {
    const me = caller(call);
    if (me) me.session.revoked = true;
    return { status: 204 };
  });

  backend.on('GET', '/api/auth/me', (call) => {
    const me = caller(call);
    return me ? { body: { username: me.username, role: me.user.role } satisfies Schemas['Me'] } : SIGN_IN_REQUIRED;
  });

  backend.on('POST', '/api/auth/password', (call) => {
    const me = caller(call);
    if (!me) return SIGN_IN_REQUIRED;
    const { current_password: current, new_password: next } = call.body as Partial<Record<keyof Schemas['PasswordChange'], unknown>>;
    const problem = passwordProblem(next, 'new_password');
    if (problem) return problem;
    if (current !== me.user.password) return { status: 403, body: { detail: 'current password is wrong' } };
    me.user.password = next as string;
    revokeSessionsOf(me.username);
    return { status: 204 };
  });

  backend.on(
    'GET',
    '/api/users',
    adminOnly(() => ({ body: [...users.entries()].map(([name, user]) => userOut(name, user)) })),
  );

  backend.on(
    'POST',
    '/api/users',
    adminOnly(({ body }) => {
      const { username, password, role } = body as Partial<Record<keyof Schemas['UserCreate'], unknown>>;
      if (typeof username !== 'string' || username.length < 1 || username.length > 64 || !SERVER_USERNAME_PATTERN.test(username)) {
        return invalid('username', "String should match pattern '^[A-Za-z0-9][A-Za-z0-9_.@-]*$'");
      }
      const problem = passwordProblem(password, 'password');
      if (problem) return problem;
      if (role !== 'admin' && role !== 'viewer') return invalid('role', "Input should be 'admin' or 'viewer'");
      if (users.has(username)) return { status: 409, body: { detail: `a user named '${username}' already exists` } };
      addUser(username, password as string, role);
      return { status: 201, body: userOut(username, users.get(username) as FakeUser) };
    }),
  );

  backend.on(
    'PATCH',
    '/api/users/:username',
    adminOnly(({ body, params }, me) => {
      const name = decodeURIComponent(params.username ?? '');
      const user = users.get(name);
      if (!user) return { status: 404, body: { detail: `user '${name}' not found` } };
      // null or absent leaves a field as it is, as on the server.
      const { role = null, active = null } = body as Schemas['UserUpdate'];
      if (role !== null && role !== 'admin' && role !== 'viewer') return invalid('role', "Input should be 'admin' or 'viewer'");
      if (active === false && name === me) return { status: 409, body: { detail: 'you cannot deactivate yourself' } };
      const losesAdmin = user.role === 'admin' && user.active && (role === 'viewer' || active === false);
      if (losesAdmin && activeAdmins() === 1) {
        return { status: 409, body: { detail: 'the last active admin cannot be demoted or deactivated' } };
      }
      if (role !== null) user.role = role;
      if (active !== null) {
        user.active = active;
        if (!active) revokeSessionsOf(name);
      }
      return { body: userOut(name, user) };
    }),
  );

  backend.on(
    'POST',
    '/api/users/:username/password',
    adminOnly(({ body, params }) => {
      const name = decodeURIComponent(params.username ?? '');
      const user = users.get(name);
      if (!user) return { status: 404, body: { detail: `user '${name}' not found` } };
      const next = (body as Partial<Record<keyof Schemas['PasswordReset'], unknown>>).new_password;
      const problem = passwordProblem(next, 'new_password');
      if (problem) return problem;
      user.password = next as string;
      revokeSessionsOf(name);
      return { status: 204 };
    }),
  );

  backend.on(
    'POST',
    '/api/users/:username/revoke-sessions',
    adminOnly(({ params }) => {
      const name = decodeURIComponent(params.username ?? '');
      if (!users.has(name)) return { status: 404, body: { detail: `user '${name}' not found` } };
      return { body: { revoked: revokeSessionsOf(name) } satisfies Schemas['Revoked'] };
    }),
  );

  return {
    users,
    addUser,
    roleOf: (call: RecordedCall): FakeRole | null => caller(call)?.user.role ?? null,
    openSession,
    revokeSessionsOf,
    /** Ends one access token's time, as ten minutes passing would. */
    expireAccessToken(token: string) {
      const access = accessTokens.get(token);
      if (access) access.expiresAt = nowSeconds() - 1;
    },
    isRevoked: (token: string) => {
      const access = accessTokens.get(token);
      return !access || sessions.get(access.sessionId)?.revoked !== false;
    },
  };
}

export type AuthBackend = ReturnType<typeof installAuthBackend>;
