import { describe, expect, it } from 'vitest';
import { TokenService } from '../../../mock-concur/src/domain/token-service.js';

const NOW = Date.UTC(2026, 0, 1);
const tokens = () => new TokenService({ requestTokenTtlMs: 15 * 60_000, accessTokenTtlMs: 365 * 86_400_000, singleUseRequestTokens: true });

describe('revoking a token while its grant is refreshed (RFC 7009)', () => {
  it('leaves no live sibling: an access token the refresh token minted is revoked with the one named', () => {
    const service = tokens();
    const first = service.issueAccessToken('app', 'user@example.com', NOW, 'native');
    // The refresh lands just before the revocation of the first token.
    const refreshed = service.refresh(first.refreshToken, 'app', NOW + 1);
    expect(refreshed.ok).toBe(true);
    expect(service.revoke(first.token, 'app', NOW + 2)).toBe(true);
    const sibling = refreshed.ok ? refreshed.value.token : '';
    expect(service.authenticate(sibling, NOW + 3)).toEqual({ ok: false, reason: 'revoked' });
    expect(service.refresh(first.refreshToken, 'app', NOW + 3)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('leaves the user’s other grants alone', () => {
    const service = tokens();
    const a = service.issueAccessToken('app', 'user@example.com', NOW, 'native');
    const b = service.issueAccessToken('app', 'user@example.com', NOW, 'native');
    service.revoke(a.token, 'app', NOW + 1);
    expect(service.authenticate(b.token, NOW + 2).ok).toBe(true);
  });
});
