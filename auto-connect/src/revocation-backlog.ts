/**
 * How a revocation ended: Concur confirmed it (`revoked`); nothing was left to revoke (`gone`:
 * the token was already refused as invalid, with no refresh token to renew it); or whether a
 * usable token remains cannot be known (`unknown`: a possible leak, reported, never retried).
 * A revocation that throws failed and may be tried again.
 */
export type RevocationEnd = 'revoked' | 'gone' | 'unknown';
export type Revocation = () => Promise<RevocationEnd>;

/** What one pass over the backlog did: confirmed revocations, and the requests whose revocation ended `unknown`. */
export interface BacklogPass {
  revoked: number;
  unknown: string[];
}

/**
 * Revocations that failed (Concur unreachable through every retry) wait here and are tried
 * again at the end of the cycle and at the start of every later one: the seed asks for a
 * failed connection's token to be revoked, and a flaky minute must not leave it usable.
 */
export class RevocationBacklog {
  private readonly pending: { requestId: string; revoke: Revocation }[] = [];

  constructor(private readonly limit = 10_000) {}

  get size(): number {
    return this.pending.length;
  }

  /** Queues a revocation to try again; answers false when the backlog is full (the caller must report it). */
  add(requestId: string, revoke: Revocation): boolean {
    if (this.pending.length >= this.limit) return false;
    this.pending.push({ requestId, revoke });
    return true;
  }

  /** Tries every queued revocation once. */
  async retry(): Promise<BacklogPass> {
    const batch = this.pending.splice(0);
    const pass: BacklogPass = { revoked: 0, unknown: [] };
    for (const entry of batch) {
      try {
        const end = await entry.revoke();
        if (end === 'revoked') pass.revoked++;
        else if (end === 'unknown') pass.unknown.push(entry.requestId);
      } catch {
        this.pending.push(entry);
      }
    }
    return pass;
  }
}
