import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mask } from '../../../mock-concur/src/domain/secrets.js';
import { ODD_MASK, packMask, packSecretMask, unpackMask } from '../../../mock-concur/src/domain/token-mask.js';

describe('a masked token packed into a number', () => {
  it('unpacks to mask() of the token, packed from the token or from its mask (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)), minLength: 9, maxLength: 80 }), (token) => {
        const packed = packSecretMask(token);
        expect(packed).not.toBe(ODD_MASK);
        expect(packMask(mask(token))).toBe(packed);
        expect(unpackMask(packed)).toBe(mask(token));
      }),
    );
  });

  it('leaves what it cannot hold to the caller: short tokens, non-ASCII characters, other shapes', () => {
    expect(packSecretMask('0_short')).toBe(ODD_MASK);
    expect(packSecretMask('0_é-and-more-characters')).toBe(ODD_MASK);
    expect(packMask('…')).toBe(ODD_MASK);
    expect(packMask('0_ab...xyz')).toBe(ODD_MASK);
  });
});
