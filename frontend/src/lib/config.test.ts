import { describe, expect, it } from 'vitest';
import { apiBaseFrom } from './config';

describe('apiBaseFrom', () => {
  it('defaults to /api on the same origin', () => {
    expect(apiBaseFrom(undefined)).toBe('/api');
    expect(apiBaseFrom('  ')).toBe('/api');
  });

  it('keeps a configured base without its trailing slash', () => {
    expect(apiBaseFrom('https://control.example/api/')).toBe('https://control.example/api');
  });
});
