import { describe, expect, it } from 'vitest';
import { digest, mask, matchesDigest, newAccessToken, newRequestToken } from '../../../mock-concur/src/domain/secrets.js';

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
    expect(matchesDigest('abc', digest('abc'))).toBe(true);
    expect(matchesDigest('abc', digest('abcd'))).toBe(false);
    expect(matchesDigest('abc', 'not-a-digest')).toBe(false);
    expect(mask('0_abcdefghijklmnop')).toBe('0_ab…nop');
    expect(mask('short')).toBe('…');
  });
});
