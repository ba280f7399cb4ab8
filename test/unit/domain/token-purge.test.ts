import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEAD_TOKEN_GRACE_MS, TokenService } from '../../../mock-concur/src/domain/token-service.js';

const NOW = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const tokens = () => new TokenService({ requestTokenTtlMs: 15 * MIN, accessTokenTtlMs: 365 * 86_400_000, singleUseRequestTokens: true });

describe('purging the long dead: a long-running mock holds what is live and a day of the dead', () => {
  it('tells an expired request token apart from an unknown one for a day, then forgets it', () => {
    const service = tokens();
    const { token } = service.issueRequestToken('app', 'u', NOW);
    expect(service.useRequestToken(token, 'app', NOW + 16 * MIN)).toEqual({ ok: false, reason: 'expired' });
    // Within the grace, issuing more keeps it.
    for (let i = 0; i < 50; i++) service.issueRequestToken('app', 'u', NOW + 15 * MIN + DEAD_TOKEN_GRACE_MS - 1);
    expect(service.useRequestToken(token, 'app', NOW + 15 * MIN + DEAD_TOKEN_GRACE_MS - 1)).toEqual({ ok: false, reason: 'expired' });
    for (let i = 0; i < 50; i++) service.issueRequestToken('app', 'u', NOW + 15 * MIN + DEAD_TOKEN_GRACE_MS);
    expect(service.useRequestToken(token, 'app', NOW + 15 * MIN + DEAD_TOKEN_GRACE_MS)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('holds steady over 100 000 App Center clicks a day apart: the dead go as fast as new ones come', () => {
    const service = tokens();
    let now = NOW;
    for (let i = 0; i < 100_000; i++) {
      service.issueRequestToken('app', `u${i % 50}`, now);
      now += 2 * MIN; // ~720 a day
    }
    // What is held: about a day and a quarter of hour of clicks (the live and the grace), not all 100 000.
    expect(service.recordCounts().request).toBeLessThan(1_000);
  });

  it('purges revoked and long-expired access and refresh tokens, and keeps every live one', () => {
    const service = tokens();
    const live = service.issueAccessToken('app', 'keeper', NOW, 'native');
    const doomed = Array.from({ length: 200 }, () => service.issueAccessToken('app', 'leaver', NOW, 'native'));
    for (const t of doomed) service.revoke(t.token, 'app', NOW + 1);
    const later = NOW + 1 + DEAD_TOKEN_GRACE_MS;
    for (let i = 0; i < 300; i++) service.issueRequestToken('app', 'keeper', later);
    expect(service.recordCounts()).toMatchObject({ access: 1, refresh: 1 });
    expect(service.authenticate(live.token, later).ok).toBe(true);
    expect(service.refresh(live.refreshToken, 'app', later).ok).toBe(true);
    expect(service.isConnected('app', 'leaver', later)).toBe(false);
    expect(service.revokeUser('app', 'leaver', later)).toBe(0);
  });

  it('never purges a live token, whatever is issued, refreshed, revoked and when (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('issue' as const), user: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('refresh' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('revoke' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('code' as const), user: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(MIN, 16 * MIN, DEAD_TOKEN_GRACE_MS, 400 * 86_400_000) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const service = tokens();
        let now = NOW;
        const issued: { token: string; refreshToken: string; expiresAt: number; revoked: boolean }[] = [];
        for (const o of ops) {
          if (o.kind === 'issue') {
            const t = service.issueAccessToken('app', `u${o.user}`, now, 'native');
            issued.push({ ...t, revoked: false });
          } else if (o.kind === 'refresh' && issued.length > 0) {
            const from = issued[o.pick % issued.length]!;
            const r = service.refresh(from.refreshToken, 'app', now);
            if (r.ok) issued.push({ token: r.value.token, refreshToken: from.refreshToken, expiresAt: r.value.expiresAt, revoked: false });
          } else if (o.kind === 'revoke' && issued.length > 0) {
            const t = issued[o.pick % issued.length]!;
            if (service.revoke(t.token, 'app', now)) for (const s of issued) if (s.refreshToken === t.refreshToken) s.revoked = true;
          } else if (o.kind === 'code') {
            service.issueRequestToken('app', `u${o.user}`, now);
          } else if (o.kind === 'wait') {
            now += o.ms;
          }
        }
        for (const t of issued) {
          const answer = service.authenticate(t.token, now);
          if (!t.revoked && now < t.expiresAt) expect(answer).toMatchObject({ ok: true });
          else expect(answer.ok).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});
