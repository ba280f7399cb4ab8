/**
 * Revocations that failed (Concur unreachable through every retry) wait here and are tried
 * again at the end of the cycle and at the start of every later one: the seed asks for a
 * failed connection's token to be revoked, and a flaky minute must not leave it usable.
 */
export class RevocationBacklog {
  private readonly pending: (() => Promise<void>)[] = [];

  constructor(private readonly limit = 10_000) {}

  get size(): number {
    return this.pending.length;
  }

  /** Queues a revocation to try again; answers false when the backlog is full (it is then lost). */
  add(revoke: () => Promise<void>): boolean {
    if (this.pending.length >= this.limit) return false;
    this.pending.push(revoke);
    return true;
  }

  /** Tries every queued revocation once; answers how many went through. */
  async retry(): Promise<number> {
    const batch = this.pending.splice(0);
    let done = 0;
    for (const revoke of batch) {
      try {
        await revoke();
        done++;
      } catch {
        this.pending.push(revoke);
      }
    }
    return done;
  }
}
