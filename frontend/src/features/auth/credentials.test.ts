import { describe, expect, it } from 'vitest';
import { passwordProblem, usernameProblem } from './credentials';

describe('usernameProblem', () => {
  it('accepts what the API pattern accepts', () => {
    for (const name of ['a', 'ops.viewer', 'x@example.com', 'A-1_b', '9'.repeat(64)]) expect(usernameProblem(name)).toBeNull();
  });

  it('refuses an empty, too long, or badly started or spelled name', () => {
    expect(usernameProblem('')).toBe('Enter a username.');
    expect(usernameProblem('a'.repeat(65))).toBe('At most 64 characters.');
    for (const name of ['.hidden', '-x', 'two words', 'semi;colon', 'ünicode']) expect(usernameProblem(name)).toMatch(/^Start with/);
  });
});

describe('passwordProblem', () => {
  it('needs 12 to 1024 characters', () => {
    expect(passwordProblem('a'.repeat(11))).toBe('At least 12 characters.');
    expect(passwordProblem('a'.repeat(12))).toBeNull();
    expect(passwordProblem('a'.repeat(1024))).toBeNull();
    expect(passwordProblem('a'.repeat(1025))).toBe('At most 1024 characters.');
  });
});
