import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from '../features/dashboard/useLiveUpdates';
import { authMessage, liveUpdatesUrl } from './liveSocket';

describe('liveUpdatesUrl', () => {
  it('uses the page origin, ws for http and wss for https, with no query string', () => {
    expect(liveUpdatesUrl('/api', 'http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/ws/updates');
    expect(liveUpdatesUrl('/api', 'https://bot.example')).toBe('wss://bot.example/ws/updates');
  });

  it("uses the API's host when VITE_API_BASE_URL names another one", () => {
    expect(liveUpdatesUrl('https://api.example/api', 'https://ui.example')).toBe('wss://api.example/ws/updates');
  });
});

describe('authMessage', () => {
  it('is the JSON first message the server expects', () => {
    expect(JSON.parse(authMessage('a.b+c'))).toEqual({ type: 'auth', token: 'a.b+c' });
  });
});

describe('reconnectDelayMs', () => {
  it('doubles from one second and stops at thirty', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(reconnectDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});
