import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from '../features/dashboard/useLiveUpdates';
import { liveUpdatesUrl } from './liveSocket';

describe('liveUpdatesUrl', () => {
  it('uses the page origin, ws for http and wss for https, with the token as a query parameter', () => {
    expect(liveUpdatesUrl('/api', 'http://127.0.0.1:8080', 'a.b+c')).toBe('ws://127.0.0.1:8080/ws/updates?token=a.b%2Bc');
    expect(liveUpdatesUrl('/api', 'https://bot.example', 't')).toBe('wss://bot.example/ws/updates?token=t');
  });

  it("uses the API's host when VITE_API_BASE_URL names another one", () => {
    expect(liveUpdatesUrl('https://api.example/api', 'https://ui.example', 't')).toBe('wss://api.example/ws/updates?token=t');
  });
});

describe('reconnectDelayMs', () => {
  it('doubles from one second and stops at thirty', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(reconnectDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});
