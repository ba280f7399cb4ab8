import { describe, expect, it } from 'vitest';
import { mask, newAccessToken, newRequestToken, secretsEqual } from '../../../mock-concur/domain/secrets.js';

describe('secrets', () => {
  it('mints request tokens in Concur’s shape and never the same one twice, across pool refills', () => {
    const tokens = new Set(Array.from({ length: 5000 }, () => newRequestToken()));
    expect(tokens.size).toBe(5000);
    for (const t of [...tokens].slice(0, 50)) expect(t).toMatch(/^0_[A-Za-z0-9_-]{30}$/);
  });

  it('mints access tokens with at least 256 bits of randomness', () => {
    const a = newAccessToken();
    expect(a).toMatch(/^0_[A-Za-z0-9_-]{44}$/);
    expect(newAccessToken()).not.toBe(a);
  });

  it('compares secrets of any length and masks them for display', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(mask('0_abcdefghijklmnop')).toBe('0_ab…nop');
    expect(mask('short')).toBe('…');
  });
});
