import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwtSigner } from '../../../mock-concur/src/wire/jwt-signer.js';

// The signer writes the JWS itself (jose's CompactSign over the claims' JSON) instead of going
// through SignJWT. RS256 is deterministic, so the two must agree byte for byte on any claims.
describe('JwtSigner', () => {
  let dir: string;
  let signer: JwtSigner;
  let privateJwk: JWK;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mock-concur-jwt-'));
    signer = await JwtSigner.open(dir);
    privateJwk = JSON.parse(readFileSync(join(dir, 'signing-key.jwk'), 'utf8')) as JWK;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const claims = fc.record(
    {
      sub: fc.string({ unit: 'binary' }),
      aud: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 })),
      iat: fc.integer({ min: 0, max: 2 ** 40 }),
      exp: fc.integer({ min: 0, max: 2 ** 40 }),
      'concur.scopes': fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 5 }),
      'concur.version': fc.integer(),
      extra: fc.dictionary(fc.string(), fc.oneof(fc.string({ unit: 'binary' }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null))),
    },
    { requiredKeys: ['sub'] },
  );

  it("writes exactly jose's SignJWT token for the same claims and key", async () => {
    const key = await importJWK({ ...privateJwk, alg: 'RS256' }, 'RS256');
    await fc.assert(
      fc.asyncProperty(claims, async (payload) => {
        const expected = await new SignJWT(payload as JWTPayload).setProtectedHeader({ alg: 'RS256', kid: signer.kid, typ: 'JWT' }).sign(key);
        expect(await signer.sign(payload as JWTPayload)).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('signs tokens that verify against its published JWKS, with its kid', async () => {
    const [jwk] = signer.jwks().keys;
    const publicKey = await importJWK(jwk!, 'RS256');
    const token = await signer.sign({ sub: 'u-1', aud: '*', 'concur.scopes': ['a', 'b'] });
    const { payload, protectedHeader } = await jwtVerify(token, publicKey, { audience: '*' });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: signer.kid, typ: 'JWT' });
    expect(payload).toEqual({ sub: 'u-1', aud: '*', 'concur.scopes': ['a', 'b'] });
  });
});
