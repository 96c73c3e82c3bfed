import type { Session } from '../features/auth/sessionStore';

/** The session component tests start in; the auth fake knows its tokens. */
export const SIGNED_IN: Session = {
  token: 'header.payload.signature',
  username: 'admin',
  expiresAt: Math.floor(Date.now() / 1000) + 3600,
  refreshToken: 'refresh-of-admin',
  refreshExpiresAt: Math.floor(Date.now() / 1000) + 12 * 3600,
};
