import { describe, expect, it } from 'vitest';
import { parseSessionId, sessionIdOfLogPayload, sessionPath } from './links';

describe('session links', () => {
  it('reads a route id only when it is a positive whole number', () => {
    expect(parseSessionId('12')).toBe(12);
    for (const bad of [undefined, '', '0', '-1', '1.5', '12abc', '01', '99999999999999999999']) {
      expect(parseSessionId(bad)).toBeNull();
    }
    expect(sessionPath(12)).toBe('/sessions/12');
  });

  it("finds the session a log line is about: the engine's session_id or an audit target", () => {
    expect(sessionIdOfLogPayload({ session_id: 42, strategy_id: 1 })).toBe(42);
    expect(sessionIdOfLogPayload({ session_id: '42' })).toBe(42);
    expect(sessionIdOfLogPayload({ target: 'session:7', action: 'session.pause' })).toBe(7);
    for (const none of [null, 'text', { target: 'strategy:3' }, { session_id: null }, { session_id: 0 }, { session_id: 1.5 }]) {
      expect(sessionIdOfLogPayload(none)).toBeNull();
    }
  });
});
