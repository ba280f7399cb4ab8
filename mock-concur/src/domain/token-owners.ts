/**
 * Who tokens belong to, by number: an app and a user as the token spells them (a token keeps
 * `Alice` or `alice` as issued), and the grant they fall under (the app and the user without
 * regard to case: "revoke all of this user's tokens" takes every spelling). A token row holds
 * a 4-byte owner instead of two strings. Owners are few (apps × users) and are kept.
 */
export class TokenOwners {
  readonly appKeys: string[] = [];
  readonly loginIds: string[] = [];
  /** Owner → its grant. */
  readonly grantOf: number[] = [];
  private readonly owners = new Map<string, number>();
  private readonly grants = new Map<string, number>();

  /** The owner number of an app and user, created on first use. */
  id(appKey: string, loginId: string): number {
    const key = `${appKey}\u0000${loginId}`;
    let owner = this.owners.get(key);
    if (owner === undefined) {
      owner = this.appKeys.length;
      this.appKeys.push(appKey);
      this.loginIds.push(loginId);
      this.grantOf.push(this.grantId(appKey, loginId, true));
      this.owners.set(key, owner);
    }
    return owner;
  }

  /** The grant of an app and user, or -1 when no token was ever theirs. */
  grant(appKey: string, loginId: string): number {
    return this.grantId(appKey, loginId, false);
  }

  private grantId(appKey: string, loginId: string, create: boolean): number {
    const key = `${appKey}\u0000${loginId.toLowerCase()}`;
    let grant = this.grants.get(key);
    if (grant === undefined) {
      if (!create) return -1;
      grant = this.grants.size;
      this.grants.set(key, grant);
    }
    return grant;
  }
}
