import nock from 'nock';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type GenerateKeyPairResult, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConcurClient, IdTokenError, NetworkError, type AccessToken } from 'concur-partner-client';

const BASE = 'https://us.api.concursolutions.test';
const EMEA = 'https://emea.api.concursolutions.test';
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
let now = T0;
// nock intercepts fetch and http.request, not undici's pools: these wire-level cases run on the
// fetch transport; the undici one meets the same cases against real servers (test/integration/client,
// test/unit/client/transports.test.ts), and both share send(), which parses and types every answer.
const make = () => createConcurClient({ baseUrl: BASE, consumerKey: 'app-id', consumerSecret: 'app-secret', now: () => now, retry: false, transport: 'fetch' });

let key: GenerateKeyPairResult;
let other: GenerateKeyPairResult;
let jwk: JWK;
let rotated: JWK;

async function idToken(claims: Record<string, unknown> = {}, opts: { signWith?: CryptoKey; kid?: string; iat?: number; exp?: number } = {}) {
  const iat = opts.iat ?? Math.floor(T0 / 1000);
  return new SignJWT({ 'concur.type': 'user', 'concur.version': 2, 'concur.profile': `${BASE}/profile/v1/principals/u-1`, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'k1' })
    .setSubject('u-1')
    .setAudience('app-id')
    .setIssuer(BASE)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(opts.exp ?? iat + 3600)
    .sign(opts.signWith ?? key.privateKey);
}

describe('verifyIdToken against GET /oauth2/v0/jwks', () => {
  beforeAll(async () => {
    nock.disableNetConnect();
    key = await generateKeyPair('RS256', { extractable: true });
    other = await generateKeyPair('RS256', { extractable: true });
    jwk = { ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    rotated = { ...(await exportJWK(other.publicKey)), kid: 'k2', alg: 'RS256', use: 'sig' };
  });
  afterEach(() => {
    nock.cleanAll();
    now = T0;
  });
  afterAll(() => nock.enableNetConnect());

  it('answers the claims of a good token, and reads the JWKS once for many tokens', async () => {
    const jwks = nock(BASE).get('/oauth2/v0/jwks').once().reply(200, { keys: [jwk] });
    const client = make();
    const claims = await client.verifyIdToken(await idToken());
    expect(claims).toMatchObject({ sub: 'u-1', aud: 'app-id', iss: BASE, 'concur.type': 'user', 'concur.version': 2 });
    await client.verifyIdToken(await idToken({ extra: 1 }));
    expect(jwks.isDone()).toBe(true);
  });

  it('given the AccessToken, checks its idToken with the JWKS at its geolocation, and the issuer when asked', async () => {
    const jwks = nock(EMEA).get('/oauth2/v0/jwks').reply(200, { keys: [jwk] });
    const token: AccessToken = { token: 'a', refreshToken: 'r', expiresAt: new Date(T0 + 3_600_000), instanceUrl: EMEA, flow: 'oauth2', idToken: await idToken() };
    await expect(make().verifyIdToken(token, { issuer: BASE })).resolves.toMatchObject({ sub: 'u-1' });
    expect(jwks.isDone()).toBe(true);
    nock(EMEA).get('/oauth2/v0/jwks').reply(200, { keys: [jwk] });
    await expect(make().verifyIdToken(token, { issuer: 'https://elsewhere.test' })).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
  });

  it('refuses a token signed with another key (same kid): bad signature', async () => {
    nock(BASE).get('/oauth2/v0/jwks').reply(200, { keys: [jwk] });
    const error = await make().verifyIdToken(await idToken({}, { signWith: other.privateKey })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdTokenError);
    expect(error).toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('refuses a tampered payload', async () => {
    nock(BASE).get('/oauth2/v0/jwks').reply(200, { keys: [jwk] });
    const [h, , s] = (await idToken()).split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'admin', aud: 'app-id', exp: Math.floor(T0 / 1000) + 3600 })).toString('base64url');
    await expect(make().verifyIdToken(`${h}.${forged}.${s}`)).rejects.toMatchObject({ name: 'IdTokenError', code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('refuses an expired token by the client’s clock, and honours clock tolerance', async () => {
    nock(BASE).get('/oauth2/v0/jwks').reply(200, { keys: [jwk] });
    const client = make();
    const token = await idToken();
    now = T0 + 3_600_000 + 5_000;
    await expect(client.verifyIdToken(token)).rejects.toMatchObject({ name: 'IdTokenError', code: 'ERR_JWT_EXPIRED' });
    await expect(client.verifyIdToken(token, { clockToleranceSec: 10 })).resolves.toMatchObject({ sub: 'u-1' });
  });

  it('refuses a token for another audience', async () => {
    nock(BASE).get('/oauth2/v0/jwks').reply(200, { keys: [jwk] });
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setAudience('other-app').setIssuedAt(Math.floor(T0 / 1000)).setExpirationTime(Math.floor(T0 / 1000) + 3600).sign(key.privateKey);
    await expect(make().verifyIdToken(token)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
  });

  it('refuses alg none and garbage', async () => {
    nock(BASE).get('/oauth2/v0/jwks').reply(200, { keys: [jwk] });
    const client = make();
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","aud":"app-id"}').toString('base64url')}.`;
    await expect(client.verifyIdToken(none)).rejects.toBeInstanceOf(IdTokenError);
    await expect(client.verifyIdToken('not-a-jwt')).rejects.toBeInstanceOf(IdTokenError);
  });

  it('reads the JWKS again when a token names a key it lacks (after the cooldown), and keeps it ten minutes', async () => {
    const first = nock(BASE).get('/oauth2/v0/jwks').reply(200, { keys: [jwk] });
    const client = make();
    await client.verifyIdToken(await idToken());
    expect(first.isDone()).toBe(true);
    // Within 30 s of the last read, an unknown kid is refused without a new read.
    await expect(client.verifyIdToken(await idToken({}, { signWith: other.privateKey, kid: 'k2' }))).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    now = T0 + 60_000;
    const second = nock(BASE).get('/oauth2/v0/jwks').reply(200, { keys: [jwk, rotated] });
    await expect(client.verifyIdToken(await idToken({}, { signWith: other.privateKey, kid: 'k2' }))).resolves.toMatchObject({ sub: 'u-1' });
    expect(second.isDone()).toBe(true);
    now = T0 + 60_000 + 10 * 60_000;
    const third = nock(BASE).get('/oauth2/v0/jwks').reply(200, { keys: [jwk, rotated] });
    await client.verifyIdToken(await idToken({}, { iat: Math.floor(now / 1000) }));
    expect(third.isDone()).toBe(true);
  });

  it('goes through the client’s injectable fetch', async () => {
    const seen: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      seen.push(String(input));
      return new Response(JSON.stringify({ keys: [jwk] }), { headers: { 'Content-Type': 'application/json' } });
    };
    const client = createConcurClient({ baseUrl: BASE, consumerKey: 'app-id', consumerSecret: 's', now: () => now, fetch });
    await client.verifyIdToken(await idToken());
    expect(seen).toEqual([`${BASE}/oauth2/v0/jwks`]);
  });

  it('a JWKS that cannot be read is a MalformedResponseError; a JWKS host that is down a NetworkError; a token without id token an IdTokenError', async () => {
    nock(BASE).get('/oauth2/v0/jwks').reply(200, { nope: [] });
    await expect(make().verifyIdToken(await idToken())).rejects.toMatchObject({ name: 'MalformedResponseError' });
    nock(BASE).get('/oauth2/v0/jwks').replyWithError({ code: 'ECONNREFUSED' });
    await expect(make().verifyIdToken(await idToken())).rejects.toBeInstanceOf(NetworkError);
    await expect(make().verifyIdToken({ token: 'a', refreshToken: null, expiresAt: new Date(), instanceUrl: null, flow: 'oauth2' })).rejects.toBeInstanceOf(IdTokenError);
  });
});
